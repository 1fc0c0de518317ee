"""The compliance matrix and the CI gate: the machinery (python -m
conformance matrix / run), and the committed reports (reports/), which
must be what the committed result files give, cover the current suite, and
explain every expected failure."""
from __future__ import annotations

import argparse
import configparser
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import cases, matrix
from conformance.expectations import load as load_expectations
from conformance.reporting import load_runs

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
EXPECTATIONS = REPORTS / "expectations"
HERE = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"


def cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


# -- the implementation table -------------------------------------------------------
def test_at_least_eleven_distinct_columns_each_in_a_tox_env():
    impls = matrix.implementations()
    assert len(impls) >= 11
    assert len({i.column for i in impls}) == len(impls)
    assert len({i.name for i in impls}) == len(impls), "result file names must be distinct"
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / "tox.ini")
    env_list = ini["tox"]["env_list"]
    for impl in impls:
        assert impl.env in env_list or impl.env.startswith("py3") and impl.env[2:] in env_list, impl.env
        if impl.kind == "third-party":
            section = ini[f"testenv:{impl.env}"]
            assert impl.spec in section["commands"], f"tox env {impl.env} must run --impl {impl.spec}"
            assert impl.expectations in section["commands"]


def test_list_shows_every_implementation_and_why_one_is_skipped():
    proc = cli("matrix", "--list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(matrix.implementations())
    assert all("available" in line or "skipped:" in line for line in lines)


def test_column_names_follow_the_interpreter_that_ran():
    impls = {i.name: i for i in matrix.implementations()}
    assert matrix.column_for(impls["pypy3-stdlib"], {"python": "pypy-3.9.16"}) == "pypy-3.9 stdlib"
    assert matrix.column_for(impls["py311-reference"], {"python": "cpython-3.11.7"}) == "cpython-3.11 reference"
    assert matrix.column_for(impls["eventlet"], {"python": "cpython-3.11.7"}) == "eventlet (cpython-3.11)"


def _fake_impls():
    py = sys.executable
    return [
        matrix.Impl("stdlib here", "here", "stdlib", "auto", py, "stdlib"),
        matrix.Impl("reference here", "here", "reference", "", py, "reference"),
        matrix.Impl("missing", "nowhere", "stdlib", "auto", "python-does-not-exist-9.9", "stdlib"),
    ]


def test_matrix_runs_in_parallel_skips_the_missing_and_merges(tmp_path, monkeypatch, capsys):
    """The orchestration end to end, with this interpreter standing in for the tox envs."""
    monkeypatch.setattr(matrix, "implementations", _fake_impls)
    monkeypatch.setattr(matrix, "env_python", lambda env: Path(sys.executable))
    args = argparse.Namespace(only=None, out=str(tmp_path), parallel=2, jobs=1, no_provision=True, list=False,
                              check=False, pytest_args=["-k", "status-line-http11-200", "--delivery", "whole"])
    code = matrix.cmd_matrix(args)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "skip missing: python-does-not-exist-9.9 not found" in out
    for name in ("index.html", "SUMMARY.md", "junit.xml", "results.json"):
        assert (tmp_path / name).stat().st_size > 0
    merged = json.loads((tmp_path / "results.json").read_text())
    assert [r["column"] for r in merged["runs"]] == [f"{HERE} stdlib", f"{HERE} reference"]
    assert f"{HERE} reference" in (tmp_path / "SUMMARY.md").read_text()
    html = (tmp_path / "index.html").read_text()
    assert "<svg" in html and "status-line-http11-200" in html and "http://" not in html.split("<body>")[0]
    # --check compares a fresh run with these reports: no difference
    args.check = True
    assert matrix.cmd_matrix(args) == 0
    assert "--check: 0 verdict difference(s)" in capsys.readouterr().out


def test_the_longest_implementation_starts_first_also_in_a_fresh_folder(tmp_path, monkeypatch):
    """A --check run writes into an empty folder; the order then comes from
    the committed results, so the slowest column does not start last."""
    committed = tmp_path / "committed"
    (committed / "results").mkdir(parents=True)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    impls = matrix.implementations()
    slow, quick = impls[2], impls[5]
    (committed / "results" / f"{slow.name}.json").write_text(json.dumps({"duration": 100.0}))
    (committed / "results" / f"{quick.name}.json").write_text(json.dumps({"duration": 5.0}))
    (fresh / f"{quick.name}.json").write_text(json.dumps({"duration": 7.0}))  # this folder's own comes first
    monkeypatch.setattr(matrix, "DEFAULT_OUT", committed)
    assert [matrix.previous_duration(fresh, i) for i in (slow, quick, impls[0])] == [100.0, 7.0, 0.0]


def test_check_reports_verdict_differences(tmp_path):
    def doc(verdict):
        return {"runs": [{"column": "x", "impl": "x", "results": [{"id": "a", "verdict": verdict}]}]}
    (tmp_path / "a.json").write_text(json.dumps(doc("pass")))
    (tmp_path / "b.json").write_text(json.dumps(doc("fail")))
    assert matrix.compare(tmp_path / "a.json", tmp_path / "b.json") == ["x: a: committed pass, fresh fail"]


# -- the CI gate: python -m conformance run --impl X --expectations FILE --------------------
GATE = ("--", "-k", "status-line-http11-200", "--delivery", "whole")


def _mutant(tmp_path):
    import http.client

    path = tmp_path / "mutant_client.py"
    path.write_text(inspect.getsource(http.client).replace(
        "self.reason = reason.strip()", "self.reason = reason.strip() + 'x'"))
    return path


def test_gate_exit_0_when_results_match_the_expectations(tmp_path):
    exp = tmp_path / "e.toml"
    exp.write_text('implementation = "mutant"\n[[fail]]\nid = "status-line-http11-200"\nreason = "suffixes the reason"\n')
    proc = cli("run", "--impl", str(_mutant(tmp_path)), "--expectations", str(exp), "--out", str(tmp_path / "r"), *GATE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    junit = (tmp_path / "r" / "junit.xml").read_text()
    assert "<skipped message=\"expected fail: suffixes the reason\"" in junit and "<failure" not in junit


def test_gate_exit_1_on_an_unexpected_failure(tmp_path):
    exp = tmp_path / "e.toml"
    exp.write_text('implementation = "mutant"\n')
    proc = cli("run", "--impl", str(_mutant(tmp_path)), "--expectations", str(exp), "--out", str(tmp_path / "r"), *GATE)
    assert proc.returncode == 1
    assert "<failure" in (tmp_path / "r" / "junit.xml").read_text()
    summary = (tmp_path / "r" / "SUMMARY.md").read_text()
    assert "## Unexpected results" in summary and "status-line-http11-200" in summary


def test_gate_exit_1_on_an_unexpected_pass_and_names_the_update_command(tmp_path):
    exp = tmp_path / "e.toml"
    exp.write_text('implementation = "reference"\n[[fail]]\nid = "status-line-http11-200"\nreason = "pretend"\n')
    proc = cli("run", "--impl", "reference", "--expectations", str(exp), "--out", str(tmp_path / "r"), *GATE)
    assert proc.returncode == 1
    assert "unexpected pass" in proc.stdout
    assert f"python -m conformance expectations update --impl reference --file {exp}" in proc.stdout


# -- the committed reports -----------------------------------------------------------------------
def _committed_results():
    files = [REPORTS / "results" / f"{i.name}.json" for i in matrix.implementations()]
    return [f for f in files if f.exists()]


def test_every_expected_failure_has_a_reason():
    files = sorted(EXPECTATIONS.glob("*.toml"))
    assert files
    for path in files:
        exp = load_expectations(str(path))  # rejects entries without a reason
        text = path.read_text(encoding="utf-8")
        assert "TODO" not in text, f"{path.name}: an entry still has a TODO reason"
        assert exp.implementation, f"{path.name}: implementation = ... is missing"


def test_committed_matrix_is_green_and_wide():
    doc = json.loads((REPORTS / "results.json").read_text(encoding="utf-8"))
    assert len(doc["runs"]) >= 11, "the committed matrix needs at least 11 implementation columns"
    runs = load_runs(_committed_results())
    assert len(runs) == len(doc["runs"])
    for run in runs:
        bad = [r["id"] for r in run.unexpected()]
        assert not bad, f"{run.doc.get('column')}: results differ from its expectation file: {bad[:10]}"


def test_committed_reports_are_what_the_committed_results_give(tmp_path):
    """reports/index.html, SUMMARY.md, junit.xml and results.json are regenerated
    byte for byte from reports/results/*.json (nothing edited by hand, nothing stale)."""
    matrix.merge(matrix.implementations(), REPORTS / "results", tmp_path)
    for name in ("index.html", "SUMMARY.md", "junit.xml", "results.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (REPORTS / name).read_text(encoding="utf-8"), (
            f"reports/{name} is stale: run `python -m conformance matrix`")


def test_committed_reports_cover_the_current_suite():
    """Every data case that applies to a CPython version is in that version's
    committed reference column (the reference runs every case): a case added
    since the last `python -m conformance matrix` makes this fail."""
    runs = {r.doc.get("column"): r for r in load_runs(_committed_results())}
    checked = 0
    for version in matrix.CPYTHONS:
        run = runs.get(f"cpython-{version} reference")
        if run is None:
            continue
        ran = tuple(int(x) for x in str(run.doc["python"]).split("-")[-1].split(".")[:3])
        declared = getattr(importlib.import_module("reference.client"), "__conformance_api_version__", None)
        ran = tuple(declared) if declared else ran  # version conditions follow the declared API version
        expected = {c.id for c in cases.load_all() if cases.version_matches(c.python, ran)}
        committed = {r["case"] for r in run.results.values()}
        missing = sorted(expected - committed)
        assert not missing, f"cpython-{version} reference lacks {len(missing)} case(s), e.g. {missing[:5]}: " \
                            "run `python -m conformance matrix`"
        checked += 1
    assert checked, "no committed reference column"


# -- the adapters -------------------------------------------------------------------------------
def test_urllib3_adapter_bridges_only_the_documented_differences():
    pytest.importorskip("urllib3", minversion="2")
    from conformance.adapters import urllib3_adapter as ua
    import http.client
    import urllib3.connection

    assert issubclass(ua.HTTPConnection, urllib3.connection.HTTPConnection)
    assert ua.IncompleteRead is http.client.IncompleteRead and ua.parse_headers is http.client.parse_headers
    # a plain case passes through the adapter: the body is left for read(), headers come as pairs
    proc = subprocess.run([sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider",
                           "--impl", "conformance.adapters.urllib3_adapter", "--delivery", "whole",
                           "-k", "status-line-http11-200 or chunked-basic"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and " passed" in proc.stdout, proc.stdout[-2000:]


def test_gevent_adapter_is_the_stdlib_module():
    pytest.importorskip("gevent")
    code = ("import importlib, http.client; m = importlib.import_module('conformance.adapters.gevent_stdlib'); "
            "import socket, gevent.socket; assert m is http.client and socket.socket is gevent.socket.socket")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
