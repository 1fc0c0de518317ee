"""The pytest plugin: --impl, --expectations, --report-json, and verdicts
turned into pytest outcomes.

A verdict maps to pytest like this: pass -> passed; a non-pass listed in the
expectations file with the same verdict -> xfailed; a pass that is listed ->
failed as an unexpected pass; anything else -> failed; error -> error.
Records travel to the xdist controller in `user_properties`.
"""
from __future__ import annotations

import functools
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from . import affinity
from . import cases as cases_mod
from . import expectations as exp_mod
from . import prefetch
from .runner import Result, run_case, variant_id
from .targets import TargetError, interpreter_tag, load

USER_PROP = "conformance"


class State:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.target = load(config.getoption("impl"))
        path = config.getoption("expectations")
        if path == "auto":  # this interpreter's stdlib file, if the target is stdlib
            auto = exp_mod.default_file_for_stdlib()
            path = str(auto) if config.getoption("impl") == "stdlib" and auto.exists() else None
        self.expectations = exp_mod.load(path) if path else None
        self.records: List[Dict[str, Any]] = []
        self.started = time.time()
        self.cpu: Optional[int] = None  # the CPU this process is pinned to (affinity.py)


_CASES: Optional[List[cases_mod.Case]] = None


def all_cases() -> List[cases_mod.Case]:
    """Fixture files are parsed once per process."""
    global _CASES
    if _CASES is None:
        _CASES = cases_mod.load_all()
    return _CASES


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("conformance", "http.client conformance suite")
    g.addoption("--impl", default="stdlib", metavar="TARGET",
                help="implementation under test: stdlib, reference, a dotted module, or a .py file (default: stdlib)")
    g.addoption("--expectations", default=None, metavar="FILE",
                help="TOML file of cases this implementation is expected to fail, with reasons; "
                "'auto' picks reports/expectations/<interpreter>.toml for --impl stdlib")
    g.addoption("--report-json", default=None, metavar="FILE",
                help="write every case's verdict, metadata and failure details as JSON")
    g.addoption("--delivery", default="all", choices=("all", "whole"),
                help="'whole' skips the byte-wise and split delivery variants (default: all)")
    g.addoption("--no-overlap", action="store_true", default=False,
                help="run the cases that wait on purpose (short timeouts, trickles) in turn, "
                "not ahead of their turn beside the others (conformance/prefetch.py)")
    g.addoption("--no-pin", action="store_true", default=False,
                help="let each test process run on any CPU; by default it is pinned to one, "
                "where the server and client threads hand bytes over fastest (conformance/affinity.py)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance_case: a code case with id/spec/level metadata")
    _leave_hypothesis_unrewritten(config)
    try:
        config._conformance = State(config)  # type: ignore[attr-defined]
    except (TargetError, cases_mod.FixtureError) as exc:
        raise pytest.UsageError(str(exc)) from None
    if not (config.getoption("no_pin") or is_xdist_controller(config)):
        # Before any server or client thread starts: threads inherit the CPU.
        worker = getattr(config, "workerinput", {}).get("workerid")
        config._conformance.cpu = affinity.pin(worker)  # type: ignore[attr-defined]


def is_xdist_controller(config: pytest.Config) -> bool:
    """This process hands the tests to pytest-xdist workers and runs none."""
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None))


def _leave_hypothesis_unrewritten(config: pytest.Config) -> None:
    """pytest rewrites the asserts of every module of a distribution with a
    pytest11 entry point: all ~100 modules of hypothesis, 0.7 s per process
    when bytecode is not cached (PYTHONDONTWRITEBYTECODE). Hypothesis's own
    asserts are not the suite's to report, so it is imported as it is.
    (`_must_rewrite` is pytest's private set; without it nothing changes.)"""
    names = getattr(getattr(config.pluginmanager, "rewrite_hook", None), "_must_rewrite", None)
    if isinstance(names, set):
        names.discard("hypothesis")


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collected items and loaded cases live for the whole run: move
    them out of the collector's way, so that the collections during the run
    scan only what each case makes."""
    _settle_garbage()


def _settle_garbage() -> None:
    """Collect once, then freeze what survives. At the end of the run this
    finalizes every cycle left (an unraisable exception in a __del__ is
    still reported) in one collection, where pytest then makes five over
    the whole heap (0.3 s on a full run)."""
    if hasattr(gc, "freeze"):  # CPython 3.7+; absent on PyPy
        gc.collect()
        gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: List[pytest.Item]) -> None:
    """Every collected case must name requirements that exist in the index:
    an untraceable case is a usage error, before anything runs."""
    from . import codecase
    from .requirements import load_all as load_requirements

    try:
        known = load_requirements(strict=False)
    except cases_mod.FixtureError as exc:
        raise pytest.UsageError(str(exc)) from None
    collected = {getattr(item, "callspec", None) and item.callspec.id for item in items}
    unknown = sorted(
        f"{case.id} ({case.source}): {r}"
        for case in list(all_cases()) + list(codecase.REGISTRY.values())
        for r in case.reqs
        if r not in known and any(cid and cid.split("@")[0] == case.id for cid in collected)
    )
    if unknown:
        raise pytest.UsageError("cases name requirements missing from conformance/requirements/: " + "; ".join(unknown[:20]))


def pytest_report_header(config: pytest.Config) -> str:
    state: State = config._conformance  # type: ignore[attr-defined]
    exp = state.expectations.path if state.expectations else "none"
    cpu = "any" if state.cpu is None else str(state.cpu)
    return (f"conformance: impl={state.target.label} module={state.target.module.__name__} "
            f"expectations={exp} cpu={cpu}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Data cases: a test module sets SUITE = 'response' (a fixtures folder)
    and takes `conformance_case`; every case and variant becomes a param."""
    if "conformance_case" not in metafunc.fixturenames:
        return
    suite = getattr(metafunc.module, "SUITE", None)
    only_whole = metafunc.config.getoption("delivery") == "whole"
    api = metafunc.config._conformance.target.api_version  # type: ignore[attr-defined]
    params = []
    for case in all_cases():
        if case.suite != suite:
            continue
        modes = ("whole",) if only_whole else case.delivery
        for mode in modes:
            marks = []
            if not cases_mod.version_matches(case.python, api):
                marks.append(pytest.mark.skip(reason=f"applies to http.client of Python {case.python}"))
            params.append(pytest.param((case, mode), id=variant_id(case, mode), marks=marks))
    metafunc.parametrize("conformance_case", params)


@pytest.fixture
def conformance(request: pytest.FixtureRequest) -> State:
    return request.config._conformance  # type: ignore[attr-defined,no-any-return]


def run_data_case(state: State, item: pytest.Item, case_mode: Any) -> None:
    case, mode = case_mode
    reason = cannot_run_here(case)
    if reason:
        pytest.skip(reason)
    conclude(state, item, prefetch.take(item) or run_case(state.target, case, mode))


def cannot_run_here(case: cases_mod.Case) -> str:
    """Why this machine cannot run a data case ('' when it can)."""
    if case.family == "ipv6" and not _ipv6_available():
        return "::1 is not available on this machine"
    return ""


def conclude(state: State, item: pytest.Item, result: Result) -> None:
    """Record the result, then pass, xfail or fail the test."""
    entry = state.expectations.lookup(result.id) if state.expectations else None
    record = result.record()
    record["impl"] = state.target.spec
    if entry is not None:
        record["expected_failure"] = {"verdict": entry.verdict, "reason": entry.reason}
    record["node"] = item.nodeid
    item.user_properties.append((USER_PROP, json.dumps(record)))
    if result.verdict == "error":
        raise HarnessError("\n".join(result.details))
    if result.verdict == "pass":
        if entry is not None:
            pytest.fail(
                f"UNEXPECTED PASS: {result.id} is listed in {state.expectations.path} "  # type: ignore[union-attr]
                f"({entry.reason}). Remove the entry, or run: python -m conformance expectations update "
                f"--impl {state.target.spec} --file {state.expectations.path}",  # type: ignore[union-attr]
                pytrace=False,
            )
        return
    if entry is not None and entry.verdict == result.verdict:
        # pytest.xfail() without the traceback: pytest would otherwise format the
        # harness's frames, parsing their source files, for every expected
        # failure (40% of a run against the stdlib); the reason says it all.
        raise pytest.xfail.Exception(f"{result.verdict} (expected): {entry.reason}", pytrace=False)
    pytest.fail(describe_failure(result, entry), pytrace=False)


class HarnessError(Exception):
    """The harness broke (not the implementation): reported as an error."""


def describe_failure(result: Result, entry: Any) -> str:
    c = result.case
    lines = [
        f"{result.verdict.upper()}: {result.id} - {c.title}",
        f"  level {c.level}, area {c.area}, requirements {', '.join(c.reqs)} ({c.source})",
    ]
    if entry is not None:
        lines.append(f"  (expected {entry.verdict}, got {result.verdict})")
    lines += [f"  - {d}" for d in result.details]
    exc = result.observed.get("exception")
    if exc:
        lines.append(f"  raised at step {exc.get('step')}: {exc['repr']}")
    for ev in result.transcript[:12]:
        data = ev["data"]
        shown = repr(data[:300]) + ("..." if len(data) > 300 else "")
        lines.append(f"  [{ev['conn']}] {ev['dir']} {shown}")
    return "\n".join(lines)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in getattr(report, "user_properties", []):
        if name == USER_PROP and report.when == "call":
            _STATE_RECORDS.append(json.loads(value))


_STATE_RECORDS: List[Dict[str, Any]] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    _settle_garbage()
    if hasattr(config, "workerinput"):
        return  # xdist worker: the controller writes the report
    path = config.getoption("report_json")
    if not path:
        return
    state: State = config._conformance  # type: ignore[attr-defined]
    records = sorted(_STATE_RECORDS, key=lambda r: r["id"])
    counts: Dict[str, int] = {}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    doc = {
        "format": "http-client-conformance/1",
        "impl": state.target.spec,
        "label": state.target.label,
        "python": interpreter_tag(),
        "platform": sys.platform,
        "expectations": state.expectations.path if state.expectations else None,
        "started": state.started,
        "duration": round(time.time() - state.started, 3),
        "counts": counts,
        "results": records,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


@functools.lru_cache(maxsize=None)
def _ipv6_available() -> bool:
    import socket

    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False
