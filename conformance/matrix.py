"""`python -m conformance matrix`: every implementation, side by side.

Each implementation runs in its own tox environment (tox.ini: py38..py313,
pypy3, eventlet, future, gevent, urllib3), created once and reused, with its
expectation file and `--report-json reports/results/<name>.json`; several
run at a time. The results are then merged into reports/ (index.html,
SUMMARY.md, junit.xml, results.json). Implementations whose interpreter is
missing are skipped with a line saying so, not failed.

    python -m conformance matrix                 # everything available, 2 at a time
    python -m conformance matrix --only eventlet --only reference
    python -m conformance matrix --list          # what would run, and what is missing
    python -m conformance matrix --check         # fresh run into a temp folder; exit 1
                                                 # if any verdict differs from reports/

Exit status: 0 when every run matched its expectations, 1 when some result
did not (unexpected failure, timeout or pass), 3 when a run did not complete.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "reports"
EXPECTATIONS = ROOT / "reports" / "expectations"
CPYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
THIRD_PARTY_PYTHON = "3.11"  # the interpreter of the eventlet/future/gevent/urllib3 envs (tox.ini)


@dataclass(frozen=True)
class Impl:
    """One column of the matrix."""

    column: str  # e.g. "cpython-3.11 stdlib"; stdlib columns are renamed after the interpreter that ran
    env: str  # tox environment
    spec: str  # --impl
    expectations: str  # "auto" (the interpreter's stdlib file), a file under reports/expectations, or ""
    interpreter: str  # what tox looks for on PATH
    kind: str  # stdlib | third-party | reference
    xdist: bool = True  # False: never run with pytest-xdist workers (gevent patches threads)
    pytest_extra: Tuple[str, ...] = ()  # harness limitations on this interpreter, printed with each run

    @property
    def name(self) -> str:
        """The results file stem: stable, known before the run."""
        return self.env if self.kind != "stdlib" and self.kind != "reference" else f"{self.env}-{self.kind}"

    def expectation_file(self) -> Optional[Path]:
        if not self.expectations or self.expectations == "auto":
            return None
        return EXPECTATIONS / self.expectations


def implementations() -> List[Impl]:
    out = []
    for v in CPYTHONS:
        out.append(Impl(f"cpython-{v} stdlib", "py" + v.replace(".", ""), "stdlib", "auto", f"python{v}", "stdlib"))
    out.append(Impl("pypy-3 stdlib", "pypy3", "stdlib", "auto", "pypy3", "stdlib"))
    tp = f"cpython-{THIRD_PARTY_PYTHON}"
    for env, column, spec in (
        ("eventlet", f"eventlet ({tp})", "eventlet.green.http.client"),
        ("future", f"future ({tp})", "future.backports.http.client"),
        ("gevent", f"stdlib + gevent ({tp})", "conformance.adapters.gevent_stdlib"),
        ("urllib3", f"urllib3 ({tp})", "conformance.adapters.urllib3_adapter"),
    ):
        out.append(Impl(column, env, spec, f"{spec}.toml", f"python{THIRD_PARTY_PYTHON}", "third-party",
                        xdist=env != "gevent"))
    for v in CPYTHONS:
        out.append(Impl(f"cpython-{v} reference", "py" + v.replace(".", ""), "reference", "", f"python{v}", "reference"))
    return out


# -- environments -----------------------------------------------------------------
def _search_path() -> str:
    """PATH as tox sees it: toxfile.py's pyenv folders first; without the
    folder of a virtualenv we may be running in (tox -e matrix)."""
    path = os.environ.get("PATH", "")
    toxfile = ROOT / "toxfile.py"
    if toxfile.exists():
        spec = importlib.util.spec_from_file_location("_conformance_toxfile", toxfile)
        if spec and spec.loader:
            module = importlib.util.module_from_spec(spec)
            saved = os.environ.get("PATH", "")
            try:
                spec.loader.exec_module(module)
                path = os.environ.get("PATH", path)
            except Exception:  # noqa: BLE001 - a broken plugin only loses the pyenv lookup
                pass
            finally:
                os.environ["PATH"] = saved
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        path = os.pathsep.join(p for p in path.split(os.pathsep) if not p.startswith(venv))
    return path


def _clean_env(path: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOX_") and k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = path
    return env


def env_python(env: str) -> Path:
    sub = ("Scripts", "python.exe") if os.name == "nt" else ("bin", "python")
    return ROOT / ".tox" / env / sub[0] / sub[1]


def available(impls: Sequence[Impl], path: str) -> Tuple[List[Impl], Dict[str, str]]:
    """Split into (runnable, {column: why skipped}) by interpreter presence."""
    ok, skipped = [], {}
    for impl in impls:
        if shutil.which(impl.interpreter, path=path):
            ok.append(impl)
        else:
            skipped[impl.column] = f"{impl.interpreter} not found (tox skips missing interpreters)"
    return ok, skipped


def tox_command() -> Optional[List[str]]:
    if importlib.util.find_spec("tox") is not None:
        return [sys.executable, "-m", "tox"]
    exe = shutil.which("tox")
    return [exe] if exe else None


def provision(envs: Sequence[str], path: str, log: Path) -> Dict[str, str]:
    """Create or update the tox envs (reused when they exist). Returns
    {env: problem} for envs that could not be made."""
    if not envs:
        return {}
    tox = tox_command()
    if tox is None:
        return {e: "tox is not installed (pip install tox), and the env does not exist" for e in envs
                if not env_python(e).exists()}
    cmd = tox + ["run", "--notest", "-e", ",".join(envs)]
    print(f"== provisioning tox envs: {', '.join(envs)}  (log: {os.path.relpath(log)})", flush=True)
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as f:
        proc = subprocess.run(cmd, cwd=ROOT, env=_clean_env(path), stdout=f, stderr=subprocess.STDOUT)
    print(f"   done in {time.monotonic() - started:.0f}s (tox exit {proc.returncode})", flush=True)
    problems = {}
    for e in envs:
        if not env_python(e).exists():
            problems[e] = f"tox could not create the env (see {os.path.relpath(log)})"
    if proc.returncode != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        for e in envs:
            if f"  {e}: FAIL" in text:
                problems[e] = f"tox failed to set up the env (see {os.path.relpath(log)})"
    return problems


# -- running -------------------------------------------------------------------------
@dataclass
class Outcome:
    impl: Impl
    code: int
    seconds: float
    report: Path
    log: Path


def run_command(impl: Impl, report: Path, jobs: int, extra: Sequence[str]) -> List[str]:
    cmd = [str(env_python(impl.env)), "-m", "pytest", "conformance", "--impl", impl.spec,
           "--report-json", str(report), "-q", "-p", "no:cacheprovider", "--tb=no", "-r", "fE"]
    if impl.expectations == "auto":
        cmd += ["--expectations", "auto"]
    elif impl.expectations:
        file = impl.expectation_file()
        if file is not None and file.exists():
            cmd += ["--expectations", str(file)]
    if jobs > 1 and impl.xdist:
        cmd += ["-n", str(jobs)]
    return cmd + list(impl.pytest_extra) + list(extra)


def run_one(impl: Impl, results: Path, logs: Path, jobs: int, extra: Sequence[str], path: str) -> Outcome:
    report = results / f"{impl.name}.json"
    log = logs / f"{impl.name}.log"
    if report.exists():
        report.unlink()
    cmd = run_command(impl, report, jobs, extra)
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        proc = subprocess.run(cmd, cwd=ROOT, env=_clean_env(path), stdout=f, stderr=subprocess.STDOUT)
    out = Outcome(impl, proc.returncode, time.monotonic() - started, report, log)
    if report.exists():
        _stamp(report, impl)
    return out


def _stamp(report: Path, impl: Impl) -> None:
    """Record the column name in the result file (stdlib columns named
    after the interpreter that actually ran: pypy3 may be 3.9 or 3.10)."""
    doc = json.loads(report.read_text(encoding="utf-8"))
    doc["column"] = column_for(impl, doc)
    doc["tox_env"] = impl.env
    report.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")), encoding="utf-8")  # compact: committed


def column_for(impl: Impl, doc: Dict) -> str:
    py = str(doc.get("python", ""))  # "cpython-3.11.7"
    short = "-".join([py.split("-")[0], ".".join(py.split("-")[-1].split(".")[:2])]) if "-" in py else ""
    if impl.kind == "stdlib" and short:
        return f"{short} stdlib"
    if impl.kind == "reference" and short:
        return f"{short} reference"
    if impl.kind == "third-party" and short:
        return impl.column.rsplit(" (", 1)[0] + f" ({short})"
    return impl.column


def previous_duration(results: Path, impl: Impl) -> float:
    """How long the implementation took last time: from `results`, else from
    the committed reports (a --check run writes into a fresh folder)."""
    for folder in (results, DEFAULT_OUT / "results"):
        try:
            return float(json.loads((folder / f"{impl.name}.json").read_text(encoding="utf-8")).get("duration", 0))
        except (OSError, ValueError):
            continue
    return 0.0


def run_all(impls: Sequence[Impl], results: Path, logs: Path, parallel: int, jobs: int,
            extra: Sequence[str], path: str) -> List[Outcome]:
    """Run implementations `parallel` at a time, longest (last time) first."""
    queue = sorted(impls, key=lambda i: -previous_duration(results, i))
    outcomes: List[Outcome] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                impl = queue.pop(0)
                note = f" (harness limitation: {' '.join(impl.pytest_extra)})" if impl.pytest_extra else ""
                print(f"-> {impl.column}: --impl {impl.spec} in .tox/{impl.env}{note}", flush=True)
            outcome = run_one(impl, results, logs, jobs, extra, path)
            with lock:
                outcomes.append(outcome)
                print(f"<- {impl.column}: {_describe(outcome)} in {outcome.seconds:.0f}s", flush=True)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, parallel))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _describe(o: Outcome) -> str:
    if not o.report.exists():
        return f"did not complete (pytest exit {o.code}; log {os.path.relpath(o.log)})"
    counts = json.loads(o.report.read_text(encoding="utf-8")).get("counts", {})
    text = ", ".join(f"{counts[k]} {k}" for k in ("pass", "fail", "timeout", "unsupported", "error") if counts.get(k))
    verdict = "as expected" if o.code == 0 else "UNEXPECTED results" if o.code == 1 else f"pytest exit {o.code}"
    return f"{text} ({verdict})"


# -- merging -------------------------------------------------------------------------
def merge(impls: Sequence[Impl], results: Path, out: Path) -> list:
    """Merge the result files present (in column order) into out/."""
    from .reporting import load_runs, write_all

    paths = [results / f"{i.name}.json" for i in impls if (results / f"{i.name}.json").exists()]
    runs = load_runs(paths)
    for run in runs:
        run.name = run.doc.get("column") or run.name
    write_all(runs, out)
    return runs


def verdict_table(results_json: Path) -> Dict[str, Dict[str, str]]:
    doc = json.loads(results_json.read_text(encoding="utf-8"))
    return {run.get("column") or run["impl"]: {r["id"]: r["verdict"] for r in run["results"]} for run in doc["runs"]}


def compare(committed: Path, fresh: Path) -> List[str]:
    """Differences between two merged results.json files, as lines."""
    a, b = verdict_table(committed), verdict_table(fresh)
    lines = []
    for column in sorted(set(a) | set(b)):
        if column not in a or column not in b:
            lines.append(f"{column}: only in {'the fresh run' if column in b else 'the committed reports'}")
            continue
        for rid in sorted(set(a[column]) | set(b[column])):
            if a[column].get(rid) != b[column].get(rid):
                lines.append(f"{column}: {rid}: committed {a[column].get(rid, '-')}, fresh {b[column].get(rid, '-')}")
    return lines


# -- command ---------------------------------------------------------------------------
def select(impls: Sequence[Impl], only: Sequence[str]) -> List[Impl]:
    if not only:
        return list(impls)
    return [i for i in impls if any(o in i.column or o == i.env or o == i.name or o == i.spec for o in only)]


def cmd_matrix(args: argparse.Namespace) -> int:
    from .reporting import textual

    started = time.monotonic()
    impls = select(implementations(), args.only or [])
    if not impls:
        print("error: --only matched no implementation; see --list", file=sys.stderr)
        return 4
    path = _search_path()
    runnable, skipped = available(impls, path)
    if args.list:
        for i in impls:
            state = "available" if i in runnable else f"skipped: {skipped[i.column]}"
            print(f"{i.column:32} tox env {i.env:9} --impl {i.spec:38} {state}")
        return 0
    out = Path(args.out)
    if args.check:
        committed = out / "results.json"
        if not committed.exists():
            print(f"error: --check needs committed reports in {out}", file=sys.stderr)
            return 4
        out = Path(tempfile.mkdtemp(prefix="matrix-check-"))
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    logs = ROOT / ".tox" / "matrix-logs"
    logs.mkdir(parents=True, exist_ok=True)
    for column, why in skipped.items():
        print(f"skip {column}: {why}", flush=True)
    if not args.no_provision:
        problems = provision(sorted({i.env for i in runnable}), path, logs / "tox-provision.log")
    else:
        problems = {i.env: "no tox env (run without --no-provision)" for i in runnable if not env_python(i.env).exists()}
    for i in [i for i in runnable if i.env in problems]:
        print(f"skip {i.column}: {problems[i.env]}", flush=True)
        skipped[i.column] = problems[i.env]
    runnable = [i for i in runnable if i.env not in problems]
    outcomes = run_all(runnable, results, logs, args.parallel, args.jobs, args.pytest_args, path)
    incomplete = [o for o in outcomes if not o.report.exists() or o.code not in (0, 1)]
    for o in incomplete:  # a partial run (e.g. a collection error) would mislead as a column
        if o.report.exists():
            o.report.unlink()
    try:
        runs = merge(implementations(), results, out)
    except Exception as exc:  # noqa: BLE001 - e.g. a broken requirement index: say so, keep the results
        print(f"error: could not write the reports: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    print()
    print(textual.summary_table(runs))
    print(f"\n{len(runs)} implementation columns; wrote {os.path.relpath(out)}/index.html, SUMMARY.md, "
          f"junit.xml, results.json; logs in {os.path.relpath(logs)}")
    col_impl = {}
    for o in outcomes:
        if o.report.exists():
            col_impl[json.loads(o.report.read_text(encoding="utf-8")).get("column")] = o.impl
    for run in runs:
        passes = [r["id"] for r in run.unexpected() if r["verdict"] == "pass"]
        impl = col_impl.get(run.name)
        if passes and impl is not None:
            file = impl.expectation_file() or EXPECTATIONS / f"{run.name.split()[0]}.toml"
            print(f"\n{run.name}: {len(passes)} unexpected pass(es): {', '.join(passes[:8])}"
                  f"{' ...' if len(passes) > 8 else ''}\n  update with: .tox/{impl.env}/bin/python -m conformance "
                  f"expectations update --impl {impl.spec} --file {os.path.relpath(file, ROOT)}")
    for o in incomplete:
        print(f"\nerror: {o.impl.column} did not complete (pytest exit {o.code}); see {os.path.relpath(o.log)}",
              file=sys.stderr)
    print(f"\nmatrix wall time {time.monotonic() - started:.0f}s", flush=True)
    if args.check:
        diff = compare(Path(args.out) / "results.json", out / "results.json")
        for line in diff[:200]:
            print("  " + line)
        print(f"--check: {len(diff)} verdict difference(s) between {args.out} and a fresh run ({out})")
        if diff:
            return 1
    if incomplete:
        return 3
    return 0 if all(o.code == 0 for o in outcomes) else 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("matrix", help="run every implementation (tox envs) and regenerate reports/",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", action="append", metavar="NAME",
                   help="implementations whose column, tox env or --impl contains NAME (repeatable)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="report folder (default: reports/)")
    p.add_argument("-p", "--parallel", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                   help="implementations run at a time (default: CPUs, at most 4)")
    p.add_argument("-n", "--jobs", type=int, default=1, help="pytest-xdist workers per implementation (default 1)")
    p.add_argument("--no-provision", action="store_true", help="use the existing .tox envs; do not call tox")
    p.add_argument("--list", action="store_true", help="list the implementations and whether they can run")
    p.add_argument("--check", action="store_true",
                   help="run into a temporary folder and compare verdicts with the reports in --out")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments for every run, after --")
    p.set_defaults(fn=cmd_matrix)
