"""Rare branches: debug output, fake sockets, odd bodies, tunnel errors,
HTTPS context options, and the new behaviours of the reference (client-sent
close, 2xx tunnels, bracketed IPv6 tunnel Host, incomplete heads)."""
from __future__ import annotations

import errno
import http.client as std
import io
import re
import sys
from typing import Any, Iterator, List

import pytest

from reference import client, connection, heads, limits, response
from conftest import RawServer, response_from
from test_connection import Recorder, sent_bytes

OK0 = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


# ------------------------------------------------------------- debug output

def _debug_output(impl: Any, action: Any, capsys: Any) -> str:
    capsys.readouterr()
    conn = impl.HTTPConnection("example.com")
    conn.set_debuglevel(1)
    rec = Recorder()
    conn._create_connection = lambda *a, **k: rec
    action(conn)
    out: str = capsys.readouterr().out
    return re.sub(r"0x[0-9a-fA-F]+", "0x?", out)


@pytest.mark.parametrize("action", [
    lambda c: c.request("POST", "/", io.StringIO("caf\xe9")),
    lambda c: c.request("POST", "/", io.BytesIO(b"abc")),
    lambda c: c.request("POST", "/", iter([b"a", b"", b"b"])),
    lambda c: (c.connect(), c.send(io.StringIO("text"))),
    lambda c: (c.connect(), c.send(io.BytesIO(b"bin"))),
], ids=["text file", "binary file", "iterable", "send text", "send binary"])
def test_debug_output_like_stdlib(action: Any, capsys: Any) -> None:
    ours = _debug_output(client, action, capsys)
    if sys.version_info < (3, 10):  # older wording of the same messages
        ours = ours.replace("sending a readable", "sendIng a read()able")
        ours = ours.replace("reading a readable", "sendIng a read()able")
    assert ours == _debug_output(std, action, capsys)


def test_tunnel_debug_output(capsys: Any) -> None:
    srv = RawServer([b"HTTP/1.1 200 OK\r\nX-P: 1\r\n\r\n", OK0])
    try:
        conn = client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        conn.set_debuglevel(1)
        conn.set_tunnel("target.example", 80, headers={"Host": "custom"})
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
        assert b"Host: custom\r\n" in srv.requests[0]
        assert "header: X-P: 1\r\n" in capsys.readouterr().out
    finally:
        srv.close()


# ------------------------------------------------------------ send() errors

def test_send_types() -> None:
    conn = client.HTTPConnection("example.com")
    rec = Recorder()
    conn.sock = rec
    conn.send([b"a", bytearray(b"b")])
    assert rec.data == b"ab"

    class Picky(Recorder):
        def sendall(self, data: Any) -> None:
            if not isinstance(data, (bytes, bytearray)):
                raise TypeError("no")
            super().sendall(data)

    conn.sock = Picky()
    conn.send([b"a", b"b"])  # the TypeError makes send() iterate
    assert conn.sock.data == b"ab"
    with pytest.raises(TypeError, match="bytes-like object or an iterable"):
        conn.send(12)


def test_message_body_type_error() -> None:
    with pytest.raises(TypeError, match="message_body should be"):
        sent_bytes(client, lambda c: (c.putrequest("POST", "/"),
                                      c.endheaders(12)))  # type: ignore


# -------------------------------------------------------------- connecting

class _NoDelay(Recorder):
    def __init__(self, err: int) -> None:
        super().__init__()
        self.err = err

    def setsockopt(self, *args: Any) -> None:
        raise OSError(self.err, "setsockopt")


def test_tcp_nodelay_errors() -> None:
    conn = client.HTTPConnection("example.com")
    conn._create_connection = lambda *a, **k: _NoDelay(errno.ENOPROTOOPT)
    conn.connect()  # ignored: the OS has no TCP_NODELAY
    conn = client.HTTPConnection("example.com")
    conn._create_connection = lambda *a, **k: _NoDelay(errno.EBADF)
    with pytest.raises(OSError):
        conn.connect()


def test_http10_connection_sends_no_host() -> None:
    class HTTP10(client.HTTPConnection):
        _http_vsn = 10
        _http_vsn_str = "HTTP/1.0"

    conn = HTTP10("example.com")
    rec = Recorder()
    conn._create_connection = lambda *a, **k: rec
    conn.request("GET", "/", body=iter([b"ab"]))
    assert rec.data == (b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
                        b"\r\nab")


def test_https_context(monkeypatch: Any) -> None:
    ctx = client._create_https_context(10)
    assert ctx.verify_mode is not None

    class Fake:
        post_handshake_auth = None

        def set_alpn_protocols(self, protocols: List[str]) -> None:
            raise AssertionError("no ALPN for HTTP/1.0")

    import ssl
    monkeypatch.setattr(ssl, "_create_default_https_context", Fake)
    assert isinstance(connection._create_https_context(10), Fake)


# ---------------------------------------------------------------- tunnels

def test_tunnel_invalid_header_closes() -> None:
    srv = RawServer([b"HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n"])
    try:
        conn = client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        conn.set_tunnel("target.example")
        with pytest.raises(client.InvalidHeader):
            conn.request("GET", "/")
        assert conn.sock is None
    finally:
        srv.close()


def test_tunnel_2xx_and_ipv6_host() -> None:
    srv = RawServer([b"HTTP/1.1 299 Ready\r\n\r\n", OK0])
    try:
        conn = client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        conn.set_tunnel("::1", 8080)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
        assert srv.requests[0].startswith(
            b"CONNECT [::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n")
    finally:
        srv.close()


# ------------------------------------------------------- persistence

def test_client_sent_close_closes_after_response() -> None:
    srv = RawServer([OK0, OK0])
    try:
        conn = client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        conn.request("GET", "/", headers={"Connection": "keep-alive, Close"})
        r = conn.getresponse()
        assert r.will_close and conn.sock is None
        r.read()
        conn.request("GET", "/")
        assert not conn.getresponse().will_close
        conn.close()
        assert srv.connections == 2
    finally:
        srv.close()


def test_is_connection_close() -> None:
    assert heads.is_connection_close(b"connection: close")
    assert heads.is_connection_close(b"Connection: a\r\n\tclose")
    assert not heads.is_connection_close(b"Connection: closed")
    assert not heads.is_connection_close(b"X-Connection: close")


# --------------------------------------------------------------- responses

class _ModeOnly:
    """A fake socket whose makefile() takes only a mode."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> Any:
        return io.BufferedReader(io.BytesIO(self.data))


def test_response_on_mode_only_fake() -> None:
    r = client.HTTPResponse(_ModeOnly(OK0))  # type: ignore[arg-type]
    assert r.chunk_left == client._UNKNOWN
    r.begin()
    r.begin()  # a second call does nothing
    assert r.status == 200 and r.chunk_left is None
    assert r._check_close() is False
    r.chunk_left = 5  # ignored
    assert r.chunk_left is None


def test_incomplete_head_is_an_error() -> None:
    for raw in (b"HTTP/1.1 200 OK\r\nX-A: 1\r\n", b"HTTP/1.1 200 OK",
                b"HTTP/1.1 100 Continue\r\nX: 1\r\n"):
        with pytest.raises(client.RemoteDisconnected):
            response_from(raw)
    # parse_headers() alone keeps the stdlib's end-of-file rule.
    assert client.parse_headers(io.BytesIO(b"A: 1\r\n"))["A"] == "1"


def test_head_response_read_methods_close() -> None:
    for reader in (lambda r: r.read1(), lambda r: r.readline(),
                   lambda r: r.peek(), lambda r: r.readinto(bytearray(3))):
        r = response_from(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
                          method="HEAD")
        assert not reader(r)
        if r.isclosed():
            continue
        assert r.read() == b"" and r.isclosed()


def test_negative_amt_reads_all_and_fail_twice() -> None:
    r = response_from(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
    assert r.read(-5) == b"abc" and r.isclosed()
    r._fail()  # nothing left to close
    assert r._broken


def test_chunked_line_too_long_in_readinto_and_readline() -> None:
    long_ext = b"1;" + b"a" * (limits.MAX_LINE + 10) + b"\r\n"
    for reader in (lambda r: r.readinto(bytearray(10)), lambda r: r.readline(),
                   lambda r: r.read()):
        r = response_from(CHUNKED + b"1\r\nx\r\n" + long_ext)
        with pytest.raises(client.LineTooLong):
            while reader(r):
                pass
        assert r.isclosed() and r._broken


def test_chunked_read_after_read1_mid_chunk_end() -> None:
    # read1 takes a whole chunk's data: the decoder waits for its CRLF.
    r = response_from(CHUNKED + b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    assert r.read1() == b"abc"
    assert r.read() == b"de" and r.isclosed()


def test_chunked_read_fast_path_errors() -> None:
    # A whole chunk cut short, and chunk data not followed by CRLF.
    r = response_from(CHUNKED + b"5\r\nabc")
    with pytest.raises(client.IncompleteRead) as info:
        r.read()
    assert info.value.partial == b"abc" and not isinstance(
        info.value, client.InvalidChunk)
    r = response_from(CHUNKED + b"2\r\nab\r\n3\r\ncdeXY0\r\n\r\n")
    with pytest.raises(client.InvalidChunk) as info2:
        r.read()
    assert info2.value.partial == b"abcde"
    r = response_from(CHUNKED + b"3\r\nabc\r")
    with pytest.raises(client.IncompleteRead) as info3:
        r.read()
    assert info3.value.partial == b"abc"


def test_chunked_read_big_chunk_grows_in_steps() -> None:
    # A chunk larger than the first storage piece is read in parts.
    n = limits.FIRST_CHUNKED_PIECE * 5 + 3
    body = b"%x\r\n" % n + b"q" * n + b"\r\n0\r\n\r\n"
    r = response_from(CHUNKED + body)
    assert r.read() == b"q" * n
    r = response_from(CHUNKED + body)
    assert r.read(n - 1) == b"q" * (n - 1)
    assert r.read() == b"q"


def test_getallmatchingheaders() -> None:
    msg = client.parse_headers(io.BytesIO(b"A: 1\r\nB: 2\r\na: 3\r\n\r\n"))
    assert msg.getallmatchingheaders("a") == \
        std.HTTPMessage.getallmatchingheaders(msg, "a")
    assert response.HTTPMessage is client.HTTPMessage
    # Keys with a colon or leading space (set through the email API) are
    # the only ones the stdlib's method can match; the same here.
    msg = client.HTTPMessage()
    theirs = std.HTTPMessage()
    for m in (msg, theirs):
        m["X:a"] = "1"
        m[" cont"] = "2"
        m["Y"] = "3"
    assert msg.getallmatchingheaders("x") == \
        theirs.getallmatchingheaders("x") == ["X:a", " cont"]


def test_bench_runs(tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    from reference import bench
    report = tmp_path / "reports" / "REFERENCE_BENCHMARK.md"
    monkeypatch.setattr(bench, "REPORT", report)
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    assert bench.main(["--size", "1", "--reps", "1", "--requests", "3",
                       "--thread", "--write"]) == 0
    out = capsys.readouterr().out
    assert "| chunked body (8 KiB chunks), read() | MB/s |" in out
    assert "| chunked read() >= 2.0x stdlib |" in out
    assert report.read_text().startswith("# reference.client benchmark")
    # The default: the server in its own process, nothing written.
    report.unlink()
    assert bench.main(["--size", "1", "--reps", "1", "--requests", "3"]) == 0
    assert not report.exists()
