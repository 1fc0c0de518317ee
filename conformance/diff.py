"""Differential mode: run the same exchanges on two implementations and
report every difference in what they observably do.

    python -m conformance diff --impl reference --against stdlib
    python -m conformance diff --impl stdlib@3.8 --against stdlib@3.13
    python -m conformance diff --impl eventlet.green.http.client --against stdlib --examples 300

A side is TARGET[@PYTHON]: any --impl target, run by this interpreter or by
PYTHON (a path, or a version like 3.8 found under pyenv or on PATH). Each
side is a worker subprocess (`python -m conformance.diff --worker TARGET`)
that plays exchanges through the suite's runner and answers with normalised
observations: status, reason, version, header list, body bytes, exception
class and attributes, the request bytes the server received, connection
count. The exchanges are every data case of fixtures/ (its server script and
client program; its expectations are ignored) and a stream of generated
exchanges (conformance/strategies.py: valid, near-valid and pipelined
responses, cut into random TCP writes, read with one of the driver's body
modes, then a second request on the same connection).

Each divergence gets one class, most severe first:

    boundary        different connection count or number of responses: the
                    message boundary or connection reuse differs (the
                    request-smuggling signal)
    accept-reject   one side raised, the other did not
    exception       both raised, different exception class or step
    exception-attrs same class, different attributes (args, partial, ...)
    status          status, reason or version differ
    headers         header lists differ
    body            body bytes differ
    request         the bytes sent to the server differ
    outcome         one side timed out, was unsupported or broke

Generated divergences are shrunk by Hypothesis (hypothesis.find) to the
smallest exchange of the same class. Known benign differences live in
reports/diff/benign/<A>--<B>.toml (either order):

    [[benign]]
    class = "exception-attrs"     # required
    case = "gen-*"                # optional glob over case ids
    match = "IncompleteRead"      # optional substring of the summary
    reason = "why this difference is harmless"

The report (reports/diff/<A>--<B>.md and .json) groups divergences by
class, each with a reproducer: the fixture case, or the shrunk server
script and client program as a paste-ready fixture case. Exit status: 0 when
every divergence is benign, 1 otherwise, 4 on a usage error.
"""
from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DIFF_DIR = ROOT / "reports" / "diff"
BENIGN_DIR = DIFF_DIR / "benign"
CLASSES = ("boundary", "accept-reject", "exception", "exception-attrs", "status", "headers", "body",
           "request", "outcome")
GEN_TIMEOUT = 1.0  # client socket timeout in generated exchanges
EXC_KEYS = ("name", "step", "args", "partial", "expected", "line", "line_type", "errno", "reason")


# -- worker side ---------------------------------------------------------------------
_ADDR = re.compile(r"(?<= at )0x[0-9a-fA-F]+")
_HOSTPORT = re.compile(r"(127\.0\.0\.1|\[::1\]|::1|localhost):\d+")


def scrub(value: Any) -> Any:
    """Remove what differs from run to run: ports, object addresses."""
    if isinstance(value, str):
        return _ADDR.sub("0x?", _HOSTPORT.sub(r"\1:{port}", value))
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


def observation(result: Any) -> Dict[str, Any]:
    """The comparable part of a runner Result."""
    o = result.observed or {}
    out: Dict[str, Any] = {
        "outcome": result.verdict if result.verdict in ("timeout", "unsupported", "error") else "done",
        "responses": o.get("responses", []),
        "connections": o.get("connections"),
        "sent": o.get("sent", []),
        "values": o.get("values", {}),
    }
    exc = o.get("exception")
    if exc:
        out["exception"] = {k: exc[k] for k in EXC_KEYS if k in exc}
        out["exception_str"] = exc.get("str", "")
    if out["outcome"] != "done":
        out["details"] = result.details[:3]
    return scrub(out)


def exchange_case(req: Dict[str, Any]) -> Any:
    from servers.script import parse_script

    from .cases import Case

    return Case(
        id=req["id"], title="generated exchange", level="api", area="generated", reqs=(),
        server=parse_script(req["server"]), client=tuple(req["client"]), outcomes=(), source="generated",
        suite="generated", timeout=float(req.get("timeout", GEN_TIMEOUT)), raw_server=tuple(req["server"]),
    )


def worker_main(spec: str) -> int:
    from .cases import load_all, version_matches
    from .runner import run_case
    from .targets import TargetError, interpreter_tag, load

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


# -- sides ------------------------------------------------------------------------------
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


# -- comparing ---------------------------------------------------------------------------
def _short(v: Any, n: int = 160) -> str:
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return text if len(text) <= n else text[:n] + "..."


def _exc(o: Dict[str, Any]) -> str:
    e = o.get("exception")
    return "no exception" if not e else f"{e.get('name')}@step{e.get('step')}({_short(e.get('args'), 80)})"


def classify(a: Dict[str, Any], b: Dict[str, Any]) -> List[Tuple[str, str]]:
    """Every difference between two observations, most severe first, as
    (class, one-line summary with A's side then B's)."""
    out: List[Tuple[str, str]] = []
    if a.get("outcome") != b.get("outcome"):
        out.append(("outcome", f"{a.get('outcome')} vs {b.get('outcome')}"))
        return out
    ra, rb = a.get("responses", []), b.get("responses", [])
    if a.get("connections") != b.get("connections"):
        out.append(("boundary", f"connections {a.get('connections')} vs {b.get('connections')}"))
    elif len(ra) != len(rb) and bool(a.get("exception")) == bool(b.get("exception")):
        out.append(("boundary", f"{len(ra)} vs {len(rb)} responses"))
    ea, eb = a.get("exception"), b.get("exception")
    if bool(ea) != bool(eb):
        out.append(("accept-reject", f"{_exc(a)} vs {_exc(b)}"))
    elif ea and eb:
        if (ea.get("name"), ea.get("step")) != (eb.get("name"), eb.get("step")):
            out.append(("exception", f"{_exc(a)} vs {_exc(b)}"))
        elif ea != eb:
            keys = sorted(k for k in set(ea) | set(eb) if ea.get(k) != eb.get(k))
            out.append(("exception-attrs", f"{ea.get('name')}: " + "; ".join(
                f"{k} {_short(ea.get(k), 60)} vs {_short(eb.get(k), 60)}" for k in keys)))
    for i, (x, y) in enumerate(zip(ra, rb)):
        tag = f"response {i + 1}: " if len(ra) > 1 or len(rb) > 1 else ""
        for key in ("status", "reason", "version"):
            if x.get(key) != y.get(key):
                out.append(("status", f"{tag}{key} {_short(x.get(key))} vs {_short(y.get(key))}"))
        if x.get("headers") != y.get("headers"):
            out.append(("headers", f"{tag}{_short(x.get('headers'))} vs {_short(y.get('headers'))}"))
        if x.get("body") != y.get("body"):
            out.append(("body", f"{tag}{_short(x.get('body'))} vs {_short(y.get('body'))}"))
    if a.get("sent") != b.get("sent") and not any(c == "boundary" for c, _ in out):
        out.append(("request", f"{_short(a.get('sent'))} vs {_short(b.get('sent'))}"))
    if a.get("values") != b.get("values") and not out:
        out.append(("status", f"values {_short(a.get('values'))} vs {_short(b.get('values'))}"))
    # dedupe classes, keep the first summary of each
    seen: Dict[str, str] = {}
    for cls, text in out:
        seen.setdefault(cls, text)
    return sorted(seen.items(), key=lambda kv: CLASSES.index(kv[0]))


@dataclass
class Benign:
    cls: str
    reason: str
    case: str = "*"
    match: str = ""

    def covers(self, d: "Divergence") -> bool:
        return d.cls == self.cls and fnmatch.fnmatchcase(d.case, self.case) and self.match in d.summary


def benign_file(a: str, b: str) -> Optional[Path]:
    for x, y in ((a, b), (b, a)):
        path = BENIGN_DIR / f"{slug(x)}--{slug(y)}.toml"
        if path.exists():
            return path
    return None


def load_benign(path: Optional[Path]) -> List[Benign]:
    if path is None:
        return []
    from .cases import tomllib

    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = []
    for raw in data.get("benign", []):
        if raw.get("class") not in CLASSES or not str(raw.get("reason", "")).strip():
            raise SystemExit(f"error: {path}: each [[benign]] needs a class in {CLASSES} and a reason")
        out.append(Benign(raw["class"], raw["reason"], raw.get("case", "*"), raw.get("match", "")))
    return out


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", label).strip("_")


@dataclass
class Divergence:
    case: str
    cls: str
    summary: str
    others: List[Tuple[str, str]] = field(default_factory=list)
    reproducer: str = ""
    benign: str = ""  # the reason, when a benign entry covers it
    shrunk: bool = False


# -- generated exchanges -------------------------------------------------------------------
def exchange_strategy() -> Any:
    from hypothesis import strategies as st

    from . import strategies as S

    modes = st.sampled_from(["read", "read-n", "read1", "readinto", "readline", "readlines", "peek-read"])

    @st.composite
    def exchanges(draw: Any) -> Dict[str, Any]:
        kind = draw(st.sampled_from(["valid", "near-valid", "pipelined"]))
        if kind == "near-valid":
            first = draw(S.near_valid_responses())[1]
        else:
            first = draw(S.responses).raw
        second = draw(S.length_responses(body=draw(st.binary(max_size=8)))).raw
        mode1, mode2, n = draw(modes), draw(modes), draw(st.integers(1, 64))
        if kind == "pipelined":
            pieces = draw(S.segmentations(first + second, max_pieces=4))
            server: List[Any] = ["request"] + [{"send": p.decode("latin-1")} for p in pieces] + ["request", "close"]
        else:
            pieces = draw(S.segmentations(first, max_pieces=4))
            server = ["request"] + [{"send": p.decode("latin-1")} for p in pieces] + [
                "request", {"send": second.decode("latin-1")}, "close"]
        client = [
            {"do": "conn.request", "args": ["GET", "/1"]}, {"do": "conn.getresponse"}, {"body": mode1, "n": n},
            {"do": "conn.request", "args": ["GET", "/2"]}, {"do": "conn.getresponse"}, {"body": mode2, "n": n},
        ]
        return {"kind": "exchange", "server": server, "client": client, "timeout": GEN_TIMEOUT}

    return exchanges()


def generate(count: int) -> List[Dict[str, Any]]:
    """`count` exchanges, the same on every run (derandomized, no shrinking)."""
    from hypothesis import HealthCheck, Phase, given, settings

    out: List[Dict[str, Any]] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(exchange_strategy())
    def collect(ex: Dict[str, Any]) -> None:
        out.append(ex)

    collect()
    for i, ex in enumerate(out):
        ex["id"] = f"gen-{i:04d}"
    return out


def reproducer(ex: Dict[str, Any]) -> str:
    """A paste-ready fixture case."""
    def step(s: Any) -> str:
        return json.dumps(s) if isinstance(s, str) else "{ send = %s }" % json.dumps(s["send"], ensure_ascii=True)

    def cstep(s: Dict[str, Any]) -> str:
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in s.items()) + " }"

    return "\n".join([
        "[[case]]", f'id = "{ex["id"]}"', 'title = "TODO"', 'level = "rfc-must"', "reqs = []",
        "server = [\n  " + ",\n  ".join(step(s) for s in ex["server"]) + ",\n]",
        "client = [\n  " + ",\n  ".join(cstep(s) for s in ex["client"]) + ",\n]",
        f"timeout = {ex.get('timeout', GEN_TIMEOUT)}",
    ])


def shrink(a: Side, b: Side, cls: str, budget: float) -> Optional[Dict[str, Any]]:
    """The smallest generated exchange whose divergence has class `cls`."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    started = time.monotonic()
    seen: Dict[str, bool] = {}  # replays give the same answer (no flakiness)

    def diverges(ex: Dict[str, Any]) -> bool:
        key = json.dumps(ex, sort_keys=True)
        if key not in seen:
            if time.monotonic() - started > budget:
                return False  # out of time: the smallest so far stands
            oa, ob = ask_both(a, b, dict(ex, id="shrink"))
            seen[key] = "obs" in oa and "obs" in ob and cls in dict(classify(oa["obs"], ob["obs"]))
        return seen[key]

    try:
        ex = find(exchange_strategy(), diverges, settings=settings(
            max_examples=200, derandomize=True, database=None, deadline=None, report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None
    except Exception as exc:  # noqa: BLE001 - shrinking is best effort
        print(f"  (shrinking {cls} failed: {type(exc).__name__})", file=sys.stderr)
        return None
    return dict(ex)


# -- the run ----------------------------------------------------------------------------------
def run_diff(args: argparse.Namespace) -> int:
    a, b = Side(args.impl).start(), Side(args.against).start()
    try:
        return _run(a, b, args)
    finally:
        a.stop()
        b.stop()


def _run(a: Side, b: Side, args: argparse.Namespace) -> int:
    started = time.time()
    benign_path = Path(args.benign) if args.benign else benign_file(a.label, b.label)
    benign = load_benign(benign_path)
    divergences: List[Divergence] = []
    errors: List[str] = []
    ran = {"cases": 0, "generated": 0}
    print(f"diff: {a.label} ({a.python}) vs {b.label} ({b.python})", flush=True)

    def compare(case_id: str, req: Dict[str, Any], repro: str) -> Optional[Divergence]:
        ra, rb = ask_both(a, b, req)
        for side, r in ((a, ra), (b, rb)):
            if "error" in r:
                errors.append(f"{case_id} on {side.label}: {r['error']}")
        if "obs" not in ra or "obs" not in rb:
            return None
        diffs = classify(ra["obs"], rb["obs"])
        if not diffs:
            return None
        d = Divergence(case_id, diffs[0][0], diffs[0][1], diffs[1:], repro)
        for entry in benign:
            if entry.covers(d):
                d.benign = entry.reason
        divergences.append(d)
        return d

    if args.cases != "none":
        a.send({"kind": "list", "id": "list"})
        b.send({"kind": "list", "id": "list"})
        ids_a, ids_b = a._read().get("ids", []), b._read().get("ids", [])
        common = [i for i in ids_a if i in set(ids_b) and fnmatch.fnmatchcase(i, args.cases)]
        for cid in common:
            compare(cid, {"kind": "case", "id": cid}, f"fixture case `{cid}` (fixtures/)")
            ran["cases"] += 1
        print(f"  {len(common)} fixture cases compared", flush=True)
    exchanges = generate(args.examples) if args.examples > 0 else []
    first_of_class: Dict[str, Divergence] = {}
    for ex in exchanges:
        d = compare(ex["id"], ex, reproducer(ex))
        ran["generated"] += 1
        if d is not None and not d.benign and d.cls not in first_of_class:
            first_of_class[d.cls] = d
    print(f"  {len(exchanges)} generated exchanges compared", flush=True)
    if not args.no_shrink:
        for cls, d in first_of_class.items():
            small = shrink(a, b, cls, args.shrink_seconds)
            if small is not None:
                small["id"] = f"{d.case}-shrunk"
                d.reproducer = reproducer(small)
                d.shrunk = True
    report = {
        "a": {"spec": a.spec, "label": a.label, "python": a.python},
        "b": {"spec": b.spec, "label": b.label, "python": b.python},
        "benign_file": str(benign_path) if benign_path else None,
        "ran": ran, "duration": round(time.time() - started, 1), "errors": errors,
        "divergences": [vars(d) for d in divergences],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(a.label)}--{slug(b.label)}"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(report), encoding="utf-8")
    real = [d for d in divergences if not d.benign]
    counts: Dict[str, int] = {}
    for d in real:
        counts[d.cls] = counts.get(d.cls, 0) + 1
    print(f"  {len(real)} divergence(s), {len(divergences) - len(real)} benign: "
          + (", ".join(f"{c} {n}" for c, n in sorted(counts.items(), key=lambda kv: CLASSES.index(kv[0]))) or "none"))
    for err in errors[:5]:
        print(f"  error: {err}")
    print(f"  wrote {os.path.relpath(out / (stem + '.md'))}")
    return 1 if real else 0


def markdown(report: Dict[str, Any]) -> str:
    a, b = report["a"]["label"], report["b"]["label"]
    divs = report["divergences"]
    real = [d for d in divs if not d["benign"]]
    lines = [f"# Differential run: {a} vs {b}", "",
             f"{report['ran']['cases']} fixture cases and {report['ran']['generated']} generated exchanges; "
             f"{len(real)} divergence(s), {len(divs) - len(real)} known benign"
             f"{' (' + report['benign_file'] + ')' if report['benign_file'] else ''}. "
             f"Each line reads: {a} vs {b}.", ""]
    for cls in CLASSES:
        group = [d for d in real if d["cls"] == cls]
        if not group:
            continue
        lines += [f"## {cls} ({len(group)})", ""]
        for d in group:
            lines.append(f"- `{d['case']}`: {d['summary']}")
            for ocls, text in d["others"]:
                lines.append(f"  - also {ocls}: {text}")
        shown = next((d for d in group if d["shrunk"]), None) or group[0]
        lines += ["", f"Reproducer{' (shrunk by Hypothesis)' if shown['shrunk'] else ''} for `{shown['case']}`:", "",
                  "```toml", shown["reproducer"], "```", ""]
    benign = [d for d in divs if d["benign"]]
    if benign:
        lines += ["## Known benign", ""] + [f"- `{d['case']}` {d['cls']}: {d['summary']} ({d['benign']})" for d in benign]
    if report["errors"]:
        lines += ["", "## Errors", ""] + [f"- {e}" for e in report["errors"]]
    return "\n".join(lines) + "\n"


# -- command line --------------------------------------------------------------------------
def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="compare two implementations exchange by exchange",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impl", required=True, help="TARGET[@PYTHON], e.g. reference, stdlib@3.8")
    p.add_argument("--against", default="stdlib", help="TARGET[@PYTHON] to compare with (default: stdlib)")
    p.add_argument("--examples", type=int, default=200, help="generated exchanges (default 200; 0 for none)")
    p.add_argument("--cases", default="*", help="glob over fixture case ids (default all; 'none' for none)")
    p.add_argument("--benign", help="known-benign file (default reports/diff/benign/<A>--<B>.toml)")
    p.add_argument("--no-shrink", action="store_true", help="report generated divergences as found")
    p.add_argument("--shrink-seconds", type=float, default=30.0, help="shrinking budget per class (default 30)")
    p.add_argument("--out", default=str(DIFF_DIR), help="report folder (default reports/diff/)")
    p.set_defaults(fn=run_diff)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(worker_main(sys.argv[2]))
    parser = argparse.ArgumentParser(prog="python -m conformance.diff")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(["diff"] + sys.argv[1:])
    sys.exit(ns.fn(ns))
