"""The suite catches broken copies of http.client and passes the clean copy.

Runs the whole suite in a subprocess against each copy, as a user would:
`python -m pytest conformance --impl path/to/copy.py`.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.mutants import MUTANTS, make

ROOT = Path(__file__).resolve().parent.parent


def run_suite(target: Path, report: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "conformance", "--impl", str(target), "--report-json", str(report),
         "-q", "-p", "no:cacheprovider", "--tb=no", "--delivery", "whole", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )


def expectation_args() -> list:
    """The stdlib's known failures are not the mutant's: run with its file."""
    from conformance.expectations import default_file_for_stdlib

    exp = default_file_for_stdlib()
    return ["--expectations", str(exp)] if exp.exists() else []


def test_clean_copy_passes(tmp_path):
    """A verbatim copy loaded from a path behaves as the stdlib: the run
    matches this interpreter's stdlib expectation file."""
    copy = make(None, tmp_path)
    proc = run_suite(copy, tmp_path / "r.json", *expectation_args())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["counts"].get("pass", 0) >= 50


@pytest.fixture(scope="session")
def baseline(tmp_path_factory) -> list:
    """Node ids the clean copy does not pass: deselected in mutant runs, so
    a mutant counts as caught only by a case the clean copy passes."""
    tmp = tmp_path_factory.mktemp("baseline")
    copy = make(None, tmp)
    run_suite(copy, tmp / "r.json")
    doc = json.loads((tmp / "r.json").read_text())
    return [r["node"] for r in doc["results"] if r["verdict"] != "pass"]


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_is_caught(mutant, tmp_path, baseline):
    path = make(mutant, tmp_path)
    if path is None:
        pytest.skip(f"pattern not in this Python's http.client: {mutant.find!r}")
    report = tmp_path / "r.json"
    deselect = [arg for node in baseline for arg in ("--deselect", node)]
    proc = run_suite(path, report, "-x", *deselect)
    assert proc.returncode == 1, f"suite did not fail on mutant {mutant.name} ({mutant.why}):\n{proc.stdout[-2000:]}"
    doc = json.loads(report.read_text())
    failed = [r["id"] for r in doc["results"] if r["verdict"] in ("fail", "timeout")]
    assert failed, f"no case failed with verdict fail/timeout: {doc['counts']}"
