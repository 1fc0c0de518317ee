"""`python -m conformance bench`: what the suite costs, next to CPython's own
test_httplib run by the same interpreter in the same invocation.

A benchmark, not a timed test: it prints rates and ratios and writes a
Markdown table (reports/BENCHMARK.md); nothing here passes or fails on time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent


def _timed(cmd: List[str]) -> Dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return {"wall": time.perf_counter() - started, "out": proc.stdout + proc.stderr, "code": proc.returncode}


def test_httplib() -> Dict[str, Any]:
    """CPython's own http.client tests, with in-memory fake sockets."""
    r = _timed([sys.executable, "-m", "test", "test_httplib"])
    run = re.search(r"Total tests: run=(\d+)(?: skipped=(\d+))?", r["out"])
    dur = re.search(r"Total duration: ([\d.]+) (ms|sec)", r["out"])
    if run is None:  # older regrtest: count from verbose output
        v = _timed([sys.executable, "-m", "test", "-v", "test_httplib"])
        tests = len(re.findall(r"\.\.\. (ok|skipped)", v["out"]))
        skipped = len(re.findall(r"\.\.\. skipped", v["out"]))
    else:
        tests, skipped = int(run.group(1)), int(run.group(2) or 0)
    inner = None
    if dur:
        inner = float(dur.group(1)) / (1000 if dur.group(2) == "ms" else 1)
    return {"name": "test_httplib (CPython, fake sockets)", "tests": tests - skipped, "wall": r["wall"], "inner": inner}


def suite(jobs: int, impl: str, delivery: str) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--tb=no",
               "--impl", impl, "--report-json", str(report), "--delivery", delivery]
        if impl == "stdlib":
            cmd += ["--expectations", "auto"]
        if jobs > 1:
            cmd += ["-n", str(jobs)]
        r = _timed(cmd)
        doc = json.loads(report.read_text()) if report.exists() else {"results": []}
    results = doc["results"]
    m = re.search(r"in ([\d.]+)s", r["out"].strip().splitlines()[-1] if r["out"].strip() else "")
    return {
        "name": f"conformance --impl {impl} ({'-n %d' % jobs if jobs > 1 else 'one process'}, delivery {delivery})",
        "tests": len(results),
        "wall": r["wall"],
        "inner": float(m.group(1)) if m else None,
        "case_time": sum(x["duration"] for x in results),
        "code": r["code"],
    }


def table(rows: List[Dict[str, Any]], base: Dict[str, Any]) -> str:
    base_rate = base["tests"] / base["inner"] if base.get("inner") else base["tests"] / base["wall"]
    out = ["| run | tests | wall s | runner s | tests/s (runner) | vs test_httplib | mean case ms |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        inner = r.get("inner") or r["wall"]
        rate = r["tests"] / inner if inner else 0.0
        case_ms = 1000 * r["case_time"] / r["tests"] if r.get("case_time") and r["tests"] else None
        out.append(
            f"| {r['name']} | {r['tests']} | {r['wall']:.2f} | {inner:.2f} | {rate:.0f} | {rate / base_rate:.2f}x | "
            f"{'%.2f' % case_ms if case_ms is not None else '-'} |"
        )
    return "\n".join(out)


def cmd_bench(args: argparse.Namespace) -> int:
    print(f"benchmark on {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores", flush=True)
    base = test_httplib()
    print(f"  {base['name']}: {base['tests']} tests", flush=True)
    rows = [base]
    for jobs in (1, 2):
        for delivery in ("all", "whole"):
            r = suite(jobs, args.impl, delivery)
            print(f"  {r['name']}: {r['tests']} cases in {r['wall']:.2f}s (exit {r['code']})", flush=True)
            rows.append(r)
    text = table(rows, base)
    print()
    print(text)
    if args.write:
        body = (
            "# Suite speed\n\n"
            f"Measured with `python -m conformance bench --write` on {platform.python_implementation()} "
            f"{platform.python_version()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}. "
            "\"runner s\" is the time the test runner reports (pytest's `in Xs`, regrtest's total duration), "
            "without interpreter start-up; rates use it. \"mean case ms\" is the time inside the harness per "
            "case (server, client, verdict). test_httplib runs in the same invocation with the same interpreter, "
            "as the reference point: it uses in-memory fake sockets, the suite real loopback sockets.\n\n"
            + text + "\n\nReproduce: `python -m pip install -e '.[dev]' && python -m conformance bench`.\n"
        )
        Path(args.write).write_text(body, encoding="utf-8")
        print(f"\nwrote {args.write}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure the suite's speed next to CPython's test_httplib")
    p.add_argument("--impl", default="stdlib")
    p.add_argument("--write", nargs="?", const=str(ROOT / "reports" / "BENCHMARK.md"), default=None,
                   help="write the table as Markdown (default reports/BENCHMARK.md)")
    p.set_defaults(fn=cmd_bench)


def main(argv: Optional[List[str]] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.fn(args))
