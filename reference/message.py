"""Header sections read from a binary file: ``parse_headers`` and helpers.

The rules (line limits, field-line syntax) live in the sans-I/O module
``heads``; this module only pulls the lines out of a file.
"""
from __future__ import annotations

import email.message
from typing import Any, Iterable, List, Type, TypeVar

from . import heads, limits
from .heads import HTTPMessage

_M = TypeVar("_M", bound=email.message.Message)


def read_headers(fp: Any) -> List[bytes]:
    """Read header-section lines, terminator included (stdlib limits).

    The last line is b"" when the file ended before the empty line.
    """
    lines: List[bytes] = []
    while not heads.read_lines_check(lines, fp.readline(limits.MAX_LINE + 1)):
        pass
    return lines


def parse_header_lines(header_lines: Iterable[bytes],
                       _class: Type[_M] = HTTPMessage) -> _M:  # type: ignore[assignment]
    """Parse header-section lines into an HTTPMessage (strictly)."""
    return heads.build_message(header_lines, _class)


def parse_headers(fp: Any, _class: Type[_M] = HTTPMessage) -> _M:  # type: ignore[assignment]
    """Parse a header section from a binary file into an HTTPMessage.

    As in the stdlib, the end of the file ends the section.
    """
    return parse_header_lines(read_headers(fp), _class)
