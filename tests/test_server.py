"""The scripted server does what its script says, records it, and never
outlives its case."""
from __future__ import annotations

import socket
import time

import pytest

from servers import ScriptedServer, parse_script


def connect(srv):
    s = socket.create_connection((srv.host, srv.port), timeout=3)
    return s


def recv_all(s):
    out = b""
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            return out, "reset"
        if not data:
            return out, "eof"
        out += data


REQ = b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"


@pytest.mark.parametrize("mode", ["whole", "bytewise", "split"])
def test_request_then_send_then_close(mode):
    srv = ScriptedServer(parse_script(["request", {"send": "HTTP/1.1 200 OK\r\n\r\nhello"}, "close"]),
                         mode=mode, seed="s").start()
    s = connect(srv)
    s.sendall(REQ)
    data, how = recv_all(s)
    s.close()
    srv.stop()
    assert (data, how) == (b"HTTP/1.1 200 OK\r\n\r\nhello", "eof")
    assert srv.received(0) == REQ and len(srv.connections) == 1 and not srv.errors


@pytest.mark.parametrize("mode", ["bytewise", "split"])
def test_each_piece_reaches_a_slow_reader_alone(mode):
    """The server sends the next piece only when the client has read the
    last (servers/pacing.py), so every recv() returns exactly one piece, even
    from a client that takes its time between reads."""
    from servers.delivery import pieces

    body = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"
    srv = ScriptedServer(parse_script(["request", {"send": body.decode()}, "close"]), mode=mode, seed="s").start()
    s = connect(srv)
    s.sendall(REQ)
    reads = []
    while True:
        time.sleep(0.001)  # the slow reader under test, not a synchronisation
        data = s.recv(65536)
        if not data:
            break
        reads.append(data)
    s.close()
    srv.stop()
    assert reads == list(pieces(body, mode, "s"))


def test_a_client_that_stops_reading_still_gets_everything():
    """Pacing gives up on a client that does not read (servers/pacing.py,
    PACE_WAIT) instead of waiting per byte; the bytes still all arrive."""
    body = "HTTP/1.1 200 OK\r\n" + "X-Pad: " + "p" * 300 + "\r\n\r\n"
    srv = ScriptedServer(parse_script(["request", {"send": body}, "close"]), mode="bytewise", seed="s").start()
    s = connect(srv)
    s.sendall(REQ)
    time.sleep(0.1)  # a client that stops reading for a while: the behaviour under test
    data, how = recv_all(s)
    s.close()
    srv.stop()
    assert (data, how) == (body.encode(), "eof")


def test_stop_collects_what_a_client_sent_without_closing(monkeypatch):
    """The final drain reads what the client wrote, also what is still on its
    way, and stops once nothing is left on either side: a client that keeps
    its socket open (an implementation that leaks it) costs no wait for EOF.
    (FINAL_DRAIN is made a minute, so that waiting for EOF would show as a
    stop() that has not returned.)"""
    import threading

    import servers.scripted as scripted

    monkeypatch.setattr(scripted, "FINAL_DRAIN", 60.0)
    srv = ScriptedServer(parse_script(["request", {"send": "ok"}])).start()
    s = connect(srv)
    s.sendall(REQ)
    assert s.recv(10) == b"ok"
    blob = bytes(range(256)) * 8192  # 2 MiB: some of it is still in the client's send queue at stop()
    s.sendall(blob)
    stopper = threading.Thread(target=srv.stop, daemon=True)
    stopper.start()
    stopper.join(10)
    stopped = not stopper.is_alive()
    s.close()
    assert stopped and not srv.errors, f"stop() waited for the client to close its socket: {srv.errors}"
    assert srv.received(0) == REQ + blob


def test_chunked_request_is_framed():
    body = b"3\r\nabc\r\n0\r\nX: y\r\n\r\n"
    srv = ScriptedServer(parse_script(["request", {"send": "ok"}, "close"])).start()
    s = connect(srv)
    s.sendall(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    assert recv_all(s) == (b"ok", "eof")
    s.close()
    srv.stop()


def test_reset_gives_rst():
    srv = ScriptedServer(parse_script(["request", "reset"])).start()
    s = connect(srv)
    s.sendall(REQ)
    assert recv_all(s)[1] == "reset"
    s.close()
    srv.stop()


def test_half_close_keeps_reading():
    srv = ScriptedServer(parse_script(["request", {"send": "x"}, "half-close", "request"])).start()
    s = connect(srv)
    s.sendall(REQ)
    assert recv_all(s) == (b"x", "eof")
    s.sendall(REQ)  # the server still reads after shutting its write side
    s.close()
    srv.stop()
    assert srv.received(0) == REQ + REQ


def test_recv_follows_client_to_a_new_connection():
    srv = ScriptedServer(parse_script(["request", {"send": "1"}, "request", {"send": "2"}])).start()
    a = connect(srv)
    a.sendall(REQ)
    assert a.recv(10) == b"1"
    a.close()
    b = connect(srv)
    b.sendall(REQ)
    assert b.recv(10) == b"2"
    b.close()
    srv.stop()
    assert len(srv.connections) == 2


def test_stop_ends_a_holding_server_at_once():
    srv = ScriptedServer(parse_script(["hold"])).start()
    s = connect(srv)
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2.0  # FINAL_DRAIN bound, not the hold
    s.close()


def test_stop_without_any_client():
    srv = ScriptedServer(parse_script(["request"])).start()
    srv.stop()
    assert srv.connections == []


def test_trickle_sends_in_pieces():
    srv = ScriptedServer(parse_script([{"trickle": "abcd", "size": 2, "every": 0.001}, "close"])).start()
    s = connect(srv)
    assert recv_all(s) == (b"abcd", "eof")
    s.close()
    srv.stop()
    sends = [e for e in srv.transcript if e.kind == "s>c"]
    assert b"".join(e.data for e in sends) == b"abcd"


def test_transcript_and_peer_recorded():
    srv = ScriptedServer(parse_script(["request", {"send": "ok"}])).start()
    s = connect(srv)
    s.sendall(REQ)
    s.recv(10)
    local = s.getsockname()
    s.close()
    srv.stop()
    assert srv.connections[0].peer == local[:2]
    assert [e.kind for e in srv.transcript] == ["c>s", "s>c"]


@pytest.mark.parametrize("data, what, status", [
    (b"GET / HTTP/1.1\r\nHost: x\r\n", "request", 1),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "request", 0),
    (b"GET / HTTP/1.1\n\n", "request", 0),
    (b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab", "request", 1),
    (b"POST / HTTP/1.1\r\ncontent-length:  3 \r\n\r\nabc", "request", 0),
    (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "request", -1),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n3\r\nabc\r\n", "request", 1),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\n\r\n", "request", 0),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n", "request", 1),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "request", -1),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n", "request", -1),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "request", -1),
    (b"POST / HTTP/1.1\r\n\r\nbody", "head", 0),
    (b"abcd", 4, 0),
    (b"abc", 4, 1),
])
def test_request_framing(data, what, status):
    from servers.framing import request_status

    assert request_status(data, what) == status
