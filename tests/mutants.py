"""Broken copies of http.client, made at test time from the running stdlib.

Each mutant is one realistic bug: a single textual change to the stdlib
source. The suite must fail on every one of them while the clean copy
passes. A mutant whose pattern is absent in this Python version is skipped.
"""
from __future__ import annotations

import http.client
import inspect
from pathlib import Path
from typing import NamedTuple, Optional


class Mutant(NamedTuple):
    name: str
    find: str
    replace: str
    why: str


MUTANTS = [
    Mutant("maxheaders-1000", "_MAXHEADERS = 100", "_MAXHEADERS = 1000", "header count limit lost"),
    Mutant("maxline-larger", "_MAXLINE = 65536", "_MAXLINE = 65537", "line limit off by one"),
    Mutant("chunk-size-decimal", "int(line, 16)", "int(line, 10)", "chunk sizes parsed as decimal"),
    Mutant("getheader-join", "', '.join(headers)", "','.join(headers)", "repeated fields joined without space"),
    Mutant("accept-encoding", "'Accept-Encoding', 'identity'", "'Accept-Encoding', 'gzip'", "wrong automatic header"),
    Mutant("close-case", '"close" in conn.lower()', '"close" in conn', "Connection: close compared case-sensitively"),
    Mutant("patch-no-length", "_METHODS_EXPECTING_BODY = {'PATCH', 'POST', 'PUT'}",
           "_METHODS_EXPECTING_BODY = {'POST', 'PUT'}", "PATCH without Content-Length: 0"),
    Mutant("chunk-size-decimal-out", "f'{len(chunk):X}\\r\\n'", "f'{len(chunk):d}\\r\\n'", "chunk sizes sent in decimal"),
    Mutant("incomplete-repr", "', %i more expected' % self.expected", "', %i more expected' % (self.expected + 1)",
           "IncompleteRead repr off by one"),
    Mutant("remote-disconnected-class", 'raise RemoteDisconnected("Remote end closed connection without"',
           'raise BadStatusLine("Remote end closed connection without"', "empty reply raises the base class"),
    Mutant("head-has-body", 'self._method == "HEAD"', 'self._method == "HEAD "', "HEAD responses read a body"),
    Mutant("url-space-allowed", "_contains_disallowed_url_pchar_re = re.compile('[\\x00-\\x20\\x7f]')",
           "_contains_disallowed_url_pchar_re = re.compile('[\\x00-\\x1f\\x7f]')", "CVE-2019-9740 check lost for SP"),
]


def make(mutant: Optional[Mutant], directory: Path) -> Optional[Path]:
    """Write the stdlib source with `mutant` applied (or clean if None);
    None if the pattern is not in this version's source."""
    source = inspect.getsource(http.client)
    if mutant is not None:
        if source.count(mutant.find) < 1:
            return None
        source = source.replace(mutant.find, mutant.replace, 1)
    name = mutant.name if mutant else "clean"
    path = directory / f"httpclient_{name.replace('-', '_')}.py"
    path.write_text(source, encoding="utf-8")
    return path
