"""Cases that only wait run ahead of their turn (conformance/prefetch.py):
the verdicts are those of running them in turn, in one process and under
pytest-xdist, where each worker keeps only the items it is sent."""
from __future__ import annotations

import json
import subprocess
import sys
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
    return {r["id"]: (r["verdict"], r["variant"]) for r in json.loads(report.read_text())["results"]}


def test_running_ahead_gives_the_verdicts_of_running_in_turn(tmp_path):
    in_turn = verdicts(tmp_path, "in-turn", "--no-overlap")
    assert sum(1 for cid in in_turn if "timeout" in cid) >= 10  # the waiting cases were selected
    assert verdicts(tmp_path, "ahead") == in_turn


def test_xdist_workers_keep_only_what_they_are_sent(tmp_path):
    pytest.importorskip("xdist")
    in_turn = verdicts(tmp_path, "in-turn", "--no-overlap")
    assert verdicts(tmp_path, "ahead-n2", "-n", "2") == in_turn
