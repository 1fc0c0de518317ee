"""Run the waiting cases ahead of their turn, side by side.

About fifteen cases spend their time waiting on purpose: a client timeout of
0.1 s against a silent server, a slow server trickling inside a timeout
(`Case.waits`: a data case with a timeout below the default, a code case
declared with `waits=True`). Run in turn they are idle time on the run's
critical path. In a single process the plugin starts them all in worker
threads when the run loop begins; each one's test then takes its result,
waiting only for what is left. The verdict comes from the same code
(runner.run_case, codecase.run_code_case) with the same deadlines; what these
cases measure is a wait, which running beside other cases does not change.

Under pytest-xdist a worker does not know which items it will be sent, so
each worker starts all of them (about fifteen idle cases, a few ms of CPU)
and the ones it is not sent are dropped. Hostile-server cases never run
ahead: they measure memory with tracemalloc, which is process-wide.
`--no-overlap` turns it off.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Generator, Optional, Tuple

import pytest

from servers.scripted import FINAL_DRAIN, STEP_WAIT
from servers.workers import POOL, Job

from .cases import Case, version_matches
from .runner import DEADLINE_SLACK, Result, run_case, variant_id

# A case run ahead ends within its own deadline plus the servers' stop; this
# is only the bound on waiting for that.
TAKE_SLACK = DEADLINE_SLACK + STEP_WAIT + FINAL_DRAIN + 2.0

_AHEAD: Dict[str, Tuple[Job, Case, str]] = {}  # node id -> (job, case, delivery mode)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, Any, None]:
    from .plugin import is_xdist_controller

    config = session.config
    if not (config.getoption("no_overlap") or config.getoption("collectonly") or is_xdist_controller(config)):
        target = config._conformance.target  # type: ignore[attr-defined]
        for item in session.items:
            planned = _plan(item, target)
            if planned is not None:
                run, case, mode = planned
                _AHEAD[item.nodeid] = (POOL.submit(run), case, mode)
    try:
        yield
    finally:
        _settle()


def _settle() -> None:
    """Wait for the cases run ahead that no test took (a run stopped by -x
    or ^C, items an xdist worker was not sent). A daemon thread that wakes
    from a socket call while the interpreter finalizes aborts the process
    ("FATAL: exception not rethrown", exit status -6): seen in 2 runs of 15
    stopped by -x before this wait."""
    while _AHEAD:
        _, (job, case, _mode) = _AHEAD.popitem()
        job.wait(case.timeout + TAKE_SLACK)


def take(item: pytest.Item) -> Optional[Result]:
    """The result of `item` if it was run ahead, else None."""
    ahead = _AHEAD.pop(item.nodeid, None)
    if ahead is None:
        return None
    job, case, mode = ahead
    if not job.wait(case.timeout + TAKE_SLACK):
        late = Result(variant_id(case, mode), case, mode, "error", ran_ahead=True)
        late.details = [f"the case run ahead did not end within {case.timeout + TAKE_SLACK:.0f}s"]
        return late
    if job.error is not None:
        raise job.error  # a harness bug: the same error the test would have raised
    result: Result = job.result
    result.ran_ahead = True
    return result


def _plan(item: pytest.Item, target: Any) -> Optional[Tuple[Callable[[], Result], Case, str]]:
    if item.get_closest_marker("skip") is not None or item.get_closest_marker("skipif") is not None:
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "conformance_case" in params:
        from .plugin import cannot_run_here

        case, mode = params["conformance_case"]
        if not case.waits or cannot_run_here(case):
            return None
        return (lambda: run_case(target, case, mode)), case, mode
    declared = getattr(getattr(item, "function", None), "conformance_run", None)
    if declared is not None:
        from .codecase import run_code_case

        case, fn = declared
        if not case.waits or not version_matches(case.python, target.api_version):
            return None
        return (lambda: run_code_case(target, case, fn)), case, "whole"
    return None
