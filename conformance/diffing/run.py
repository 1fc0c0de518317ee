"""One differential run: start both sides, compare the fixture cases and the
generated exchanges, shrink the first real divergence of each class, write
the reports. Returns the exit status: 0 when every divergence is benign."""
from __future__ import annotations

import argparse
import fnmatch
import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from .benign import benign_file, load_benign
from .classify import CLASSES, Divergence, classify
from .generate import generate, reproducer
from .report import write
from .shrink import shrink
from .worker import Side, ask_both


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
    md = write(report, Path(args.out))
    real = [d for d in divergences if not d.benign]
    counts: Dict[str, int] = {}
    for d in real:
        counts[d.cls] = counts.get(d.cls, 0) + 1
    print(f"  {len(real)} divergence(s), {len(divergences) - len(real)} benign: "
          + (", ".join(f"{c} {n}" for c, n in sorted(counts.items(), key=lambda kv: CLASSES.index(kv[0]))) or "none"))
    for err in errors[:5]:
        print(f"  error: {err}")
    print(f"  wrote {os.path.relpath(md)}")
    return 1 if real else 0
