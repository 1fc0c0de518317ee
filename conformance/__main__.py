"""Command line: python -m conformance run | report | expectations update.

    run      run the suite against one or more targets (default: stdlib and
             reference), write reports/ (JSON, JUnit, Markdown, HTML), print a
             summary; exit 0 when every result matches its expectations
    report   merge result JSON files into the same reports
    expectations update
             rewrite an expectation file from a fresh run: entries that no
             longer fail are dropped, new failures are added for you to explain
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .expectations import EXPECTATIONS_DIR, default_file_for_stdlib
from .expectations import load as load_expectations

ROOT = Path(__file__).resolve().parent.parent
# `run` and `report` write here; reports/ itself holds the committed matrix.
DEFAULT_OUT = ROOT / "reports" / "run"
# Modules that add a subcommand with add_parser(subparsers): matrix, diff, bench.
EXTENSIONS = ("matrix", "diff", "bench")


def slug(spec: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "_" for c in spec.replace(os.sep, "_")).strip("_") or "impl"


def default_expectations(spec: str) -> Optional[Path]:
    """stdlib -> this interpreter's file; others -> reports/expectations/<slug>.toml if present."""
    path = default_file_for_stdlib() if spec == "stdlib" else EXPECTATIONS_DIR / f"{slug(spec)}.toml"
    return path if path.exists() else None


def pytest_command(spec: str, report: Path, expectations: Optional[Path], jobs: int, extra: Sequence[str]) -> List[str]:
    cmd = [sys.executable, "-m", "pytest", "conformance", "--impl", spec, "--report-json", str(report),
           "-q", "-p", "no:cacheprovider", "--tb=no", "-r", "fE"]
    if expectations is not None:
        cmd += ["--expectations", str(expectations)]
    if jobs > 1:
        cmd += ["-n", str(jobs)]
    return cmd + list(extra)


def run_suite(spec: str, report: Path, expectations: Optional[Path], jobs: int, extra: Sequence[str], quiet: bool = False) -> int:
    cmd = pytest_command(spec, report, expectations, jobs, extra)
    print(f"== {spec}: {' '.join(cmd[1:])}", flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL if quiet else None)
    return proc.returncode


def cmd_run(args: argparse.Namespace) -> int:
    from .reporting import load_runs, textual, write_all

    impls = args.impl or ["stdlib", "reference"]
    if args.expectations and len(impls) > 1:
        print("error: --expectations applies to a single --impl", file=sys.stderr)
        return 4
    out = Path(args.out)
    results_dir = out / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    codes: Dict[str, int] = {}
    paths = []
    for spec in impls:
        exp = Path(args.expectations) if args.expectations else default_expectations(spec)
        path = results_dir / f"{slug(spec)}.json"
        if path.exists():
            path.unlink()
        codes[spec] = run_suite(spec, path, exp, args.jobs, args.pytest_args)
        if codes[spec] in (2, 3, 4) or not path.exists():
            print(f"error: the run for {spec} did not complete (pytest exit {codes[spec]})", file=sys.stderr)
            return codes[spec] or 3
        paths.append(path)
    runs = load_runs(paths)
    written = write_all(runs, out)
    print()
    print(textual.summary_table(runs))
    print("\nwrote " + ", ".join(os.path.relpath(p) for p in written))
    for run in runs:
        passes = [r["id"] for r in run.unexpected() if r["verdict"] == "pass"]
        if passes:
            print(f"\n{run.name}: {len(passes)} unexpected pass(es): {', '.join(passes[:10])}"
                  f"{' ...' if len(passes) > 10 else ''}\n  update with: python -m conformance expectations update "
                  f"--impl {run.doc['impl']} --file {run.doc.get('expectations') or '<file>'}")
    return 0 if all(c == 0 for c in codes.values()) else 1


def cmd_report(args: argparse.Namespace) -> int:
    from .reporting import load_runs, textual, write_all

    runs = load_runs(Path(p) for p in args.files)
    written = write_all(runs, Path(args.out))
    print(textual.summary_table(runs))
    print("\nwrote " + ", ".join(map(str, written)))
    return 0


def cmd_expectations_update(args: argparse.Namespace) -> int:
    """Fresh run without expectations; keep reasons of entries still failing."""
    from .cases import version_matches

    path = Path(args.file)
    old = load_expectations(str(path)) if path.exists() else None
    raw_entries: List[dict] = []
    implementation = args.impl
    if path.exists():
        from .cases import tomllib

        with open(path, "rb") as f:
            data = tomllib.load(f)
        raw_entries = data.get("fail", [])
        implementation = data.get("implementation", implementation)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        run_suite(args.impl, report, None, args.jobs, args.pytest_args, quiet=True)
        if not report.exists():
            print("error: the run did not complete", file=sys.stderr)
            return 3
        doc = json.loads(report.read_text(encoding="utf-8"))
    by_case: Dict[str, Dict[str, str]] = {}
    for r in doc["results"]:
        by_case.setdefault(r["case"], {})[r["variant"]] = r["verdict"]
    failing: Dict[str, str] = {}  # entry id -> verdict
    for case, variants in by_case.items():
        bad = {v: verdict for v, verdict in variants.items() if verdict != "pass"}
        verdicts = set(bad.values())
        if bad and len(bad) == len(variants) and len(verdicts) == 1:
            failing[case] = verdicts.pop()
        else:
            for v, verdict in bad.items():
                failing[case if v == "whole" else f"{case}@{v}"] = verdict
    kept, dropped, added = [], [], []
    for e in raw_entries:
        if e.get("python") and not version_matches(e["python"]):
            kept.append(e)  # about another interpreter: not ours to judge
        elif e["id"] in failing:
            kept.append({**e, "verdict": failing.pop(e["id"])})
        else:
            dropped.append(e["id"])
    for rid, verdict in sorted(failing.items()):
        added.append({"id": rid, "verdict": verdict, "reason": "TODO: explain why this implementation fails this case"})
    lines = [f'implementation = "{implementation}"', ""]
    for e in kept + added:
        lines.append("[[fail]]")
        for key in ("id", "verdict", "python", "reason"):
            if e.get(key) and not (key == "verdict" and e[key] == "fail"):
                lines.append(f"{key} = {json.dumps(e[key])}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{path}: kept {len(kept)}, dropped {len(dropped)} (now passing), added {len(added)}")
    for rid in dropped:
        print(f"  - {rid}")
    for e in added:
        print(f"  + {e['id']} ({e['verdict']}): write its reason in the file")
    return 1 if added else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run the suite and write reports")
    p.add_argument("--impl", action="append", help="target (repeatable); default: stdlib and reference")
    p.add_argument("--expectations", help="expectation file (single --impl); default: reports/expectations/<impl>.toml")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="report folder (default: reports/run/)")
    p.add_argument("-n", "--jobs", type=int, default=1, help="pytest-xdist workers per run")
    p.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    p.set_defaults(fn=cmd_run)
    p = sub.add_parser("report", help="merge result JSON files into reports")
    p.add_argument("files", nargs="+")
    p.add_argument("--out", default=str(DEFAULT_OUT))
    p.set_defaults(fn=cmd_report)
    p = sub.add_parser("expectations", help="maintain expectation files")
    esub = p.add_subparsers(dest="action", required=True)
    u = esub.add_parser("update", help="rewrite FILE from a fresh run of --impl")
    u.add_argument("--impl", required=True)
    u.add_argument("--file", required=True)
    u.add_argument("-n", "--jobs", type=int, default=1)
    u.add_argument("pytest_args", nargs="*")
    u.set_defaults(fn=cmd_expectations_update)
    for name in EXTENSIONS:  # subcommands living in their own modules
        try:
            module = importlib.import_module(f"conformance.{name}")
        except ImportError as exc:
            if exc.name != f"conformance.{name}":
                raise
            continue
        module.add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
