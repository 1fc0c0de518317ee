"""Pacing the byte-wise and split deliveries: the next piece goes only when
the client has read the last one.

The server watches the client's end of the connection from the kernel's
side (servers/peer.py) and sends the next piece only when the client has no
unread bytes: every recv() of the client then returns exactly one piece, on
every run, and the wait costs what the client needs to read, not a fixed
pause. Where the peer is not in view, the server falls back to yielding the
GIL for the timer slack.
"""
from __future__ import annotations

import ctypes
import inspect
import os
import socket
import sys
import time
from typing import Callable, Optional

from . import peer as peer_view

# How long the server waits for the client to read a piece before it stops
# pacing the rest of that send: a client that has stopped reading (it saw
# enough, or it hangs) must not cost a wait per byte.
PACE_WAIT = 0.02
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
        self._peer: Optional[peer_view.Peer] = peer_view.find(server_side)
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
        while self._peer.unread() > 0:
            if time.monotonic() >= deadline:
                self._given_up = True
                return
            self._yield()  # gives the client the GIL (and the CPU) to read with


def _yielder() -> Callable[[], None]:
    """How the server lets the client run.

    - On one CPU (the suite pins each test process, conformance/affinity.py):
      os.sched_yield, which releases the GIL and hands the CPU to the woken
      client at once, where time.sleep(0) could spin until the scheduler's
      next tick and then wait out the GIL's 5 ms switch interval.
    - On several CPUs the client runs on another one and only needs the GIL:
      time.sleep(0), with fewer context switches.
    - Under gevent's monkey-patching, server and client are greenlets of one
      thread: only the patched sleep lets the client run, and only with a
      positive time does it poll for I/O (sleep(0) switches greenlets without
      waking the client for its read: 150 ms a case, against 1.4 ms).
    """
    if not inspect.isbuiltin(time.sleep):
        return lambda: time.sleep(1e-6)
    try:
        if len(os.sched_getaffinity(0)) == 1:
            return os.sched_yield
    except (AttributeError, OSError):  # not Linux
        pass
    return lambda: time.sleep(0)
