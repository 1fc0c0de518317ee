"""A pool of reusable daemon threads with deadlines.

Written by hand because concurrent.futures threads are not daemons (the
interpreter joins them at exit), and a case whose implementation hangs must
not keep the run alive: its worker is abandoned, interrupted where the
interpreter allows, and replaced.
"""
from __future__ import annotations

import ctypes
import queue
import sys
import threading
from typing import Any, Callable, List, Optional


class Hung(Exception):
    """Raised inside a worker that overran its deadline (CPython only)."""


class Job:
    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.thread_id: Optional[int] = None

    def wait(self, timeout: float) -> bool:
        return self.done.wait(timeout)


class _Worker(threading.Thread):
    def __init__(self, pool: "Pool") -> None:
        super().__init__(name="conformance-worker", daemon=True)
        self.pool = pool
        self.jobs: "queue.SimpleQueue[Job]" = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            job.thread_id = threading.get_ident()
            try:
                job.result = job.fn()
            except BaseException as exc:  # noqa: BLE001 - reported to the waiter
                job.error = exc
            job.done.set()
            if not self.pool._release(self):
                return


class Pool:
    """submit() runs a callable on an idle worker; workers are reused."""

    def __init__(self) -> None:
        self._idle: List[_Worker] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], Any]) -> Job:
        job = Job(fn)
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker(self)
            worker.start()
        worker.jobs.put(job)
        return job

    def _release(self, worker: _Worker) -> bool:
        with self._lock:
            if len(self._idle) >= 16:
                return False
            self._idle.append(worker)
            return True


def interrupt(job: Job) -> None:
    """Raise Hung inside a job that overran its deadline.

    Only pure-Python loops notice it; a thread blocked in a syscall wakes when
    the case closes its sockets. Not available on PyPy: the thread is left.
    """
    if job.done.is_set() or job.thread_id is None:
        return
    if sys.implementation.name != "cpython":
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(job.thread_id), ctypes.py_object(Hung))


POOL = Pool()
