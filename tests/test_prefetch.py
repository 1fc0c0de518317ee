"""Cases that only wait run ahead of their turn (conformance/prefetch.py):
the verdicts are those of running them in turn, in one process and under
pytest-xdist, where each worker keeps only the items it is sent."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The waiting cases (short timeouts, a trickle inside a timeout) and a few
# ordinary ones of the same files, so that results are interleaved.
SELECT = "timeout or trickle or fault-connection-refused or ipv6-get"


def verdicts(tmp_path: Path, name: str, *args: str) -> dict:
    report = tmp_path / f"{name}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--impl", "stdlib",
         "--expectations", "auto", "--report-json", str(report), "-k", SELECT, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return {r["id"]: (r["verdict"], r.get("ran_ahead", False)) for r in json.loads(report.read_text())["results"]}


def without_ran_ahead(results: dict) -> dict:
    return {cid: verdict for cid, (verdict, _) in results.items()}


def test_running_ahead_gives_the_verdicts_of_running_in_turn(tmp_path):
    in_turn = verdicts(tmp_path, "in-turn", "--no-overlap")
    assert not any(ahead for _, ahead in in_turn.values())
    ahead = verdicts(tmp_path, "ahead")
    ran_ahead = {cid for cid, (_, flag) in ahead.items() if flag}
    # every waiting case of the selection ran ahead, and only those
    assert {"fault-hold-timeout-getresponse", "fault-timeout-within-bound", "tls-handshake-timeout",
            "fault-trickle-within-timeout"} <= ran_ahead
    assert "fault-connection-refused" not in ran_ahead and len(ran_ahead) < len(ahead)
    assert without_ran_ahead(ahead) == without_ran_ahead(in_turn)


def test_xdist_workers_keep_only_what_they_are_sent(tmp_path):
    pytest.importorskip("xdist")
    in_turn = without_ran_ahead(verdicts(tmp_path, "in-turn", "--no-overlap"))
    ahead = verdicts(tmp_path, "ahead-n2", "-n", "2")
    assert any(flag for _, flag in ahead.values())
    assert without_ran_ahead(ahead) == in_turn


def test_the_run_ends_only_after_the_cases_run_ahead(monkeypatch):
    """A run stopped early (-x, ^C) leaves cases running ahead that no test
    took; the run loop waits for them (within their deadlines) so that no
    thread is inside a socket call while the interpreter finalizes."""
    from types import SimpleNamespace

    from conformance import prefetch
    from servers.workers import POOL

    release = threading.Event()
    job = POOL.submit(lambda: release.wait(5.0))
    monkeypatch.setattr(prefetch, "_AHEAD", {"node": (job, SimpleNamespace(timeout=0.1), "whole")})
    threading.Timer(0.05, release.set).start()
    prefetch._settle()
    assert job.done.is_set() and job.result is True
    assert prefetch._AHEAD == {}
