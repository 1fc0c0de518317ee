"""HTTPConnection: request bytes, state machine, persistence, drop-in use."""
from __future__ import annotations

import http.client as std
import http.server
import io
import re
import socket
import sys
import threading
import urllib.request
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from reference import client
from conftest import TIMEOUT, RawServer

OK0 = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


class Recorder:
    """A fake socket recording what is sent (for byte comparisons)."""

    def __init__(self) -> None:
        self.data = b""

    def sendall(self, data: Any) -> None:
        self.data += bytes(data)

    def setsockopt(self, *args: Any) -> None:
        pass

    def close(self) -> None:
        pass


def sent_bytes(impl: Any, action: Callable[[Any], None],
               **kw: Any) -> bytes:
    conn = impl.HTTPConnection("example.com", **kw)
    rec = Recorder()
    conn._create_connection = lambda *a, **k: rec
    action(conn)
    return rec.data


def _gen() -> Iterator[bytes]:
    yield b"ab"
    yield b""
    yield b"c" * 20


REQUESTS: List[Tuple[str, Callable[[Any], None]]] = [
    ("get", lambda c: c.request("GET", "/")),
    ("empty url", lambda c: c.request("GET", "")),
    ("post none", lambda c: c.request("POST", "/p")),
    ("put none", lambda c: c.request("put", "/p")),
    ("bytes", lambda c: c.request("POST", "/", b"data")),
    ("str", lambda c: c.request("POST", "/", "caf\xe9")),
    ("bytearray", lambda c: c.request("GET", "/", bytearray(b"xyz"))),
    ("file", lambda c: c.request("POST", "/", io.BytesIO(b"x" * 20000))),
    ("textfile", lambda c: c.request("POST", "/", io.StringIO("t\xe9xt"))),
    ("iterable", lambda c: c.request("POST", "/", _gen())),
    ("list", lambda c: c.request("POST", "/", [b"a", b"bc"])),
    ("explicit cl", lambda c: c.request("POST", "/", [b"a"],
                                        {"Content-Length": "1"})),
    ("explicit te", lambda c: c.request("POST", "/", [b"a"],
                                        {"Transfer-Encoding": "chunked"})),
    ("encode_chunked", lambda c: c.request(
        "POST", "/", [b"a" * 300], {"Transfer-Encoding": "chunked"},
        encode_chunked=True)),
    ("host header given", lambda c: c.request("GET", "/", headers={
        "Host": "h", "Accept-Encoding": "gzip", "X": 5})),
    ("absolute url", lambda c: c.request("GET", "http://other:8/x")),
    ("putrequest", lambda c: (c.putrequest("GET", "/", skip_host=True,
                                           skip_accept_encoding=True),
                              c.putheader("X", "a", "b"),
                              c.endheaders(b"body"))),
]


@pytest.mark.parametrize("name,action", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_request_bytes_match_stdlib(name: str,
                                    action: Callable[[Any], None]) -> None:
    assert sent_bytes(client, action) == sent_bytes(std, action)


def test_request_bytes_ports_blocksize() -> None:
    for kw in [dict(port=8080), dict(blocksize=7)]:
        def act(c: Any) -> None:
            c.request("POST", "/", io.BytesIO(b"0123456789" * 3))
        assert sent_bytes(client, act, **kw) == sent_bytes(std, act, **kw)
    assert sent_bytes(client, lambda c: c.request("GET", "/")) == (
        b"GET / HTTP/1.1\r\nHost: example.com\r\n"
        b"Accept-Encoding: identity\r\n\r\n")


def test_request_validation() -> None:
    c = client.HTTPConnection("h")
    with pytest.raises(client.InvalidURL):
        c.putrequest("GET", "/a b")
    c = client.HTTPConnection("h")
    with pytest.raises(ValueError):
        c.putrequest("GE\nT", "/")
    with pytest.raises(client.InvalidURL):
        client.HTTPConnection("h\r\nX: y")
    with pytest.raises(client.InvalidURL, match="nonnumeric port"):
        client.HTTPConnection("h:http")
    c = client.HTTPConnection("h")
    c._create_connection = lambda *a, **k: Recorder()
    with pytest.raises(UnicodeEncodeError, match="Body"):
        c.request("POST", "/", "\u20ac")


def test_state_machine() -> None:
    c = client.HTTPConnection("h")
    with pytest.raises(client.CannotSendHeader):
        c.putheader("A", "b")
    with pytest.raises(client.CannotSendHeader):
        c.endheaders()
    with pytest.raises(client.ResponseNotReady):
        c.getresponse()
    c.putrequest("GET", "/")
    with pytest.raises(client.CannotSendRequest):
        c.putrequest("GET", "/")
    c.auto_open = 0
    with pytest.raises(client.NotConnected):
        c.endheaders()


def test_keep_alive_reuse_and_close(raw_server: Any) -> None:
    srv = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n"
        b"0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: x\r\n"
        b"Connection: close\r\n\r\nc",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd")
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    out = []
    for _ in range(4):
        c.request("GET", "/")
        r = c.getresponse()
        out.append((r.read(), r.will_close))
    assert out == [(b"a", False), (b"b", False), (b"c", True), (b"d", False)]
    assert srv.connections == 2
    c.close()


def test_unread_response_blocks_next(raw_server: Any) -> None:
    srv = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.request("GET", "/")
    r = c.getresponse()
    c.request("GET", "/2")  # allowed: Req-sent-unread-response
    with pytest.raises(client.ResponseNotReady):
        c.getresponse()
    assert r.read() == b"a"
    assert c.getresponse().status == 200
    c.close()


def test_broken_framing_reconnects(raw_server: Any) -> None:
    srv = raw_server(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.request("GET", "/")
    r = c.getresponse()
    with pytest.raises(client.InvalidChunk):
        r.read()
    c.request("GET", "/")  # a fresh connection, not the desynchronised one
    assert c.getresponse().status == 200
    assert srv.connections == 2
    c.close()


def test_invalid_head_closes_connection(raw_server: Any) -> None:
    srv = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nab", OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.request("GET", "/")
    with pytest.raises(client.InvalidContentLength):
        c.getresponse()
    assert c.sock is None
    c.request("GET", "/")
    assert c.getresponse().status == 200
    c.close()


def test_remote_disconnected_closes(raw_server: Any) -> None:
    srv = raw_server(b"CLOSE", OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.request("GET", "/")
    with pytest.raises(client.RemoteDisconnected):
        c.getresponse()
    assert c.sock is None
    c.close()


def test_tunnel(raw_server: Any) -> None:
    srv = raw_server(b"HTTP/1.1 200 Connection established\r\nX-P: 1\r\n\r\n",
                     OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.set_tunnel("target.example", 8443, headers={"Proxy-Authorization": "x"})
    assert c.get_proxy_response_headers() is None
    c.request("GET", "/")
    assert c.getresponse().status == 200
    assert srv.requests[0] == (b"CONNECT target.example:8443 HTTP/1.1\r\n"
                               b"Proxy-Authorization: x\r\n"
                               b"Host: target.example:8443\r\n\r\n")
    assert srv.requests[1].startswith(
        b"GET / HTTP/1.1\r\nHost: target.example:8443\r\n")
    hdrs = c.get_proxy_response_headers()
    assert hdrs is not None and hdrs["x-p"] == "1"
    with pytest.raises(RuntimeError):
        c.set_tunnel("other")
    c.close()


def test_tunnel_failure(raw_server: Any) -> None:
    srv = raw_server(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.set_tunnel("t", 443)
    with pytest.raises(OSError) as info:
        c.request("GET", "/")
    assert str(info.value) == \
        "Tunnel connection failed: 407 Proxy Authentication Required"
    assert c.sock is None


@pytest.mark.skipif(sys.version_info < (3, 13),
                    reason="older stdlibs print other debug text")
def test_debuglevel_send_output(capsys: Any, raw_server: Any) -> None:
    outs = []
    for impl in (std, client):
        srv = raw_server(OK0)
        c = impl.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
        c.set_debuglevel(1)
        c.request("POST", "/", io.BytesIO(b"x"))
        c.getresponse().read()
        c.close()
        out = capsys.readouterr().out.replace(str(srv.port), "PORT")
        outs.append(re.sub("0x[0-9a-f]+", "ADDR", out))
    assert outs[0] == outs[1]
    assert "send: b'POST / HTTP/1.1" in outs[1]


def test_audit_events(raw_server: Any) -> None:
    events: List[Tuple[str, Any]] = []

    def hook(name: str, args: Any) -> None:
        if name.startswith("http.client."):
            events.append((name, args))

    sys.addaudithook(hook)  # cannot be removed; only records
    srv = raw_server(OK0)
    c = client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    c.request("GET", "/")
    c.getresponse().read()
    c.close()
    mine = [e for e in events if e[1][0] is c]
    assert mine[0] == ("http.client.connect", (c, "127.0.0.1", srv.port))
    assert mine[1][0] == "http.client.send"
    assert mine[1][1][1].startswith(b"GET / HTTP/1.1\r\n")


def test_subclass_overriding_connect(raw_server: Any) -> None:
    srv = raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")

    class Conn(client.HTTPConnection):
        connected = 0

        def connect(self) -> None:
            self.connected += 1
            self.sock = socket.create_connection(("127.0.0.1", srv.port),
                                                 TIMEOUT)

    c = Conn("unused.invalid", 1)
    c.request("GET", "/")
    assert c.getresponse().read() == b"hi" and c.connected == 1
    c.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"hello from " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class RefHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(client.HTTPConnection, req)


def test_urllib_drop_in() -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        opener = urllib.request.build_opener(RefHandler)
        url = "http://127.0.0.1:%d/x" % httpd.server_address[1]
        with opener.open(url, timeout=TIMEOUT) as resp:
            assert isinstance(resp, client.HTTPResponse)
            assert resp.read() == b"hello from /x"
            assert resp.geturl() == url and resp.status == 200
            assert resp.headers["Content-Length"] == "13"
    finally:
        httpd.shutdown()
        httpd.server_close()
