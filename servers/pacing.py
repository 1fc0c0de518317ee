"""Pacing the byte-wise and split deliveries: the next piece goes only when
the client has read the last one.

Client and server are threads of one interpreter, so the server can watch
the client's end of the connection from the kernel's side: it finds the
socket whose local address is its peer's (once per connection) and asks how
many bytes are still unread in it (FIONREAD). Sending the next piece only
when that is 0 means every recv() of the client returns exactly one piece,
on every run, and costs what the client needs to read, not a fixed pause.

Nothing of the implementation is touched: the harness looks at a kernel
socket it can name by address, the way `ss` would; it never reads, writes
or closes it. Where the peer is not in this process (or the platform has no
FIONREAD), the server falls back to yielding the GIL for the timer slack.
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import stat
import struct
import sys
import termios
import time
from typing import Callable, Optional, Tuple

# How long the server waits for the client to read a piece before it stops
# pacing the rest of that send: a client that has stopped reading (it saw
# enough, or it hangs) must not cost a wait per byte.
PACE_WAIT = 0.02
_FIONREAD = getattr(termios, "FIONREAD", None)
_PR_SET_TIMERSLACK = 29


def fine_timer_slack() -> None:
    """Let this thread's short sleeps last microseconds, not the default
    50 us of timer slack (Linux; elsewhere nothing changes)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_TIMERSLACK, 1000, 0, 0, 0)
        except (OSError, AttributeError):
            pass


class Pacer:
    """Waits, after each piece sent on one connection, until the client has
    read it; see the module docstring."""

    def __init__(self, server_side: socket.socket) -> None:
        self._peer: Optional[Tuple[int, int]] = _find_peer(server_side)  # (fd, inode)
        fine_timer_slack()
        self._given_up = False
        self._yield = _yielder()

    def new_step(self) -> None:
        self._given_up = False

    def wait(self) -> None:
        if self._peer is None:
            time.sleep(0)  # no view of the peer: give up the GIL for the timer slack
            return
        if self._given_up:
            return
        deadline = time.monotonic() + PACE_WAIT
        while _unread(self._peer) > 0:
            if time.monotonic() >= deadline:
                self._given_up = True
                return
            self._yield()  # gives the client the GIL (and the CPU) to read with


def _yielder() -> Callable[[], None]:
    """How the server lets the client run. On one CPU (the suite pins each
    test process, conformance/affinity.py), os.sched_yield: it releases the
    GIL and hands the CPU to the woken client at once, where time.sleep(0)
    could spin until the scheduler's next tick and then wait out the GIL's
    5 ms switch interval. On several CPUs the client runs on another one and
    only needs the GIL: time.sleep(0), with fewer context switches."""
    try:
        if len(os.sched_getaffinity(0)) == 1:
            return os.sched_yield
    except (AttributeError, OSError):  # not Linux
        pass
    return lambda: time.sleep(0)


def _unread(peer: Tuple[int, int]) -> int:
    fd, inode = peer
    buf = bytearray(4)
    try:
        if os.fstat(fd).st_ino != inode:
            return 0  # the client closed its socket (the number now names another file)
        fcntl.ioctl(fd, _FIONREAD, buf)  # type: ignore[arg-type]
    except OSError:
        return 0
    return int(struct.unpack("i", buf)[0])


def _find_peer(server_side: socket.socket) -> Optional[Tuple[int, int]]:
    """The fd and inode of this process's socket connected to `server_side`."""
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
            return fd, st.st_ino
    return None
