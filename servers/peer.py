"""The client's end of a connection, seen from the kernel's side.

Client and server are threads of one interpreter, so the server can find
the client's socket: the one in this process whose local address is its
peer's (looked up once per connection, in /proc/self/fd). The server asks the
kernel about it, the way `ss` would: how many bytes the client has not read
yet (FIONREAD; servers/pacing.py paces byte-wise deliveries on it) and how
many it has sent that have not reached the server (TIOCOUTQ, the send
queue; the final drain stops on it, servers/scripted.py).

Nothing of the implementation is touched: the socket is never read, written
or closed. Where the peer is not in this process, or the platform has no
/proc or these ioctls, `find` returns None and callers fall back to waiting.
"""
from __future__ import annotations

import fcntl
import os
import socket
import stat
import struct
import termios
from dataclasses import dataclass
from typing import Optional

_FIONREAD: Optional[int] = getattr(termios, "FIONREAD", None)
_TIOCOUTQ: Optional[int] = getattr(termios, "TIOCOUTQ", None)  # SIOCOUTQ on sockets (Linux)


@dataclass(frozen=True)
class Peer:
    fd: int
    inode: int  # tells the client's socket from a later file given the same number

    def unread(self) -> int:
        """Bytes that arrived at the client and that it has not read (0 once
        it closed its socket)."""
        return self._ask(_FIONREAD)  # type: ignore[arg-type] # find() needs FIONREAD

    def unsent(self) -> Optional[int]:
        """Bytes the client wrote that the server's side has not received
        yet (0 once it closed its socket; None where the platform cannot tell)."""
        return None if _TIOCOUTQ is None else self._ask(_TIOCOUTQ)

    def _ask(self, request: int) -> int:
        buf = bytearray(4)
        try:
            if os.fstat(self.fd).st_ino != self.inode:
                return 0  # the client closed its socket (the number now names another file)
            fcntl.ioctl(self.fd, request, buf)  # type: ignore[arg-type]
        except OSError:
            return 0
        return int(struct.unpack("i", buf)[0])


def find(server_side: socket.socket) -> Optional[Peer]:
    """The socket of this process connected to `server_side`, if any."""
    if _FIONREAD is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        want = server_side.getpeername()[:2]
        own = server_side.fileno()
    except OSError:
        return None
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd == own:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISSOCK(st.st_mode):
                continue
            probe = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            here = probe.getsockname()[:2]
            there = probe.getpeername()[:2]
        except OSError:
            continue
        finally:
            probe.detach()  # the fd stays the client's
        if here == want and there == server_side.getsockname()[:2]:
            return Peer(fd, st.st_ino)
    return None
