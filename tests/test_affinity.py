"""Each test process is pinned to one CPU (conformance/affinity.py), and the
byte-wise and split deliveries stay exact there (servers/pacing.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conformance import affinity

ROOT = Path(__file__).resolve().parent.parent
linux_affinity = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs os.sched_setaffinity and two CPUs",
)


def test_xdist_workers_take_the_cpu_of_their_index():
    allowed = [2, 5, 7]
    assert [affinity._choose(allowed, f"gw{i}") for i in range(5)] == [2, 5, 7, 2, 5]


def test_a_single_process_stays_on_its_cpu(monkeypatch):
    monkeypatch.setattr(affinity, "_current_cpu", lambda: 5)
    assert affinity._choose([2, 5], None) == 5
    monkeypatch.setattr(affinity, "_current_cpu", lambda: 3)  # not allowed (or unknown): the first
    assert affinity._choose([2, 5], None) == 2
    monkeypatch.setattr(affinity, "_current_cpu", lambda: None)
    assert affinity._choose([2, 5], None) == 2


def run_python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


@linux_affinity
def test_pin_keeps_to_the_allowed_cpus():
    allowed = sorted(os.sched_getaffinity(0))
    out = run_python("""
        import os
        from conformance.affinity import pin
        cpu = pin("gw1")
        print(cpu, sorted(os.sched_getaffinity(0)))
    """)
    assert out.split(None, 1) == [str(allowed[1]), f"[{allowed[1]}]\n"]


# A client reading as fast as it can, in a fresh process set up by `prelude`:
# prints "ok" when every recv() returned exactly one delivered piece.
FAST_READER = """
import os, socket
if hasattr(os, "sched_setaffinity"):  # as the suite runs: one process on one CPU
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from servers import ScriptedServer, parse_script
from servers.delivery import pieces
body = b"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nX-A: 1\\r\\n\\r\\nhello"
for mode in ("bytewise", "split"):
    for _ in range(ROUNDS):
        srv = ScriptedServer(parse_script(["request", {"send": body.decode()}, "close"]), mode=mode, seed="s").start()
        s = socket.create_connection((srv.host, srv.port), timeout=3)
        s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
        reads = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            reads.append(data)
        s.close()
        srv.stop()
        assert reads == list(pieces(body, mode, "s")), (mode, reads)
print("ok")
"""


@linux_affinity
def test_each_piece_reaches_a_fast_reader_alone_on_one_cpu():
    """On one CPU the server hands the CPU to the client after each piece
    (os.sched_yield); a client reading as fast as it can still gets every
    piece in a recv() of its own, on every run."""
    assert run_python(FAST_READER.replace("ROUNDS", "20")) == "ok\n"


def test_each_piece_reaches_a_greenlet_alone_under_gevent():
    """Under gevent's monkey-patching the server is a greenlet of the
    client's thread: its wait lets the hub poll for I/O, so the client reads
    every piece in a recv() of its own (os.sched_yield would spin past the
    pacing's patience, then send the rest at once)."""
    pytest.importorskip("gevent")
    prelude = "from gevent import monkey\nmonkey.patch_all()\n"
    assert run_python(prelude + FAST_READER.replace("ROUNDS", "5")) == "ok\n"


def header(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance/test_surface.py", "-p", "no:cacheprovider", "--impl",
         "reference", "-k", "surface-httpconnection-default-port", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return next(line for line in proc.stdout.splitlines() if line.startswith("conformance: "))


@linux_affinity
def test_the_plugin_pins_the_test_process_unless_told_not_to():
    allowed = {str(c) for c in os.sched_getaffinity(0)}
    assert header().rsplit(" cpu=", 1)[1] in allowed
    assert header("--no-pin").endswith(" cpu=any")
