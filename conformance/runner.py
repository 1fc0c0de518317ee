"""Run one case (or one delivery variant of it) and give its verdict.

fixture case -> scripted server + client driver (in a worker thread, with a
deadline) -> observation -> verdict. Verdicts: pass, fail, timeout (the
implementation hung), unsupported (it lacks a name the case needs), error
(the harness itself broke; kept apart from failures).
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from servers.scripted import STEP_WAIT, ScriptedServer
from servers.workers import POOL, Hung, interrupt

from .cases import Case
from .driver import Driver, Observation
from .targets import Target, Unsupported
from .verdict import Checker, exception_summary, is_timeout, normalize, response_form

VERDICTS = ("pass", "fail", "timeout", "unsupported", "error")
# On top of the case's socket timeout: time for the server's own waits.
DEADLINE_SLACK = STEP_WAIT + 2.0


@dataclass
class Result:
    id: str  # case id, plus '@variant' for delivery variants
    case: Case
    variant: str
    verdict: str
    details: List[str] = field(default_factory=list)
    observed: Dict[str, Any] = field(default_factory=dict)
    transcript: List[Dict[str, Any]] = field(default_factory=list)
    duration: float = 0.0
    metrics: Dict[str, Any] = field(default_factory=dict)  # measured by the case (time, memory)
    ran_ahead: bool = False  # started before its turn, beside other cases (prefetch.py)

    def record(self) -> Dict[str, Any]:
        """The JSON form used by every report."""
        c = self.case
        out: Dict[str, Any] = {
            "id": self.id, "case": c.id, "variant": self.variant, "verdict": self.verdict,
            "title": c.title, "level": c.level, "area": c.area, "suite": c.suite,
            "reqs": list(c.reqs), "source": c.source, "duration": round(self.duration, 6),
        }
        if self.metrics:
            out["metrics"] = self.metrics
        if self.ran_ahead:
            out["ran_ahead"] = True
        if self.verdict != "pass":
            out["details"] = self.details
            out["observed"] = self.observed
            out["expected"] = [normalize(o) for o in c.outcomes]
            out["server_script"] = [normalize(s) for s in c.raw_server]
            out["transcript"] = self.transcript
        return out


def variant_id(case: Case, mode: str) -> str:
    return case.id if mode == "whole" else f"{case.id}@{mode}"


def run_case(target: Target, case: Case, mode: str = "whole") -> Result:
    started = time.perf_counter()
    rid = variant_id(case, mode)
    family = socket.AF_INET6 if case.family == "ipv6" else socket.AF_INET
    server = ScriptedServer(case.server, mode=mode, seed=rid, family=family).start()
    driver = Driver(target, server.host, server.port, case.timeout)
    job = POOL.submit(lambda: driver.run(case.connection, case.client))
    finished = job.wait(case.timeout + DEADLINE_SLACK)
    if not finished:
        interrupt(job)
    server.stop()
    if not finished:
        job.wait(1.0)
    result = Result(rid, case, mode, "error")
    result.transcript = [
        {"conn": e.conn, "dir": e.kind, "data": e.data.decode("latin-1")} for e in server.transcript
    ]
    obs: Optional[Observation] = job.result
    result.observed = _observed(driver.obs, server)
    try:
        if not finished:
            result.verdict = "timeout"
            result.details = [f"the client did not finish within {case.timeout + DEADLINE_SLACK:.0f}s"]
        elif isinstance(job.error, Unsupported):
            result.verdict = "unsupported"
            result.details = [str(job.error)]
        elif job.error is not None and not isinstance(job.error, Hung):
            result.details = [f"harness error: {type(job.error).__name__}: {job.error}"]
        elif server.errors:
            result.details = [f"server error: {e}" for e in server.errors]
        else:
            assert obs is not None
            received = [bytes(c.received) for c in server.connections]
            checker = Checker(target, obs, received, len(server.connections), driver.expand)
            passed, problems = checker.best(case.outcomes)
            if passed:
                result.verdict = "pass"
            elif is_timeout(obs.exception):
                result.verdict = "timeout"
                result.details = ["the client timed out waiting (it hung on the exchange)"] + problems
            else:
                result.verdict = "fail"
                result.details = problems
    except Unsupported as exc:
        result.verdict = "unsupported"
        result.details = [str(exc)]
    result.duration = time.perf_counter() - started
    return result


def _observed(obs: Observation, server: ScriptedServer) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "responses": [response_form(r) for r in obs.responses],
        "values": {k: normalize(v) for k, v in obs.values.items()},
        "connections": len(server.connections),
        "sent": [bytes(c.received).decode("latin-1") for c in server.connections],
    }
    if obs.exception is not None:
        out["exception"] = exception_summary(obs.exception)
        out["exception"]["step"] = obs.exc_step
    return out
