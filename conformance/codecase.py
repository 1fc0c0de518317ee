"""Code cases: behaviour that data cannot express (state machine, audit
events, debug output), written as plain pytest functions with the same
id / title / level / requirements metadata and the same verdicts.

    @code_case("state-request-while-response-unread", area="state",
               title="...", level="api", reqs=["doc-..."])
    def test_request_while_unread(impl, serve):
        srv = serve(["request", {"send": "HTTP/1.1 200 OK\\r\\n..."}])
        conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
        ...
        assert ...

A code case may return a dict of measurements (seconds, bytes); they are
kept in the result record as `metrics` and shown in reports.

`impl` is the target module (a missing name raises Unsupported, giving the
verdict `unsupported`); `serve(script, **kw)` starts a ScriptedServer that is
stopped when the case ends. The body runs in a worker thread under a
deadline, like data cases.
"""
from __future__ import annotations

import functools
import time
import traceback
from typing import Any, Callable, Dict, List, Sequence

import pytest

from servers.script import parse_script
from servers.scripted import ScriptedServer
from servers.workers import POOL, Hung, interrupt

from .cases import LEVELS, Case
from .runner import DEADLINE_SLACK, Result
from .targets import Target, Unsupported
from .verdict import is_timeout

REGISTRY: Dict[str, Case] = {}  # every code case imported so far, by id


class ImplProxy:
    """The target module; absent names raise Unsupported."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return self._target.name(name)

    @property
    def module(self) -> Any:
        return self._target.module


def code_case(
    id: str, *, title: str, level: str, reqs: Sequence[str], area: str, timeout: float = 3.0,
    python: str = "", waits: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`waits=True`: the case spends its time waiting on purpose (a short
    client timeout against a silent server) and may run ahead, see prefetch.py."""
    if level not in LEVELS:
        raise ValueError(f"{id}: level {level!r} not in {LEVELS}")

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        case = Case(
            id=id, title=title, level=level, area=area, reqs=tuple(reqs), server=(), client=(),
            outcomes=(), source=f"{fn.__module__.replace('.', '/')}.py::{fn.__name__}",
            suite=fn.__module__.rsplit(".", 1)[-1].replace("test_", ""), python=python, timeout=timeout,
            waits=waits,
        )
        if id in REGISTRY and REGISTRY[id].source != case.source:
            raise ValueError(f"code case id {id!r} defined twice")
        REGISTRY[id] = case

        @functools.wraps(fn)
        def wrapper(conformance: Any, request: Any, code_case_id: str) -> None:
            from .cases import version_matches
            from .plugin import conclude
            from .prefetch import take

            if not version_matches(python, conformance.target.api_version):
                pytest.skip(f"applies to http.client of Python {python}")
            result = take(request.node) or run_code_case(conformance.target, case, fn)
            conclude(conformance, request.node, result)

        del wrapper.__wrapped__  # pytest must see the wrapper's signature
        wrapper.conformance_run = (case, fn)  # type: ignore[attr-defined] # for prefetch.py
        return pytest.mark.parametrize("code_case_id", [id])(wrapper)

    return decorate


def run_code_case(target: Target, case: Case, fn: Callable[..., None]) -> Result:
    started = time.perf_counter()
    servers: List[ScriptedServer] = []

    def serve(script: Any, **kw: Any) -> ScriptedServer:
        srv = ScriptedServer(parse_script(script), **kw).start()
        servers.append(srv)
        return srv

    job = POOL.submit(lambda: fn(ImplProxy(target), serve))
    finished = job.wait(case.timeout + DEADLINE_SLACK)
    if not finished:
        interrupt(job)
    for srv in servers:
        srv.stop()
    result = Result(case.id, case, "whole", "pass")
    result.transcript = [
        {"conn": f"{i}.{e.conn}", "dir": e.kind, "data": e.data.decode("latin-1")}
        for i, srv in enumerate(servers) for e in srv.transcript
    ]
    err = job.error
    if finished and isinstance(job.result, dict):
        result.metrics = job.result  # a code case may return measurements
    elif isinstance(getattr(err, "metrics", None), dict):
        result.metrics = err.metrics  # ...and keeps them when it fails
    if not finished:
        result.verdict, result.details = "timeout", [f"did not finish within {case.timeout + DEADLINE_SLACK:.0f}s"]
    elif isinstance(err, Unsupported):
        result.verdict, result.details = "unsupported", [str(err)]
    elif isinstance(err, AssertionError):
        result.verdict, result.details = "fail", [str(err) or "assertion failed", _where(err)]
    elif err is not None and not isinstance(err, Hung):
        result.verdict = "timeout" if is_timeout(err) else "fail"
        result.details = [f"unexpected {type(err).__name__}: {err}", _where(err)]
        result.observed = {"exception": {"name": type(err).__name__, "repr": repr(err)[:500]}}
    for srv in servers:
        if srv.errors and result.verdict == "pass":
            result.verdict, result.details = "error", [f"server error: {e}" for e in srv.errors]
    result.duration = time.perf_counter() - started
    return result


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    return "".join(traceback.format_list(frames[-3:])).rstrip()
