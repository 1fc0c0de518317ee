"""Loopback helpers for the reference client's tests (127.0.0.1 only)."""
from __future__ import annotations

import socket
import threading
from typing import Any, Callable, Iterator, List, Optional, Sequence, Union

import pytest

from reference import client

TIMEOUT = 10.0


def response_from(raw: bytes, method: Optional[str] = None,
                  impl: Any = client, begin: bool = True,
                  close_writer: bool = True) -> Any:
    """An HTTPResponse reading raw from a socketpair (writer in a thread)."""
    a, b = socket.socketpair()
    a.settimeout(TIMEOUT)
    b.settimeout(TIMEOUT)

    def write() -> None:
        try:
            b.sendall(raw)
        except OSError:
            pass
        if close_writer:
            b.close()

    t = threading.Thread(target=write, daemon=True)
    t.start()
    resp = impl.HTTPResponse(a, method=method)
    a.close()  # the response's file keeps the socket open
    if begin:
        resp.begin()
    return resp


Script = Union[bytes, Callable[[socket.socket, bytes], None]]


class RawServer:
    """Serves scripted raw responses, one per request, recording requests.

    Each script item is bytes (sent as the response) or b"CLOSE" (read the
    request, then close the connection without answering).
    """

    def __init__(self, responses: Sequence[bytes]) -> None:
        self.responses = list(responses)
        self.requests: List[bytes] = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(TIMEOUT)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _read_request(self, conn: socket.socket, buf: bytes) -> Optional[bytes]:
        while b"\r\n\r\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return None
            buf += data
        head, _, rest = buf.partition(b"\r\n\r\n")
        lower = head.lower()
        body = b""
        if b"content-length:" in lower:
            n = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
            while len(rest) < n:
                rest += conn.recv(65536)
            body = rest[:n]
        elif b"transfer-encoding: chunked" in lower:
            while not rest.endswith(b"0\r\n\r\n"):
                rest += conn.recv(65536)
            body = rest
        self.requests.append(head + b"\r\n\r\n" + body)
        return head

    def _run(self) -> None:
        try:
            while self.responses:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.settimeout(TIMEOUT)
                with conn:
                    while self.responses:
                        if self._read_request(conn, b"") is None:
                            break
                        if self.responses[0] == b"CLOSE":
                            self.responses.pop(0)
                            break
                        conn.sendall(self.responses.pop(0))
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked accept()
        except OSError:
            pass
        self.sock.close()
        self.thread.join(TIMEOUT)


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: List[RawServer] = []

    def make(*responses: bytes) -> RawServer:
        s = RawServer(responses)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()
