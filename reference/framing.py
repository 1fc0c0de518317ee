"""Message body framing without I/O (RFC 9112 s6 and s7.1).

``response_framing`` decides how a response body is delimited and whether
the connection persists; ``ChunkedDecoder`` is the chunked coding's state
machine, driven by the socket layer with lines and data counts so that
chunk data can be read straight into the caller's buffer.
"""
from __future__ import annotations

import email.message
import re
from typing import List, NamedTuple, Optional

from . import limits
from .errors import (IncompleteRead, InvalidChunk, InvalidContentLength,
                     LineTooLong)


class Framing(NamedTuple):
    chunked: bool
    length: Optional[int]  # None: read until the connection closes
    will_close: bool


def _values(headers: email.message.Message, name: str) -> str:
    """All field lines of name, combined as one list (RFC 9110 s5.3)."""
    found = headers.get_all(name)
    return ", ".join(found) if found else ""


def _list_items(value: str) -> List[str]:
    """Elements of a #list, empty elements ignored (RFC 9110 s5.6.1)."""
    return [item.strip(" \t") for item in value.split(",")
            if item.strip(" \t")]


def check_close(version: int, headers: email.message.Message) -> bool:
    """Whether the server closes after this response (stdlib _check_close).

    Like the stdlib it looks for "close" (or HTTP/1.0's keep-alive tokens)
    as substrings, but over every Connection field line, not just the
    first (RFC 9112 s9.6: a client MUST honour a "close" option).
    """
    conn = _values(headers, "connection").lower()
    if version == 11:
        return "close" in conn
    # HTTP/1.0 persistence needs keep-alive (RFC 9112 s9.3, Appendix C.2.2).
    if headers.get("keep-alive"):
        return False
    if "keep-alive" in conn:
        return False
    if "keep-alive" in _values(headers, "proxy-connection").lower():
        return False
    return True


_MAX_CONTENT_LENGTH_DIGITS = len(str(limits.MAX_CONTENT_LENGTH))


def parse_content_length(value: str) -> int:
    """The length a Content-Length field (all lines joined) declares.

    RFC 9112 s6.3 item 5: differing values or anything but 1*DIGIT is an
    unrecoverable error; a list of identical values counts as one.  A value
    above limits.MAX_CONTENT_LENGTH is an error too.
    """
    lengths = set()
    for item in _list_items(value):
        if not (item.isdigit() and item.isascii()):
            raise InvalidContentLength(value)
        # RFC 9110 s8.6: anticipate large numerals.  The digit count is
        # checked before int() (which has a digit limit since 3.11).
        digits = item.lstrip("0") or "0"
        if len(digits) > _MAX_CONTENT_LENGTH_DIGITS or \
                int(digits) > limits.MAX_CONTENT_LENGTH:
            raise InvalidContentLength(value)
        lengths.add(int(digits))
    if len(lengths) != 1:
        raise InvalidContentLength(value)
    return lengths.pop()


def response_framing(version: int, status: int, method: Optional[str],
                     headers: email.message.Message) -> Framing:
    """Body length and persistence of a response, RFC 9112 s6.3 in order."""
    will_close = check_close(version, headers)
    # Item 1: HEAD, 1xx, 204 and 304 responses end with their header section.
    if method == "HEAD" or 100 <= status < 200 or status in (204, 304):
        return Framing(False, 0, will_close)
    # Item 2: a 2xx to CONNECT switches to tunnel mode; its Content-Length
    # and Transfer-Encoding MUST be ignored (RFC 9110 s9.3.6).
    if method == "CONNECT" and 200 <= status < 300:
        return Framing(False, 0, will_close)
    codings = [c.lower() for c in _list_items(
        _values(headers, "transfer-encoding"))]
    if codings:
        if version == 10:
            # RFC 9112 s6.1: Transfer-Encoding in HTTP/1.0 means faulty
            # framing: read until close, then close.
            return Framing(False, None, True)
        # Item 3: with both fields, Transfer-Encoding wins; the pair "ought
        # to be handled as an error", so the connection is not reused.
        if headers.get("content-length") is not None:
            will_close = True
        if codings[-1] == "chunked":
            return Framing(True, None, will_close)
        # Item 4: chunked not final: the body runs until close.
        return Framing(False, None, True)
    # Item 5: Content-Length.
    cl = headers.get_all("content-length")
    if cl is not None:
        return Framing(False, parse_content_length(", ".join(cl)), will_close)
    # Item 7: no framing: read until close.
    return Framing(False, None, True)


# ------------------------------------------------------------ chunked coding

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
_EXT = (rb"[ \t]*;[ \t]*" + _TOKEN +
        rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|" + _QUOTED + rb"))?")
# chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 s7.1, s7.1.1); bare LF
# is accepted as a line terminator (RFC 9112 s2.2).
_chunk_size_line = re.compile(
    rb"([0-9A-Fa-f]+)(?:" + _EXT + rb")*\r?\n").fullmatch

# The usual chunk-size line, a size below MAX_CHUNK_SIZE with no extension:
# readers may take it, and the CRLF after the data, without the decoder,
# and must hand anything else (or any doubt) to ChunkedDecoder.
plain_size_line = re.compile(rb"([0-9A-Fa-f]{1,15})\r\n").fullmatch

SIZE, DATA, DATA_END, TRAILER, DONE = "size", "data", "data-end", \
    "trailer", "done"


class ChunkedDecoder:
    """State machine of a chunked body (RFC 9112 s7.1).

    States and the input each wants:
    SIZE: a chunk-size line (``size_line``); DATA: ``chunk_left`` bytes of
    data (report them with ``data(n)``); DATA_END: the 2 bytes after the
    data (``data_end``), which must be CRLF; TRAILER: trailer lines until
    an empty one (``trailer_line``); DONE: nothing.
    Lines are passed as read by readline(limits.MAX_LINE + 1), with their
    terminator; an unterminated line means the body was cut short.
    Errors raise InvalidChunk/IncompleteRead with empty ``partial``; the
    caller re-raises with the data its own call had received.
    """

    def __init__(self) -> None:
        self.state = SIZE
        self.chunk_left = 0
        self.trailer_lines = 0

    def size_line(self, line: bytes) -> int:
        if len(line) > limits.MAX_LINE:
            raise LineTooLong("chunk size")
        m = _chunk_size_line(line)
        if m is None:
            if not line.endswith(b"\n"):
                raise IncompleteRead(b"")
            raise InvalidChunk(b"", "invalid chunk-size line %r" % line[:80])
        size = int(m.group(1), 16)
        if size > limits.MAX_CHUNK_SIZE:
            raise InvalidChunk(b"", "chunk-size too large %r" % line[:80])
        if size:
            self.state = DATA
            self.chunk_left = size
        else:
            self.state = TRAILER  # last-chunk
        return size

    def data(self, n: int) -> None:
        """Account n bytes of chunk data read (0 < n <= chunk_left)."""
        self.chunk_left -= n
        if not self.chunk_left:
            self.state = DATA_END

    def whole_chunk(self, two: bytes) -> None:
        """All chunk_left data bytes were read, then ``two`` more bytes."""
        self.chunk_left = 0
        self.data_end(two)

    def data_end(self, two: bytes) -> None:
        """Check the 2 bytes read after chunk data: exactly CRLF (s7.1)."""
        if two != b"\r\n":
            if len(two) < 2 and b"\r\n".startswith(two):
                raise IncompleteRead(b"")
            raise InvalidChunk(b"", "chunk data not followed by CRLF")
        self.state = SIZE

    def trailer_line(self, line: bytes) -> None:
        # Trailer fields are read and discarded (RFC 9112 s7.1.2).  EOF
        # instead of the final empty line ends the body, as in the stdlib.
        if len(line) > limits.MAX_LINE:
            raise LineTooLong("trailer line")
        if line in (b"\r\n", b"\n", b""):
            self.state = DONE
            return
        self.trailer_lines += 1
        if self.trailer_lines > limits.MAX_TRAILER_FIELDS:
            raise InvalidChunk(b"", "got more than %d trailer fields"
                               % limits.MAX_TRAILER_FIELDS)
