"""A side of a differential run: a worker subprocess per side, and both ends
of the line protocol between it and the controller, kept together so they
stay in step.

The worker (`python -m conformance.diff --worker TARGET`) greets with
{"ready", "label", "python"} (or {"error"}), then answers one JSON line per
request: "list" -> {"ids"}, "case" or "exchange" -> {"obs"}, or {"error"};
every answer carries the request's "id".
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from .generate import GEN_TIMEOUT
from .observe import observation
from .paths import ROOT


def exchange_case(req: Dict[str, Any]) -> Any:
    from servers.script import parse_script

    from ..cases import Case

    return Case(
        id=req["id"], title="generated exchange", level="api", area="generated", reqs=(),
        server=parse_script(req["server"]), client=tuple(req["client"]), outcomes=(), source="generated",
        suite="generated", timeout=float(req.get("timeout", GEN_TIMEOUT)), raw_server=tuple(req["server"]),
    )


def worker_main(spec: str) -> int:
    from ..cases import load_all, version_matches
    from ..runner import run_case
    from ..targets import TargetError, interpreter_tag, load

    # The protocol gets its own copy of stdout; what cases print (debug
    # output) goes to /dev/null.
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")

    def answer(obj: Dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    try:
        target = load(spec)
    except TargetError as exc:
        answer({"error": str(exc)})
        return 4
    cases: Optional[Dict[str, Any]] = None
    answer({"ready": True, "label": target.label, "python": interpreter_tag()})
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["kind"] == "list":
                cases = {c.id: c for c in load_all()}
                ids = [c.id for c in cases.values() if version_matches(c.python) and c.family != "ipv6"]
                reply: Dict[str, Any] = {"ids": ids}
            elif req["kind"] == "case":
                if cases is None:
                    cases = {c.id: c for c in load_all()}
                reply = {"obs": observation(run_case(target, cases[req["id"]], "whole"))}
            else:
                reply = {"obs": observation(run_case(target, exchange_case(req), "whole"))}
        except Exception as exc:  # noqa: BLE001 - reported to the controller
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        reply["id"] = req.get("id")
        answer(reply)
    return 0


def find_python(version: str) -> str:
    """'3.8' -> a python 3.8 from pyenv or PATH; a path is returned as is."""
    if os.sep in version or os.path.exists(version):
        return version
    pyenv = os.path.expanduser(os.environ.get("PYENV_ROOT", "~/.pyenv"))
    found = sorted(glob.glob(os.path.join(pyenv, "versions", f"{version}*", "bin", "python")))
    if found:
        return found[-1]
    exe = shutil.which(f"python{version}")
    if exe:
        return exe
    raise SystemExit(f"error: no Python {version} found (pyenv or python{version} on PATH)")


@dataclass
class Side:
    spec: str  # as typed: TARGET[@PYTHON]
    impl: str = ""
    python: str = ""
    label: str = ""
    proc: Any = None

    def start(self) -> "Side":
        self.impl, _, py = self.spec.partition("@")
        self.python = find_python(py) if py else sys.executable
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [self.python, "-m", "conformance.diff", "--worker", self.impl], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
        )
        hello = self._read()
        if "error" in hello:
            raise SystemExit(f"error: {self.spec}: {hello['error']}")
        self.label = f"{self.impl}@{hello['python']}"
        return self

    def send(self, req: Dict[str, Any]) -> None:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()

    def _read(self) -> Dict[str, Any]:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"error: the worker for {self.spec} ended")
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def ask_both(a: Side, b: Side, req: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    a.send(req)
    b.send(req)  # both run at once
    return a._read(), b._read()
