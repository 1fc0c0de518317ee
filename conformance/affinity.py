"""Each test process runs on one CPU.

A case's server and client are threads of the test process that hand the
bytes back and forth (a byte-wise delivery waits for the client to read
every byte, servers/pacing.py). Between two CPUs every hand-off is a
cross-CPU wake-up, which on a virtual machine is an interrupt through the
hypervisor: a one-byte ping-pong between two Python threads over loopback
TCP took 59 us a round trip here across CPUs and 6 us on one CPU. The GIL
lets only one of the threads run Python at a time, so one CPU loses no
parallelism; the suite uses more CPUs with pytest-xdist (`-n 2`), each worker
on its own CPU.

Linux only (os.sched_setaffinity); elsewhere, with a single allowed CPU, or
with `--no-pin`, nothing changes. The CPU is chosen among those the process
may use (taskset and cgroup limits are kept): an xdist worker takes the
CPU of its index (gw0 the first, gw1 the second, ...), a single process the
CPU it is running on, where the scheduler put it.
"""
from __future__ import annotations

import os
from typing import List, Optional


def pin(worker_id: Optional[str]) -> Optional[int]:
    """Pin this process to one CPU; return it (None: left as it was)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        allowed: List[int] = sorted(os.sched_getaffinity(0))
    except OSError:
        return None
    if len(allowed) < 2:
        return None
    cpu = _choose(allowed, worker_id)
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:  # a container may refuse; the suite runs as it is
        return None
    return cpu


def _choose(allowed: List[int], worker_id: Optional[str]) -> int:
    if worker_id and worker_id.startswith("gw") and worker_id[2:].isdigit():
        return allowed[int(worker_id[2:]) % len(allowed)]
    current = _current_cpu()
    return current if current in allowed else allowed[0]


def _current_cpu() -> Optional[int]:
    """The CPU this process last ran on: field 39 of /proc/self/stat."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[36])  # fields[0] is field 3 (state)
    except (OSError, IndexError, ValueError):
        return None
