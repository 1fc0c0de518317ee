"""A scripted fake HTTP server on loopback, playing raw bytes from a script.

One server per case: a listening socket on an ephemeral port and one pooled
daemon thread that plays the script over the connections it accepts and
records everything (bytes each way, connection count, peer addresses).

Every wait selects on the socket *and* a wake-up socket, with a deadline, so
`stop()` ends the server at once and nothing outlives its case.
"""
from __future__ import annotations

import select
import selectors
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from . import delivery, framing, peer
from .pacing import Pacer
from .script import Action, Endless, Recv, Send, Step, Trickle
from .workers import POOL, Job

# How long one step may wait for the client, and how long the final drain
# waits for the client's FIN after the case ends. A correct client on
# loopback answers in microseconds; these only bound broken ones.
STEP_WAIT = 2.0
FINAL_DRAIN = 1.0
# A client that opens more connections than this is not going to finish.
MAX_CONNECTIONS = 32
RECV_SIZE = 65536
MAX_REQUEST = 16 * 1024 * 1024  # recv 'request' gives up past this


class _Stopped(Exception):
    """stop() was called while the server waited."""


class _Gone(Exception):
    """The current connection is closed, reset or timed out."""


@dataclass
class Connection:
    """One accepted connection as the server saw it."""

    index: int
    peer: Tuple[str, int]
    received: bytearray = field(default_factory=bytearray)
    closed_by: str = ""  # 'server', 'client', 'reset', 'error: ...'
    sock: Optional[socket.socket] = field(default=None, repr=False)
    # TLS only: the server name the client offered (SNI; None if it sent
    # none or the context does not record it, see servers/tls.py) and the
    # ALPN protocol negotiated (None if none).
    sni: Optional[str] = None
    alpn: Optional[str] = None
    pacer: Optional[Pacer] = field(default=None, repr=False)  # byte-wise and split delivery


@dataclass
class Event:
    """One entry of the transcript: bytes one way, or a note."""

    conn: int
    kind: str  # 'c>s' client to server, 's>c' server to client, 'note'
    data: bytes


class ScriptedServer:
    def __init__(
        self,
        steps: Sequence[Step],
        *,
        mode: str = "whole",
        seed: str = "",
        family: socket.AddressFamily = socket.AF_INET,
        tls: Optional[ssl.SSLContext] = None,
        starttls: Optional[ssl.SSLContext] = None,
    ) -> None:
        self.steps = tuple(steps)
        self.mode = mode
        self.seed = seed
        self.tls = tls  # wraps every accepted connection
        self.starttls = starttls  # wraps the current connection at a 'starttls' step
        self.connections: List[Connection] = []
        self.transcript: List[Event] = []
        self.errors: List[str] = []  # the script could not be played
        host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._listener.bind((host, 0))
        self._listener.listen(16)
        self._wake_r, self._wake_w = socket.socketpair()
        self._stop = threading.Event()
        self._sel = _selector()
        self._job: Optional[Job] = None
        self._lock = threading.Lock()
        self.host = host
        self.port: int = self._listener.getsockname()[1]

    # -- harness side -------------------------------------------------
    def start(self) -> "ScriptedServer":
        self._job = POOL.submit(self._run)
        return self

    def stop(self, timeout: float = STEP_WAIT + FINAL_DRAIN + 1.0) -> None:
        """End the script, collect the client's last bytes, close everything."""
        if not self._stop.is_set():
            self._stop.set()
            try:
                self._wake_w.send(b"x")
            except OSError:
                pass
        if self._job is not None and not self._job.wait(timeout):
            self.errors.append("server thread did not stop in time")
            self._close_all()
        for s in (self._wake_r, self._wake_w):
            s.close()

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def received(self, index: int = 0) -> bytes:
        return bytes(self.connections[index].received) if index < len(self.connections) else b""

    # -- server thread -------------------------------------------------
    def _run(self) -> None:
        try:
            self._play()
            self._wait_stop_serving_extra()
        except _Stopped:
            pass
        except Exception as exc:  # noqa: BLE001 - a server bug is a harness error
            self.errors.append(f"server crashed: {exc!r}")
        finally:
            self._accept_backlog()
            self._final_drain()
            self._close_all()

    def _play(self) -> None:
        conn: Optional[Connection] = None
        for step in self.steps:
            if isinstance(step, Action) and step.name == "accept":
                if conn is not None:
                    self._close(conn, "server")
                conn = self._accept()
                continue
            if conn is None:
                conn = self._accept()
            if conn.sock is None:
                if not isinstance(step, Recv):
                    continue  # nothing to send on a closed connection
                conn = self._accept()  # a recv follows the client to its next connection
                if conn.sock is None:
                    continue
            try:
                if isinstance(step, Recv):
                    conn = self._recv(conn, step)
                elif isinstance(step, Send):
                    pacer = conn.pacer
                    if pacer is not None:
                        pacer.new_step()
                    for piece in delivery.pieces(step.data, self.mode, self.seed):
                        self._send(conn, piece)
                        if pacer is not None:
                            pacer.wait()
                elif isinstance(step, Trickle):
                    self._trickle(conn, step)
                elif isinstance(step, Endless):
                    self._endless(conn, step)
                else:
                    self._action(conn, step.name)
            except _Gone as gone:
                self._note(conn, f"connection gone during {step}: {gone}")
                self._close(conn, str(gone) or "error")

    def _wait_stop_serving_extra(self) -> None:
        """After the script: keep reading open connections and accept (and
        record) any further ones until the case ends."""
        while True:
            self._wait_any(None, time.monotonic() + 3600)

    # -- connection handling -----------------------------------------------
    def _accept(self) -> Connection:
        deadline = time.monotonic() + STEP_WAIT
        while True:
            ready = self._wait(self._listener, selectors.EVENT_READ, deadline)
            if ready:
                return self._accept_now()

    def _accept_now(self) -> Connection:
        sock, peer = self._listener.accept()
        if len(self.connections) >= MAX_CONNECTIONS:
            sock.close()
            raise _Stopped()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Plain connections are non-blocking: every wait goes through the
        # selector (deadline, stop()), and a write that fits the socket buffer
        # costs one syscall (the byte-wise variants make thousands). TLS ones
        # block with a timeout, as the ssl module's handshake needs.
        sock.setblocking(self.tls is not None)
        if self.tls is not None:
            sock.settimeout(STEP_WAIT)
            try:
                sock = self.tls.wrap_socket(sock, server_side=True)
            except (OSError, ssl.SSLError) as exc:
                # A client that rejects our certificate ends here: recorded.
                conn = Connection(len(self.connections), peer[:2], closed_by=f"tls: {exc}")
                with self._lock:
                    self.connections.append(conn)
                self._note(conn, f"TLS handshake failed: {exc}")
                sock.close()
                return conn
        conn = Connection(len(self.connections), peer[:2], sock=sock)
        _tls_info(conn, sock)
        if self.mode != "whole":
            conn.pacer = Pacer(sock)
        with self._lock:
            self.connections.append(conn)
        return conn

    def _starttls(self, conn: Connection) -> None:
        """TLS server handshake on the current connection (e.g. inside a
        CONNECT tunnel after the proxy's 200); a failed handshake is recorded
        like one at accept."""
        ctx = self.starttls or self.tls
        sock = conn.sock
        assert sock is not None
        if ctx is None:
            self.errors.append("starttls step without a starttls= (or tls=) context")
            raise _Stopped()
        try:
            sock.settimeout(STEP_WAIT)
            conn.sock = ctx.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError) as exc:
            self._note(conn, f"TLS handshake failed: {exc}")
            try:
                sock.close()
            except OSError:
                pass
            conn.sock = None
            conn.closed_by = f"tls: {exc}"
            return
        _tls_info(conn, conn.sock)

    def _recv(self, conn: Connection, step: Recv) -> Connection:
        """Read one request (or head, or n bytes); follow the client to a new
        connection if it closes this one or opens another before sending."""
        deadline = time.monotonic() + STEP_WAIT
        buf = bytearray()
        while True:
            status = framing.request_status(buf, step.what)
            if status == framing.DONE:
                return conn
            if status == framing.MALFORMED or len(buf) > MAX_REQUEST:
                raise _Gone("unparseable request")
            assert conn.sock is not None
            got = self._read_some(conn, deadline, allow_switch=not buf)
            if isinstance(got, Connection):  # the client moved to a new connection
                conn = got
                continue
            if not got:
                if buf:
                    raise _Gone("client closed mid-request")
                self._close(conn, "client")
                conn = self._accept()
                if conn.sock is None:
                    raise _Gone("handshake failed")
                continue
            buf += got

    def _read_some(self, conn: Connection, deadline: float, allow_switch: bool = False):  # type: ignore[no-untyped-def]
        """Bytes from conn (b'' at EOF), or a new Connection if the client
        opened one while this one stayed silent and `allow_switch`."""
        sock = conn.sock
        assert sock is not None
        while True:
            if isinstance(sock, ssl.SSLSocket) and sock.pending():
                ready = [sock]
            else:
                key_objs = [sock] + ([self._listener] if allow_switch else [])
                ready = self._wait_many(key_objs, deadline)
            if self._listener in ready:
                return self._accept_now()
            if sock in ready:
                try:
                    data = sock.recv(RECV_SIZE)
                except BlockingIOError:
                    continue  # a spurious wake-up
                except socket.timeout:
                    raise _Gone("timed out") from None
                except ssl.SSLError as exc:
                    raise _Gone(f"tls: {exc}") from None
                except OSError as exc:
                    raise _Gone(f"error: {exc}") from None
                if data:
                    conn.received += data
                    self._log(conn.index, "c>s", data)
                return data

    def _send(self, conn: Connection, data: bytes) -> None:
        sock = conn.sock
        assert sock is not None
        view = memoryview(data)
        deadline = time.monotonic() + STEP_WAIT
        tls = isinstance(sock, ssl.SSLSocket)
        while view:
            if tls:
                self._wait(sock, selectors.EVENT_WRITE, deadline)
            elif self._stop.is_set():
                raise _Stopped()
            try:
                n = sock.send(view)
            except BlockingIOError:  # the buffer is full: wait until it drains
                self._wait(sock, selectors.EVENT_WRITE, deadline)
                continue
            except (BrokenPipeError, ConnectionResetError) as exc:
                raise _Gone(f"error: {exc.__class__.__name__}") from None
            except OSError as exc:
                raise _Gone(f"error: {exc}") from None
            self._log(conn.index, "s>c", bytes(view[:n]))
            view = view[n:]

    def _trickle(self, conn: Connection, step: Trickle) -> None:
        for i in range(0, len(step.data), step.size):
            if i:
                # A deliberate pause, interruptible by stop().
                if self._stop.wait(step.every):
                    raise _Stopped()
            self._send(conn, step.data[i : i + step.size])

    def _endless(self, conn: Connection, step: Endless) -> None:
        """Repeat step.data until the client closes, or the cap in bytes or
        seconds is reached; then close. Whole writes (no delivery mode);
        only the first 4 KiB go into the transcript, then a note."""
        sock = conn.sock
        assert sock is not None
        block = memoryview(step.data * max(1, 65536 // len(step.data)))
        sent, why = 0, "cap reached"
        started = time.monotonic()
        deadline = started + step.seconds
        while True:
            if sent >= step.cap:
                break
            if time.monotonic() >= deadline:
                why = "time cap reached"
                break
            try:
                self._wait(sock, selectors.EVENT_WRITE, deadline)
                off = sent % len(block)  # the pattern continues across partial writes
                n = sock.send(block[off : off + step.cap - sent])
            except _Gone:
                why = "time cap reached (the client stopped reading)"
                break
            except BlockingIOError:
                continue
            except OSError as exc:
                why = f"client gone ({exc.__class__.__name__})"
                break
            if sent < 4096:
                self._log(conn.index, "s>c", bytes(block[off : off + min(n, 4096 - sent)]))
            sent += n
        self._note(conn, f"endless: sent {sent} bytes in {time.monotonic() - started:.2f}s; {why}")
        if why.startswith("time cap"):
            # Reset, not close: an RST drops what the client has not read yet
            # (megabytes in its receive buffer), so a client that never gives
            # up stops at the time cap instead of parsing that backlog too.
            self._reset(conn)
        else:
            self._close(conn, "server")

    def _reset(self, conn: Connection) -> None:
        if conn.sock is not None:
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._close(conn, "reset")

    def _action(self, conn: Connection, name: str) -> None:
        sock = conn.sock
        assert sock is not None
        if name == "close":
            self._close(conn, "server")
        elif name == "half-close":
            sock.shutdown(socket.SHUT_WR)
            self._note(conn, "server shut down its write side")
        elif name == "reset":
            self._reset(conn)
        elif name == "eof":
            deadline = time.monotonic() + STEP_WAIT
            while self._read_some(conn, deadline):
                pass
            self._close(conn, "client")
        elif name == "hold":
            self._wait_any(conn, time.monotonic() + 3600)
        elif name == "starttls":
            self._starttls(conn)

    def _close(self, conn: Connection, why: str) -> None:
        if conn.sock is not None:
            try:
                conn.sock.close()
            except OSError:
                pass
            conn.sock = None
            conn.closed_by = why
            if why != "client":
                self._note(conn, f"closed ({why})")

    # -- waiting -------------------------------------------------------------
    def _wait(self, sock: socket.socket, events: int, deadline: float) -> bool:
        """Block until `sock` is ready; _Stopped on stop(), _Gone past deadline."""
        return bool(self._wait_many([sock], deadline, events))

    def _wait_many(
        self, socks: Sequence[socket.socket], deadline: float, events: int = selectors.EVENT_READ
    ) -> List[socket.socket]:
        sel = self._sel
        for s in socks:
            sel.register(s, events)
        sel.register(self._wake_r, selectors.EVENT_READ)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Gone("timed out waiting for the client")
                ready = [key.fileobj for key, _ in sel.select(left)]
                if self._wake_r in ready:
                    raise _Stopped()
                if ready:
                    return ready  # type: ignore[return-value]
        finally:
            for s in socks:
                sel.unregister(s)
            sel.unregister(self._wake_r)

    def _wait_any(self, conn: Optional[Connection], deadline: float) -> None:
        """Idle: record whatever arrives on open connections, accept new ones."""
        while True:
            open_conns = [c for c in self.connections if c.sock is not None]
            socks = [c.sock for c in open_conns] + [self._listener]
            ready = self._wait_many(socks, deadline)  # type: ignore[arg-type]
            for r in ready:
                if r is self._listener:
                    self._accept_now()
                    continue
                c = next(c for c in open_conns if c.sock is r)
                try:
                    if not self._read_some(c, deadline):
                        self._close(c, "client")
                except _Gone as gone:
                    self._close(c, str(gone))

    def _accept_backlog(self) -> None:
        """Count connections the client opened that the script never reached
        (a client that connects and gives up before the server accepts)."""
        self._listener.setblocking(False)
        while len(self.connections) < MAX_CONNECTIONS:
            try:
                sock, peer = self._listener.accept()
            except (BlockingIOError, OSError):
                return
            conn = Connection(len(self.connections), peer[:2], sock=sock)
            sock.setblocking(True)
            with self._lock:
                self.connections.append(conn)
            self._note(conn, "accepted after the script ended")

    def _final_drain(self) -> None:
        """Collect what clients sent before closing. The case's client is
        done by now: what it wrote is in this side's receive buffer, or still
        in its own send queue. Read until EOF, until both are empty (then a
        client that keeps its socket open costs no wait: servers/peer.py), or
        until FINAL_DRAIN has passed."""
        deadline = time.monotonic() + FINAL_DRAIN
        for c in self.connections:
            client: Optional[peer.Peer] = None
            looked = False
            while c.sock is not None and time.monotonic() < deadline:
                if not _readable(c.sock):
                    if not looked:  # once per connection, and only for a client that has not closed
                        client, looked = peer.find(c.sock), True
                    # Its send queue first, then ours: nothing can move between the two looks.
                    if client is not None and client.unsent() == 0 and not _readable(c.sock):
                        break
                try:
                    c.sock.settimeout(max(0.0, deadline - time.monotonic()))
                    data = c.sock.recv(RECV_SIZE)
                except (OSError, ValueError):
                    break
                if not data:
                    self._close(c, "client")
                    break
                c.received += data
                self._log(c.index, "c>s", data)

    def _close_all(self) -> None:
        for c in self.connections:
            self._close(c, "server")
        try:
            self._listener.close()
        except OSError:
            pass
        self._sel.close()

    # -- transcript ---------------------------------------------------------
    def _log(self, conn: int, kind: str, data: bytes) -> None:
        with self._lock:
            last = self.transcript[-1] if self.transcript else None
            if last is not None and last.conn == conn and last.kind == kind and len(last.data) < 1 << 20:
                last.data += data
            else:
                self.transcript.append(Event(conn, kind, data))

    def _note(self, conn: Connection, text: str) -> None:
        with self._lock:
            self.transcript.append(Event(conn.index, "note", text.encode()))


def _tls_info(conn: Connection, sock: socket.socket) -> None:
    if isinstance(sock, ssl.SSLSocket):
        conn.sni = getattr(sock, "client_sni", None)
        try:
            conn.alpn = sock.selected_alpn_protocol()
        except (OSError, ValueError, NotImplementedError):
            conn.alpn = None


def _readable(sock: socket.socket) -> bool:
    """Bytes (or EOF) wait in `sock` now."""
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _selector() -> selectors.BaseSelector:
    # poll(2) where there is one: the server registers and unregisters its
    # few sockets around every wait, which costs poll nothing and epoll two
    # syscalls a socket.
    return selectors.PollSelector() if hasattr(selectors, "PollSelector") else selectors.DefaultSelector()
