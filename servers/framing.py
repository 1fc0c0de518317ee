"""Where a request received by a scripted server ends (RFC 9112 section 6).

The server only needs to know when to stop reading: the head ends at the
first empty line; the body is framed by the last Transfer-Encoding (chunked)
or else Content-Length. Malformed framing ends the request at once so the
transcript shows what the client sent instead of the server waiting.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

DONE, MORE, MALFORMED = 0, 1, -1


def request_status(buf: Union[bytes, bytearray], what: Union[str, int]) -> int:
    """DONE when `buf` holds a complete `what` ('request', 'head', or a byte
    count), MORE when more bytes are needed, MALFORMED when it can't end."""
    if isinstance(what, int):
        return DONE if len(buf) >= what else MORE
    end = head_end(buf)
    if end < 0:
        return MORE
    if what == "head":
        return DONE
    te, cl = _framing(bytes(buf[:end]))
    body = bytes(buf[end:])
    if te is not None:
        if te.rsplit(b",", 1)[-1].strip().lower() != b"chunked":
            return MALFORMED  # a request body must be chunked-final (RFC 9112 6.3 item 4)
        return chunked_status(body)
    if cl is not None:
        if not cl.isdigit():
            return MALFORMED
        return DONE if len(body) >= int(cl) else MORE
    return DONE


def head_end(buf: Union[bytes, bytearray]) -> int:
    """Index just past the empty line ending the head; -1 if not yet seen."""
    crlf, lf = buf.find(b"\r\n\r\n"), buf.find(b"\n\n")
    ends = [i + 4 for i in (crlf,) if i >= 0] + [i + 2 for i in (lf,) if i >= 0]
    return min(ends) if ends else -1


def _framing(head: bytes) -> Tuple[Optional[bytes], Optional[bytes]]:
    te: Optional[bytes] = None
    cl: Optional[bytes] = None
    for line in head.split(b"\n")[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            continue
        key = name.strip().lower()
        if key == b"transfer-encoding":
            te = value.strip()
        elif key == b"content-length":
            cl = value.strip()
    return te, cl


def chunked_status(body: bytes) -> int:
    """DONE once the last chunk and the trailer section are in."""
    pos = 0
    while True:
        line, pos = _line(body, pos)
        if line is None:
            return MORE
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            return MALFORMED
        if size == 0:
            while True:  # trailer fields up to an empty line
                trailer, pos = _line(body, pos)
                if trailer is None:
                    return MORE
                if trailer == b"":
                    return DONE
        pos += size
        crlf, pos = _line(body, pos)
        if crlf is None:
            return MORE
        if crlf != b"":
            return MALFORMED


def _line(body: bytes, pos: int) -> Tuple[Optional[bytes], int]:
    eol = body.find(b"\n", pos)
    if eol < 0:
        return None, pos
    return body[pos:eol].rstrip(b"\r"), eol + 1

