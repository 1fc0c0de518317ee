"""The command line as users and CI drive it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pytest_suite(*args):
    return subprocess.run([sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider",
                           "--delivery", "whole", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_unimportable_target_is_a_usage_error():
    proc = pytest_suite("--impl", "no_such_module_xyz")
    assert proc.returncode == 4
    assert "cannot import implementation 'no_such_module_xyz'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_report_json_has_metadata(tmp_path):
    report = tmp_path / "r.json"
    proc = pytest_suite("--impl", "reference", "--report-json", str(report), "-k", "status-line-http11-200")
    assert proc.returncode == 0, proc.stdout
    doc = json.loads(report.read_text())
    [r] = doc["results"]
    assert r["id"] == "status-line-http11-200" and r["verdict"] == "pass"
    assert r["level"] and r["area"] and r["reqs"] and r["duration"] >= 0
    assert doc["impl"] == "reference"


def test_unexpected_pass_fails_the_gate(tmp_path):
    exp = tmp_path / "e.toml"
    exp.write_text('[[fail]]\nid = "status-line-http11-200"\nreason = "pretend"\n')
    proc = pytest_suite("--impl", "reference", "--expectations", str(exp), "-k", "status-line-http11-200")
    assert proc.returncode == 1
    assert "UNEXPECTED PASS" in proc.stdout


def test_expected_failure_passes_the_gate(tmp_path):
    mutant = tmp_path / "m.py"
    import http.client, inspect  # noqa: E401

    mutant.write_text(inspect.getsource(http.client).replace("self.reason = reason.strip()", "self.reason = reason.strip() + 'x'"))
    exp = tmp_path / "e.toml"
    exp.write_text('[[fail]]\nid = "status-line-http11-200"\nreason = "reason phrase gets a suffix"\n')
    args = ("--impl", str(mutant), "-k", "status-line-http11-200")
    assert pytest_suite(*args).returncode == 1
    proc = pytest_suite(*args, "--expectations", str(exp))
    assert proc.returncode == 0 and "xfailed" in proc.stdout


def test_run_writes_every_report(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--impl", "reference", "--out", str(tmp_path),
                           "--", "-k", "status-line", "--delivery", "whole"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("results.json", "junit.xml", "SUMMARY.md", "index.html"):
        assert (tmp_path / name).stat().st_size > 0
    assert "reference" in proc.stdout and "unexpected" in proc.stdout
    html = (tmp_path / "index.html").read_text()
    assert "<svg" in html and "status-line-http11-200" in html
    merged = subprocess.run([sys.executable, "-m", "conformance", "report", str(tmp_path / "results" / "reference.json"),
                             "--out", str(tmp_path / "m")], cwd=ROOT, capture_output=True, text=True)
    assert merged.returncode == 0 and (tmp_path / "m" / "junit.xml").exists()


def test_expectations_update_keeps_reasons_and_adds_new_failures(tmp_path):
    import http.client, inspect  # noqa: E401

    mutant = tmp_path / "m.py"
    mutant.write_text(inspect.getsource(http.client).replace("self.reason = reason.strip()", "self.reason = reason.strip() + 'x'"))
    exp = tmp_path / "e.toml"
    exp.write_text('implementation = "m"\n\n[[fail]]\nid = "status-line-http11-200"\nreason = "kept reason"\n\n'
                   '[[fail]]\nid = "status-line-empty-reply"\nreason = "stale: passes now"\n')
    cmd = [sys.executable, "-m", "conformance", "expectations", "update", "--impl", str(mutant), "--file", str(exp),
           "--", "-k", "status-line-http11-200 or status-line-empty-reply or status-line-http10 and not http100", "--delivery", "whole"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    text = exp.read_text()
    assert "kept reason" in text and "stale" not in text, proc.stdout + proc.stderr
    assert 'id = "status-line-http10"' in text and "TODO" in text
    assert proc.returncode == 1  # new entries need a reason written by a person
    from conformance.expectations import load

    assert load(str(exp)).lookup("status-line-http11-200").reason == "kept reason"
