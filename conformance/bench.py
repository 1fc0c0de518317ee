"""`python -m conformance bench`: what the suite costs, next to CPython's own
test_httplib run by the same interpreter in the same invocation.

A benchmark, not a timed test: it prints rates and ratios and writes a
Markdown table (reports/BENCHMARK.md); nothing here passes or fails on time.
The machine is shared and noisy, so every run is repeated in rounds (each
round runs test_httplib and every suite configuration once, interleaved) and
each row shows the median round.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
# (processes, delivery, pinned to a CPU); the last row shows what pinning buys (conformance/affinity.py)
CONFIGS = ((1, "all", True), (2, "all", True), (1, "whole", True), (2, "whole", True), (1, "all", False))
WAIT_FLOOR = 0.05  # a case that lasts this long is waiting (timeouts, trickles, hostile caps)


def _timed(cmd: List[str]) -> Dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return {"wall": time.perf_counter() - started, "out": proc.stdout + proc.stderr, "code": proc.returncode}


def test_httplib() -> Dict[str, Any]:
    """CPython's own http.client tests, with in-memory fake sockets."""
    r = _timed([sys.executable, "-m", "test", "test_httplib"])
    run = re.search(r"Total tests: run=(\d+)(?: skipped=(\d+))?", r["out"])
    dur = re.search(r"Total duration: (?:(\d+) min )?([\d.]+) (ms|sec)", r["out"])
    if run is None:  # older regrtest: count from verbose output
        v = _timed([sys.executable, "-m", "test", "-v", "test_httplib"])
        tests = len(re.findall(r"\.\.\. (ok|skipped)", v["out"]))
        skipped = len(re.findall(r"\.\.\. skipped", v["out"]))
    else:
        tests, skipped = int(run.group(1)), int(run.group(2) or 0)
    inner = None
    if dur:
        inner = float(dur.group(2)) / (1000 if dur.group(3) == "ms" else 1) + 60 * int(dur.group(1) or 0)
    return {"name": "test_httplib (CPython, fake sockets)", "tests": tests - skipped, "wall": r["wall"],
            "inner": inner or r["wall"], "code": 0}


def suite(jobs: int, impl: str, delivery: str, pin: bool = True) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider",
               "--impl", impl, "--report-json", str(report), "--delivery", delivery]
        if impl == "stdlib":
            cmd += ["--expectations", "auto"]
        if jobs > 1:
            cmd += ["-n", str(jobs)]
        if not pin:
            cmd += ["--no-pin"]
        r = _timed(cmd)
        doc = json.loads(report.read_text()) if report.exists() else {"results": []}
    results = doc["results"]
    m = re.search(r"in ([\d.]+)s", r["out"].strip().splitlines()[-1] if r["out"].strip() else "")
    durations = [x["duration"] for x in results]
    by_variant: Dict[str, List[float]] = {}
    for x in results:
        by_variant.setdefault(x["variant"], []).append(x["duration"])
    return {
        "name": f"conformance --impl {impl} ({'-n %d' % jobs if jobs > 1 else 'one process'}, delivery {delivery}"
                f"{'' if pin else ', --no-pin'})",
        "tests": len(results),
        "wall": r["wall"],
        "inner": float(m.group(1)) if m else r["wall"],
        "case_time": sum(durations),
        "waiting": sum(d for d in durations if d >= WAIT_FLOOR),
        "waiting_cases": sum(1 for d in durations if d >= WAIT_FLOOR),
        "variants": {k: (len(v), sum(v)) for k, v in by_variant.items()},
        "code": r["code"],
    }


def collection_seconds() -> float:
    r = _timed([sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--collect-only"])
    m = re.search(r"collected in ([\d.]+)s", r["out"])
    return float(m.group(1)) if m else r["wall"]


def median_row(runs: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The round with the median runner time, with the spread of all rounds."""
    ordered = sorted(runs, key=lambda r: r["inner"])
    row = dict(ordered[len(ordered) // 2])
    row["spread"] = (ordered[0]["inner"], ordered[-1]["inner"])
    return row


def table(rows: List[Dict[str, Any]], base: Dict[str, Any]) -> str:
    base_rate = base["tests"] / base["inner"]
    out = ["| run | tests | runner s (median) | rounds min-max s | tests/s | vs test_httplib | ms per test | "
           "mean case ms (in harness) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        rate = r["tests"] / r["inner"] if r["inner"] else 0.0
        case_ms = 1000 * r["case_time"] / r["tests"] if r.get("case_time") and r["tests"] else None
        lo, hi = r["spread"]
        out.append(
            f"| {r['name']} | {r['tests']} | {r['inner']:.2f} | {lo:.2f}-{hi:.2f} | {rate:.0f} | "
            f"{rate / base_rate:.2f}x | {1000 * r['inner'] / r['tests']:.2f} | "
            f"{'%.2f' % case_ms if case_ms is not None else '-'} |"
        )
    return "\n".join(out)


def breakdown(one: Dict[str, Any], collect_s: float) -> str:
    """Where the time of the one-process run goes."""
    lines = [
        f"- pytest start-up and collection of {one['tests']} items: {collect_s:.2f} s "
        "(`pytest --collect-only`: fixture files parsed once per process, test modules imported).",
        f"- inside the harness (server, client, verdict), summed over cases: {one['case_time']:.2f} s; of that, "
        f"{one['waiting_cases']} cases of {WAIT_FLOOR * 1000:.0f} ms or more (waiting on purpose: short "
        f"timeouts, trickles, the hostile servers' time cap) {one['waiting']:.2f} s. In one process the "
        "cases that only wait for a timeout run ahead, side by side (conformance/prefetch.py), so most of "
        "their time is off the critical path.",
    ]
    for variant in ("whole", "bytewise", "split"):
        if variant in one["variants"]:
            n, total = one["variants"][variant]
            lines.append(f"- `{variant}` variants: {n} cases, {1000 * total / n:.2f} ms each on average.")
    busy = one["case_time"] - one["waiting"]
    rest = one["inner"] - collect_s - busy
    lines.append(f"- the rest of the runner's {one['inner']:.2f} s, {max(rest, 0.0):.2f} s: pytest's own protocol "
                 "per test (fixtures, reports, capture, about 0.6 ms a test in an empty pytest run here), the "
                 "plugin's records, and the waiting that stays on the critical path (the hostile cases, the "
                 "first of the cases run ahead).")
    return "\n".join(lines)


def cmd_bench(args: argparse.Namespace) -> int:
    print(f"benchmark on {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
          f"{args.rounds} rounds", flush=True)
    runs: Dict[str, List[Dict[str, Any]]] = {}
    order: List[str] = []
    for rnd in range(1, args.rounds + 1):
        jobs = [("test_httplib", test_httplib)] + [
            (f"{j}/{d}{'' if p else '/no-pin'}", (lambda j=j, d=d, p=p: suite(j, args.impl, d, p)))
            for j, d, p in CONFIGS]
        for key, fn in jobs:
            r = fn()
            if key not in runs:
                order.append(key)
            runs.setdefault(key, []).append(r)
            rate = r["tests"] / r["inner"] if r["inner"] else 0.0
            print(f"  round {rnd}: {r['name']}: {r['tests']} tests in {r['inner']:.2f}s, {rate:.0f}/s "
                  f"(exit {r['code']})", flush=True)
    rows = [median_row(runs[k]) for k in order]
    base = rows[0]
    collect_s = collection_seconds()
    text = table(rows, base)
    where = breakdown(median_row(runs["1/all"]), collect_s)
    print()
    print(text)
    print()
    print(where)
    if args.write:
        body = (
            "# Suite speed\n\n"
            f"Measured with `python -m conformance bench --write` on {platform.python_implementation()} "
            f"{platform.python_version()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}, "
            f"{args.rounds} rounds. Each round runs CPython's test_httplib (same interpreter, in-memory fake "
            "sockets) and the suite in every configuration below, interleaved, so that the machine's noise "
            "falls on all rows alike; each row shows the median round and the spread. \"runner s\" is the time "
            "the test runner reports (pytest's `in Xs`, regrtest's total duration), without interpreter "
            "start-up; rates use it. \"mean case ms\" is the time inside the harness per case (server, client, "
            "verdict); the suite uses real loopback sockets.\n\n"
            + text + "\n\n## Where the time goes (one process, delivery all, median round)\n\n" + where
            + "\n\nReproduce: `python -m pip install -e '.[dev]' && python -m conformance bench` "
            "(`--rounds N`, `--write` to rewrite this file).\n"
        )
        if args.notes and Path(args.notes).exists():
            body += "\n" + Path(args.notes).read_text(encoding="utf-8")
        Path(args.write).write_text(body, encoding="utf-8")
        print(f"\nwrote {args.write}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("bench", help="measure the suite's speed next to CPython's test_httplib")
    p.add_argument("--impl", default="stdlib")
    p.add_argument("--rounds", type=int, default=3, help="repeat every run this many times (default 3)")
    p.add_argument("--write", nargs="?", const=str(ROOT / "reports" / "BENCHMARK.md"), default=None,
                   help="write the table as Markdown (default reports/BENCHMARK.md)")
    p.add_argument("--notes", default=str(ROOT / "reports" / "BENCHMARK-notes.md"),
                   help="Markdown appended to the written file (default reports/BENCHMARK-notes.md)")
    p.set_defaults(fn=cmd_bench)


def main(argv: Optional[List[str]] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.fn(args))
