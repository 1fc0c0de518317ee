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
    # -- response parsing -------------------------------------------------------
    Mutant("status-line-type", 'raise LineTooLong("status line")', 'raise LineTooLong("header line")',
           "LineTooLong names the wrong line"),
    Mutant("maxheaders-off-by-one", "if len(headers) > _MAXHEADERS:", "if len(headers) >= _MAXHEADERS:",
           "header count limit trips one early"),
    Mutant("status-range", "if status < 100 or status > 999:", "if status < 100 or status > 599:",
           "status codes above 599 rejected"),
    Mutant("http09-as-11", 'if version in ("HTTP/1.0", "HTTP/0.9"):', 'if version == "HTTP/1.0":',
           "HTTP/0.9 status line taken as 1.1"),
    Mutant("te-case", 'if tr_enc and tr_enc.lower() == "chunked":', 'if tr_enc and tr_enc == "chunked":',
           "Transfer-Encoding compared case-sensitively"),
    Mutant("keepalive-10-case", 'if conn and "keep-alive" in conn.lower():', 'if conn and "keep-alive" in conn:',
           "HTTP/1.0 Connection: Keep-Alive compared case-sensitively"),
    Mutant("keepalive-header-ignored", 'if self.headers.get("keep-alive"):', 'if self.headers.get("keep-alive-x"):',
           "HTTP/1.0 Keep-Alive header ignored"),
    Mutant("http10-default-keep", "        # otherwise, assume it will close\n        return True",
           "        # otherwise, assume it will close\n        return False", "HTTP/1.0 kept alive by default"),
    Mutant("incomplete-expected", "raise IncompleteRead(data, amt-len(data))", "raise IncompleteRead(data, amt)",
           "IncompleteRead.expected counts the whole read"),
    # (Not "_safe_readinto's expected": its only caller re-raises without it,
    # so that mutant is equivalent to the original.)
    Mutant("trailer-no-limit", 'raise LineTooLong("trailer line")', "pass", "overlong trailer lines accepted"),
    Mutant("chunk-ext-separator", 'i = line.find(b";")', 'i = line.find(b",")', "chunk extensions not stripped"),
    Mutant("getheader-default-iterable", "if isinstance(headers, str) or not hasattr(headers, '__iter__'):",
           "if not isinstance(headers, list):", "iterable non-list defaults not joined"),
    Mutant("getheaders-lowercase", "return list(self.headers.items())",
           "return [(k.lower(), v) for k, v in self.headers.items()]", "getheaders lower-cases names"),
    Mutant("chunked-partial-lost", "raise IncompleteRead(b''.join(value)) from exc", "raise IncompleteRead(b'') from exc",
           "chunked read() loses the partial body"),
    Mutant("readinto-chunked-partial", "raise IncompleteRead(bytes(b[0:total_bytes]))", "raise IncompleteRead(b'')",
           "chunked readinto loses the partial body"),
    Mutant("readline-past-body", "            limit = self.length", "            pass", "readline reads past Content-Length"),
    Mutant("read1-past-body", "            n = self.length", "            pass", "read1 reads past Content-Length"),
    Mutant("read-amt-past-body", "                amt = self.length", "                pass", "read(n) reads past Content-Length"),
    Mutant("peek-past-chunk", "return self.fp.peek(chunk_left)[:chunk_left]", "return self.fp.peek(chunk_left)",
           "peek returns bytes past the chunk"),
    Mutant("continue-headers-kept", "skipped_headers = _read_headers(self.fp)", "skipped_headers = []",
           "headers of a 100 response not skipped"),
    Mutant("unknown-protocol-class", "raise UnknownProtocol(version)", "raise BadStatusLine(version)",
           "unknown versions raise the wrong class"),
    Mutant("responses-names", "responses = {v: v.phrase for v in", "responses = {v: v.name for v in",
           "responses maps to enum names"),
    Mutant("https-port", "HTTPS_PORT = 443", "HTTPS_PORT = 4443", "wrong HTTPS_PORT"),
    # -- request side -----------------------------------------------------------
    Mutant("memoryview-length", "return mv.nbytes", "return len(mv)", "Content-Length counts items, not bytes"),
    Mutant("host-brackets", "host_enc = b'[' + host_enc + b']'", "host_enc = host_enc", "IPv6 Host not bracketed"),
    Mutant("host-zone-id", "                        host_enc = _strip_ipv6_iface(host_enc)", "                        pass",
           "IPv6 zone id sent in Host"),
    Mutant("host-skip-case", "if 'host' in header_names:", "if 'Host' in header_names:",
           "caller Host header duplicated"),
    Mutant("accept-encoding-skip-case", "if 'accept-encoding' in header_names:", "if 'Accept-Encoding' in header_names:",
           "caller Accept-Encoding duplicated"),
    Mutant("chunked-terminator", "self.send(b'0\\r\\n\\r\\n')", "self.send(b'0\\r\\n')",
           "last chunk without the final CRLF"),
    Mutant("empty-chunk-sent", "print('Zero length chunk ignored')\n                    continue",
           "print('Zero length chunk ignored')", "an empty chunk ends the body early"),
    Mutant("continuation-join", "value = b'\\r\\n\\t'.join(values)", "value = b', '.join(values)",
           "several putheader values joined with a comma"),
    Mutant("header-name-leading-space", "re.compile(rb'[^:\\s][^:\\r\\n]*').fullmatch",
           "re.compile(rb'[^:][^:\\r\\n]*').fullmatch", "header names may start with whitespace"),
    Mutant("header-value-bare-cr", "re.compile(rb'\\n(?![ \\t])|\\r(?![ \\t\\n])').search",
           "re.compile(rb'\\n(?![ \\t])').search", "bare CR allowed in header values"),
    Mutant("method-control-chars", "_contains_disallowed_method_pchar_re = re.compile('[\\x00-\\x1f]')",
           "_contains_disallowed_method_pchar_re = re.compile('[\\x00-\\x08]')", "TAB/LF allowed in methods"),
    Mutant("cannot-send-request-class", "raise CannotSendRequest(self.__state)", "raise CannotSendHeader(self.__state)",
           "wrong state exception"),
    Mutant("response-not-ready-check", "if self.__state != _CS_REQ_SENT or self.__response:",
           "if self.__state != _CS_REQ_SENT:", "getresponse twice not refused"),
    Mutant("not-connected-class", "raise NotConnected()", "raise ConnectionError()", "auto_open off raises the wrong class"),
    Mutant("tunnel-message", 'raise OSError(f"Tunnel connection failed: {code} {message.strip()}")',
           'raise OSError(f"Tunnel connection failed: {code}")', "tunnel refusal message loses the reason"),
    Mutant("set-tunnel-after-connect", "        if self.sock:\n            raise RuntimeError(", "        if False:\n            raise RuntimeError(",
           "set_tunnel after connect accepted"),
    Mutant("empty-port", 'if host[i+1:] == "": # http://foo.com:/ == http://foo.com/', 'if False:',
           "host: with an empty port rejected"),
    Mutant("debug-reply-repr", 'print("reply:", repr(line))', 'print("reply:", line)', "debug output format"),
    Mutant("audit-connect", 'sys.audit("http.client.connect", self, self.host, self.port)', "pass",
           "no http.client.connect audit event"),
    Mutant("timeout-dropped", "(self.host,self.port), self.timeout, self.source_address)",
           "(self.host,self.port), None, self.source_address)", "timeout not applied to the socket"),
    Mutant("source-address-dropped", "(self.host,self.port), self.timeout, self.source_address)",
           "(self.host,self.port), self.timeout, None)", "source_address ignored"),
    Mutant("blocksize-ignored", "self.blocksize = blocksize", "self.blocksize = 8192", "blocksize ignored"),
    Mutant("text-file-utf8", '                    datablock = datablock.encode("iso-8859-1")',
           '                    datablock = datablock.encode("utf-8")', "text files sent as UTF-8"),
    Mutant("str-body-utf8", "body = _encode(body, 'body')", "body = body.encode('utf-8')", "str bodies sent as UTF-8"),
    Mutant("empty-url", "url = url or '/'", "url = url", "empty URL not replaced by /"),
    Mutant("http-version-string", "_http_vsn_str = 'HTTP/1.1'", "_http_vsn_str = 'HTTP/1.0'", "requests say HTTP/1.0"),
    Mutant("keep-conn-on-close", "            if response.will_close:\n                # this effectively passes the connection to the response\n                self.close()",
           "            if response.will_close:\n                # this effectively passes the connection to the response\n                pass",
           "connection kept after Connection: close"),
    # -- second round: validation, framing headers, state, debug, trailers, TLS --------------
    Mutant("host-control-chars", "match = _contains_disallowed_url_pchar_re.search(host)", "match = None",
           "control characters in the host not refused"),
    Mutant("te-header-value", "self.putheader('Transfer-Encoding', 'chunked')",
           "self.putheader('Transfer-Encoding', 'Chunked')", "Transfer-Encoding value changed"),
    Mutant("caller-content-length-case", "if 'content-length' not in header_names:",
           "if 'Content-Length' not in header_names:", "caller Content-Length duplicated"),
    Mutant("caller-te-case", "            if 'transfer-encoding' not in header_names:",
           "            if 'Transfer-Encoding' not in header_names:", "caller Transfer-Encoding duplicated"),
    Mutant("debug-to-stderr", 'print("send:", repr(data))', 'print("send:", repr(data), file=sys.stderr)',
           "debug output on stderr"),
    Mutant("trailer-bare-lf-end", "                # sending the trailer\n                break\n            if line in (b'\\r\\n', b'\\n', b''):",
           "                # sending the trailer\n                break\n            if line in (b'\\r\\n', b''):",
           "a bare-LF empty line does not end the trailer section"),
    Mutant("tunnel-headers-dropped", 'headers.append(f"{header}: {value}\\r\\n".encode("latin-1"))', "pass",
           "set_tunnel headers not sent"),
    Mutant("close-keeps-state", '        """Close the connection to the HTTP server."""\n        self.__state = _CS_IDLE',
           '        """Close the connection to the HTTP server."""', "close() does not reset the request state"),
    # (Not "forget a completed response in putrequest": getresponse() forgets
    # it too, so that mutant is equivalent to the original.)
    Mutant("read1-eof-not-closed", "        if not result and n:", "        if False:", "read1 at EOF leaves the response open"),
    Mutant("readinto-eof-not-closed", "        if not n and b:", "        if False:", "readinto at EOF leaves the response open"),
    Mutant("sni-missing", "                server_hostname = self.host", "                server_hostname = None",
           "no SNI and no host name check"),
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
