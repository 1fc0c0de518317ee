"""Sans-I/O tests of reference.framing (RFC 9112 s6.3, s7.1)."""
from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from reference import framing, heads, limits
from reference.errors import (IncompleteRead, InvalidChunk,
                              InvalidContentLength, LineTooLong)


def frame(fields: List[Tuple[str, str]], version: int = 11,
          status: int = 200, method: Optional[str] = "GET"
          ) -> framing.Framing:
    msg = heads.HTTPMessage()
    for k, v in fields:
        msg[k] = v
    return framing.response_framing(version, status, method, msg)


def test_content_length() -> None:
    assert frame([("Content-Length", "5")]) == framing.Framing(False, 5, False)
    assert frame([("Content-Length", "5, 5")]).length == 5
    assert frame([("Content-Length", "5"), ("Content-Length", "5")]).length == 5
    assert frame([("Content-Length", "007")]).length == 7
    big = limits.MAX_CONTENT_LENGTH
    assert frame([("Content-Length", str(big))]).length == big
    assert frame([("Content-Length", "0" * 5000 + "5")]).length == 5


@pytest.mark.parametrize("value", [
    "-1", "+5", "5 5", "0x5", "5, 6", "", "five", "\u0665", "5.0",
    str(2 ** 63), str(10 ** 30), "9" * 5000])
def test_bad_content_length(value: str) -> None:
    with pytest.raises(InvalidContentLength):
        frame([("Content-Length", value)])


def test_two_differing_content_length_fields() -> None:
    with pytest.raises(InvalidContentLength):
        frame([("Content-Length", "5"), ("Content-Length", "6")])


def test_no_body_statuses_and_head() -> None:
    te = [("Transfer-Encoding", "chunked"), ("Content-Length", "9")]
    for status in (100, 101, 103, 204, 304):
        assert frame(te, status=status) == framing.Framing(False, 0, False)
    assert frame(te, method="HEAD") == framing.Framing(False, 0, False)
    assert frame(te, method="CONNECT").length == 0
    assert frame([("Content-Length", "x")], method="HEAD").length == 0


def test_transfer_encoding() -> None:
    assert frame([("Transfer-Encoding", "chunked")]) == \
        framing.Framing(True, None, False)
    assert frame([("Transfer-Encoding", "gzip, Chunked")]).chunked
    assert frame([("Transfer-Encoding", "gzip"),
                  ("Transfer-Encoding", "chunked")]).chunked
    # chunked not final: until close
    assert frame([("Transfer-Encoding", "chunked, gzip")]) == \
        framing.Framing(False, None, True)
    # TE wins over CL, and the connection is not reused
    assert frame([("Transfer-Encoding", "chunked"),
                  ("Content-Length", "bogus")]) == \
        framing.Framing(True, None, True)
    # HTTP/1.0 with TE: faulty framing, read until close
    assert frame([("Transfer-Encoding", "chunked")], version=10) == \
        framing.Framing(False, None, True)


def test_persistence() -> None:
    assert frame([]) == framing.Framing(False, None, True)
    assert frame([("Content-Length", "1"), ("Connection", "Close")]).will_close
    assert frame([("Content-Length", "1"),
                  ("Connection", "keep-alive, close")]).will_close
    assert frame([("Content-Length", "1"), ("Connection", "keep-alive"),
                  ("Connection", "close")]).will_close
    assert frame([("Content-Length", "1")], version=10).will_close
    for f in [("Connection", "Keep-Alive"), ("Keep-Alive", "timeout=5"),
              ("Proxy-Connection", "keep-alive")]:
        assert not frame([("Content-Length", "1"), f], version=10).will_close


def feed(body: bytes) -> Tuple[bytes, framing.ChunkedDecoder]:
    """Decode a whole chunked body with the decoder (test driver)."""
    dec = framing.ChunkedDecoder()
    out = b""
    pos = 0

    def line() -> bytes:
        nonlocal pos
        end = body.find(b"\n", pos)
        end = len(body) if end < 0 else end + 1
        s = body[pos:end]
        pos = end
        return s

    while dec.state != framing.DONE:
        if dec.state == framing.SIZE:
            dec.size_line(line())
        elif dec.state == framing.DATA:
            data = body[pos:pos + dec.chunk_left]
            pos += len(data)
            if not data:
                raise IncompleteRead(b"")
            out += data
            dec.data(len(data))
        elif dec.state == framing.DATA_END:
            dec.data_end(body[pos:pos + 2])
            pos += 2
        else:
            dec.trailer_line(line())
    return out, dec


def test_chunked_ok() -> None:
    assert feed(b"5\r\nhello\r\n0\r\n\r\n")[0] == b"hello"
    assert feed(b"5;a=b;c=\"x;y\" ;d\r\nhello\r\n000\r\nT: 1\r\nU: 2\r\n\r\n"
                )[0] == b"hello"
    assert feed(b"a\nhelloworld\r\n0\n\n")[0] == b"helloworld"
    assert feed(b"A\r\nhelloworld\r\n0\r\n")[0] == b"helloworld"  # EOF trailer


@pytest.mark.parametrize("size_line", [
    b" 5\r\n", b"5 \r\n", b"+5\r\n", b"-5\r\n", b"0x5\r\n", b"\r\n",
    b"5;\r\n", b"5;a=\"unterminated\r\n", b"g\r\n", b"5\r\r\n",
])
def test_bad_chunk_size(size_line: bytes) -> None:
    with pytest.raises(InvalidChunk):
        feed(size_line + b"hello\r\n0\r\n\r\n")


def test_chunk_size_limits() -> None:
    with pytest.raises(InvalidChunk, match="too large"):
        feed(b"%x\r\n" % (2 ** 64))
    with pytest.raises(LineTooLong):
        feed(b"0" * (limits.MAX_LINE + 1) + b"\r\n")


def test_chunk_data_must_end_with_crlf() -> None:
    for bad in (b"5\r\nhelloXX0\r\n\r\n", b"5\r\nhello\n0\r\n\r\n"):
        with pytest.raises(InvalidChunk, match="CRLF"):
            feed(bad)


def test_truncation_is_incomplete_read() -> None:
    for cut in (b"5\r\nhel", b"5\r\nhello", b"5\r\nhello\r", b"5",
                b"5\r\nhello\r\n"):
        with pytest.raises(IncompleteRead) as info:
            feed(cut)
        assert not isinstance(info.value, InvalidChunk)


def test_trailer_limits() -> None:
    with pytest.raises(InvalidChunk, match="trailer"):
        feed(b"0\r\n" + b"T: x\r\n" * (limits.MAX_TRAILER_FIELDS + 1))
    with pytest.raises(LineTooLong):
        feed(b"0\r\nT: " + b"x" * limits.MAX_LINE + b"\r\n\r\n")
