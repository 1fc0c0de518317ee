"""HTTPResponse over socketpairs: reading, framing and strict errors."""
from __future__ import annotations

import http.client as std
import io
import tracemalloc
from typing import Any, Callable, List

import pytest

from reference import client, limits
from conftest import response_from

CL = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_exceptions_like_stdlib() -> None:
    for name in ["HTTPException", "NotConnected", "InvalidURL",
                 "UnknownProtocol", "UnknownTransferEncoding",
                 "UnimplementedFileMode", "IncompleteRead",
                 "ImproperConnectionState", "CannotSendRequest",
                 "CannotSendHeader", "ResponseNotReady", "BadStatusLine",
                 "LineTooLong", "RemoteDisconnected"]:
        ours, theirs = getattr(client, name), getattr(std, name)
        assert [c.__name__ for c in ours.__mro__] == \
            [c.__name__ for c in theirs.__mro__]
    assert client.error is client.HTTPException
    e = client.IncompleteRead(b"abc", 5)
    assert repr(e) == str(e) == "IncompleteRead(3 bytes read, 5 more expected)"
    assert repr(client.IncompleteRead(b"ab")) == "IncompleteRead(2 bytes read)"
    assert client.BadStatusLine("").args == ("''",)
    assert str(client.LineTooLong("x")) == str(std.LineTooLong("x"))
    assert isinstance(client.RemoteDisconnected("x"), ConnectionResetError)
    assert client.UnknownProtocol("HTTP/2").version == "HTTP/2"
    for strict in (client.InvalidHeader, client.InvalidContentLength,
                   client.TooManyInterimResponses, client.InvalidChunk):
        assert issubclass(strict, client.HTTPException)
    assert issubclass(client.InvalidChunk, client.IncompleteRead)


def test_module_constants() -> None:
    assert client.HTTP_PORT == 80 and client.HTTPS_PORT == 443
    assert client.responses == std.responses
    assert client.OK == 200 and client.NOT_FOUND is std.NOT_FOUND
    assert client.__all__ == std.__all__
    assert issubclass(client.HTTPResponse, io.BufferedIOBase)


def test_basic_response_attributes() -> None:
    r = response_from(b"HTTP/1.1 200 Fine Thanks \r\nContent-Length: 2\r\n"
                      b"Set-Cookie: a\r\nset-cookie: b\r\n\r\nhi")
    assert (r.status, r.reason, r.version, r.code) == (200, "Fine Thanks", 11,
                                                      200)
    assert r.getcode() == 200 and r.msg is r.headers is r.info()
    assert isinstance(r.headers, client.HTTPMessage)
    assert r.getheader("set-cookie") == "a, b"
    assert r.getheader("missing") is None
    assert r.getheader("missing", "d") == "d"
    assert r.getheader("missing", ["x", "y"]) == "x, y"
    assert r.getheader("missing", 3) == 3
    assert r.getheaders() == [("Content-Length", "2"), ("Set-Cookie", "a"),
                              ("set-cookie", "b")]
    assert (r.chunked, r.length, r.will_close) == (False, 2, False)
    assert not r.isclosed() and not r.closed
    assert r.read() == b"hi" and r.isclosed()
    assert r.read() == b"" and r.read(5) == b""
    r.close()
    assert r.closed


def test_headers_not_ready() -> None:
    r = response_from(b"", begin=False)
    with pytest.raises(client.ResponseNotReady):
        r.getheader("x")
    with pytest.raises(client.ResponseNotReady):
        r.getheaders()
    assert r.status == r.version == r.will_close == "UNKNOWN"
    r.close()


def test_remote_disconnected_and_bad_status() -> None:
    with pytest.raises(client.RemoteDisconnected, match="Remote end closed"):
        response_from(b"")
    with pytest.raises(client.BadStatusLine):
        response_from(b"SPAM\r\n\r\n")
    with pytest.raises(client.UnknownProtocol):
        response_from(b"HTTP/2.0 200 OK\r\n\r\n")
    with pytest.raises(client.LineTooLong, match="status line"):
        response_from(b"HTTP/1.1 200 " + b"x" * limits.MAX_LINE + b"\r\n")


def test_interim_responses_skipped() -> None:
    r = response_from(b"HTTP/1.1 100 Continue\r\n\r\n"
                      b"HTTP/1.1 102 Processing\r\n\r\n"
                      b"HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
                      b"HTTP/1.1 199 Whatever\r\n\r\n" + CL % 2 + b"ok")
    assert r.status == 200 and r.getheader("link") is None
    assert r.read() == b"ok"


def test_switching_protocols_is_final() -> None:
    r = response_from(b"HTTP/1.1 101 Switching Protocols\r\n"
                      b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\nxx")
    assert r.status == 101 and r.length == 0 and r.read() == b""


def test_too_many_interim() -> None:
    many = b"HTTP/1.1 103 Early\r\n\r\n" * (limits.MAX_INTERIM_RESPONSES + 1)
    with pytest.raises(client.TooManyInterimResponses):
        response_from(many + CL % 0)
    r = response_from(b"HTTP/1.1 103 Early\r\n\r\n" *
                      limits.MAX_INTERIM_RESPONSES + CL % 0)
    assert r.status == 200


@pytest.mark.parametrize("head", [
    b"Bad line\r\n", b"Name : v\r\n", b": v\r\n", b"A: b\rc\r\n",
    b" fold-first\r\n"])
def test_invalid_header_lines(head: bytes) -> None:
    with pytest.raises(client.InvalidHeader):
        response_from(b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: 0"
                      b"\r\n\r\n")


def test_obs_fold_and_ows() -> None:
    r = response_from(b"HTTP/1.1 200 OK\r\nX: a \r\n  b\r\nContent-Length: 0"
                      b"\r\n\r\n")
    assert r.getheader("x") == "a b"


def test_too_many_headers_like_stdlib() -> None:
    raw = b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 100 + b"\r\n"
    with pytest.raises(client.HTTPException, match="got more than 100 headers"):
        response_from(raw)
    r = response_from(b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 98 +
                      b"Content-Length: 0\r\n\r\n")
    assert len(r.getheaders()) == 99


def test_content_length_lists() -> None:
    r = response_from(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello")
    assert r.length == 5 and r.read() == b"hello"
    with pytest.raises(client.InvalidContentLength):
        response_from(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                      b"Content-Length: 6\r\n\r\nhello")
    with pytest.raises(client.InvalidContentLength):
        response_from(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")


def test_no_body_responses() -> None:
    for raw, method in [
            (b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
             "GET"),
            (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", "GET"),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", "HEAD")]:
        r = response_from(raw, method=method)
        assert r.length == 0 and not r.chunked and r.read() == b""
        assert r.isclosed()


def test_head_reads_nothing() -> None:
    r = response_from(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
                      method="HEAD")
    assert r.readinto(bytearray(5)) == 0 and r.isclosed()


def test_read_until_close() -> None:
    r = response_from(b"HTTP/1.0 200 OK\r\n\r\nsome data")
    assert r.will_close and r.length is None
    assert r.read(4) == b"some" and r.read() == b" data" and r.isclosed()
    r = response_from(b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\n0\r\n\r\n")
    assert r.will_close and not r.chunked
    assert r.read() == b"5\r\nhello\r\n0\r\n\r\n"
    r = response_from(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz")
    assert r.will_close and r.read() == b"zz"


# ---- readers and truncation: partial is this call's bytes, expected is
# ---- what the Content-Length still owed (None for chunked bodies)

def test_fixed_read_variants() -> None:
    r = response_from(CL % 11 + b"hello\nworld")
    assert r.peek(100) == b"hello\nworld"[:len(r.peek(100))]
    assert r.read1(3) == b"hel"
    buf = bytearray(2)
    assert r.readinto(buf) == 2 and buf == b"lo"
    assert r.readline() == b"\n"
    assert list(r) == [b"world"]
    assert r.isclosed()


def test_fixed_peek_clipped_to_body() -> None:
    a = response_from(CL % 3 + b"abcEXTRA", close_writer=False)
    assert a.peek(10) == b"abc"


@pytest.mark.parametrize("reader,partial", [
    (lambda r: r.read(), b"hello"),
    (lambda r: r.read(8), b"hello"),
    (lambda r: r.readline(), b"hello"),
    (lambda r: list(r), b"hello"),
    (lambda r: r.readinto(bytearray(8)), b"hello"),
])
def test_fixed_truncated(reader: Callable[[Any], Any], partial: bytes) -> None:
    r = response_from(CL % 10 + b"hello")
    with pytest.raises(client.IncompleteRead) as info:
        reader(r)
    assert info.value.partial == partial
    assert info.value.expected == 10 - len(partial)
    assert r.isclosed()


def test_fixed_truncated_read1() -> None:
    r = response_from(CL % 10 + b"hello")
    data = b""
    with pytest.raises(client.IncompleteRead) as info:
        while True:
            data += r.read1(100)
    assert data == b"hello"
    assert info.value.partial == b"" and info.value.expected == 5


def test_fixed_truncated_after_partial_reads() -> None:
    r = response_from(CL % 10 + b"hello")
    assert r.read(3) == b"hel"
    with pytest.raises(client.IncompleteRead) as info:
        r.read(5)
    assert (info.value.partial, info.value.expected) == (b"lo", 5)


def test_huge_content_length_is_invalid() -> None:
    with pytest.raises(client.InvalidContentLength):
        response_from(CL % (10 ** 30) + b"abc")


def _peak(fn: Callable[[], Any]) -> int:
    """tracemalloc peak (above the start) of fn(), which may raise."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        try:
            fn()
        except client.IncompleteRead:
            pass
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_read_allocates_about_n_whatever_the_declared_length() -> None:
    # read(n) on a Content-Length of 10**12 allocates about n bytes, and
    # read() or a huge read(n) FIRST_GROWING_PIECE ahead of the data.
    MiB = 1 << 20
    data = b"x" * (3 * MiB)
    r = response_from(CL % (10 ** 12) + data)
    assert _peak(lambda: r.read(65536)) < 65536 + MiB // 4
    assert _peak(lambda: r.read(MiB)) < MiB + MiB // 4
    assert _peak(lambda: r.read(10 ** 11)) < limits.FIRST_GROWING_PIECE + 4 * MiB
    assert r.isclosed()
    r = response_from(CL % (10 ** 12) + data)
    with pytest.raises(client.IncompleteRead) as info:
        r.read()
    assert info.value.partial == data
    assert info.value.expected == 10 ** 12 - len(data)
    r = response_from(CL % (10 ** 12) + data)
    assert _peak(r.read) < limits.FIRST_GROWING_PIECE + 4 * MiB


def test_read_growing_storage() -> None:
    # A body bigger than MAX_READ_AHEAD grows its storage as data arrives.
    n = limits.MAX_READ_AHEAD + 12345
    data = bytes(range(256)) * (n // 256) + b"z" * (n % 256)
    r = response_from(CL % n + data)
    assert r.read() == data and r.isclosed()
    r = response_from(CL % (n + 7) + data)
    with pytest.raises(client.IncompleteRead) as info:
        r.read()
    assert info.value.partial == data and info.value.expected == 7


BODY = (b"4\r\nabc\n\r\n6;ext=\"q;x\"\r\ndefghi\r\n1\r\n\n\r\n"
        b"0\r\nTrailer: t\r\n\r\n")


def test_chunked_read_all() -> None:
    r = response_from(CHUNKED + BODY)
    assert r.chunked and r.chunk_left is None and r.length is None
    assert r.read() == b"abc\ndefghi\n" and r.isclosed()


@pytest.mark.parametrize("reader", [
    lambda r: b"".join(iter(lambda: r.read(5), b"")),
    lambda r: b"".join(iter(lambda: r.read1(5), b"")),
    lambda r: b"".join(iter(lambda: r.read1(), b"")),
    lambda r: b"".join(r.readlines()),
    lambda r: b"".join(iter(lambda: r.readline(3), b"")),
    lambda r: b"".join(iter(lambda: bytes(_readinto(r, 3)), b"")),
])
def test_chunked_readers(reader: Callable[[Any], bytes]) -> None:
    r = response_from(CHUNKED + BODY)
    assert reader(r) == b"abc\ndefghi\n"
    assert r.isclosed()


def _readinto(r: Any, n: int) -> bytearray:
    b = bytearray(n)
    return b[:r.readinto(b)]


def test_chunked_peek() -> None:
    r = response_from(CHUNKED + BODY)
    assert r.peek(1) == b"abc\n"
    assert r.read(4) == b"abc\n"
    assert r.peek().startswith(b"d")
    assert r.readline() == b"defghi\n"


def test_chunked_lines() -> None:
    r = response_from(CHUNKED + b"3\r\nab\n\r\n3\r\ncd\n\r\n2\r\nef\r\n0\r\n\r\n")
    assert list(r) == [b"ab\n", b"cd\n", b"ef"]


@pytest.mark.parametrize("reader", [
    lambda r: r.read(), lambda r: r.read(100), lambda r: r.readline(),
    lambda r: list(r), lambda r: r.readinto(bytearray(100))])
def test_chunked_truncated(reader: Callable[[Any], Any]) -> None:
    r = response_from(CHUNKED + b"5\r\nhello\r\n9\r\nwor")
    with pytest.raises(client.IncompleteRead) as info:
        reader(r)
    assert not isinstance(info.value, client.InvalidChunk)
    assert info.value.partial == b"hellowor"
    assert info.value.expected is None
    assert r.isclosed() and r._broken


@pytest.mark.parametrize("body", [
    b"+5\r\nhello\r\n0\r\n\r\n", b"5 \r\nhello\r\n0\r\n\r\n",
    b"0x5\r\nhello\r\n0\r\n\r\n", b"5\r\nhelloXX0\r\n\r\n",
    b"%x\r\n" % 2 ** 70])
def test_chunked_invalid(body: bytes) -> None:
    r = response_from(CHUNKED + body)
    with pytest.raises(client.InvalidChunk):
        r.read()
    assert r.isclosed()


def test_chunked_invalid_partial() -> None:
    r = response_from(CHUNKED + b"2\r\nab\r\n3\r\ncdeXX")
    with pytest.raises(client.InvalidChunk) as info:
        r.read()
    assert info.value.partial == b"abcde"


def test_chunked_huge_size_read_n_is_bounded() -> None:
    r = response_from(CHUNKED + b"7fffffffffffffff\r\nabc")
    assert r.read(2) == b"ab"
    with pytest.raises(client.IncompleteRead) as info:
        r.read()
    assert info.value.partial == b"c"


def test_chunked_trailer_limits() -> None:
    r = response_from(CHUNKED + b"0\r\n" + b"T: v\r\n" *
                      (limits.MAX_TRAILER_FIELDS + 1) + b"\r\n")
    with pytest.raises(client.HTTPException):
        r.read()


def test_iteration_and_context_manager() -> None:
    with response_from(CL % 6 + b"a\nb\nc\n") as r:
        assert r.readlines() == [b"a\n", b"b\n", b"c\n"]
    assert r.closed
    with pytest.raises(ValueError):
        r.__enter__()


def test_fileno() -> None:
    r = response_from(CL % 1 + b"x")
    assert isinstance(r.fileno(), int)


def test_debuglevel_prints(capsys: Any) -> None:
    raw = b"HTTP/1.1 100 Continue\r\nA: b\r\n\r\n" + CL % 0
    outs: List[str] = []
    for impl in (std, client):
        r = response_from(raw, impl=impl, begin=False)
        r.debuglevel = 1
        r.begin()
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert "reply: 'HTTP/1.1 100 Continue\\r\\n'" in outs[1]
    assert "header: Content-Length: 0" in outs[1]


def test_parse_headers_function() -> None:
    fp = io.BytesIO(b"A: 1\r\nB: 2\r\n\r\nbody")
    msg = client.parse_headers(fp)
    assert isinstance(msg, client.HTTPMessage) and msg["b"] == "2"
    assert fp.read() == b"body"
    with pytest.raises(client.LineTooLong):
        client.parse_headers(io.BytesIO(b"A: " + b"x" * 70000 + b"\r\n\r\n"))
    with pytest.raises(client.HTTPException, match="got more than 100"):
        client.parse_headers(io.BytesIO(b"A: 1\r\n" * 101 + b"\r\n"))
