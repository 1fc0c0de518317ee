"""Result documents (the --report-json files) and the views reports share."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from ..cases import LEVELS

VERDICT_ORDER = ("pass", "fail", "timeout", "unsupported", "error", "skip")


@dataclass
class Run:
    """One implementation's results."""

    name: str  # column title: impl spec + interpreter
    doc: Dict[str, Any]
    results: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # by result id

    @property
    def counts(self) -> Dict[str, int]:
        out: Dict[str, int] = {}
        for r in self.results.values():
            out[r["verdict"]] = out.get(r["verdict"], 0) + 1
        return out

    def unexpected(self) -> List[Dict[str, Any]]:
        """Results that differ from the expectations used in the run."""
        out = []
        for r in self.results.values():
            exp = r.get("expected_failure")
            if r["verdict"] == "pass" and exp:
                out.append(r)
            elif r["verdict"] != "pass" and (not exp or exp["verdict"] != r["verdict"]):
                out.append(r)
        return out


def column_name(doc: Dict[str, Any]) -> str:
    if doc.get("column"):  # set by the matrix, e.g. 'cpython-3.11 stdlib'
        return str(doc["column"])
    impl = doc.get("impl", "?")
    py = doc.get("python", "")
    return f"{impl} ({py})" if py and py not in impl else impl


def load_runs(paths: Iterable[Path]) -> List[Run]:
    runs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") != "http-client-conformance/1":
            raise ValueError(f"{path}: not a conformance result file")
        run = Run(column_name(doc), doc)
        for r in doc["results"]:
            run.results[r["id"]] = r
        runs.append(run)
    names = [r.name for r in runs]
    for i, run in enumerate(runs):  # keep columns distinct
        if names.count(run.name) > 1:
            run.name = f"{run.name} #{i + 1}"
    return runs


def case_rows(runs: List[Run]) -> List[Dict[str, Any]]:
    """One row per result id across runs, with its metadata, sorted by
    suite, area, id."""
    meta: Dict[str, Dict[str, Any]] = {}
    for run in runs:
        for rid, r in run.results.items():
            meta.setdefault(rid, r)
    return sorted(meta.values(), key=lambda r: (r["suite"], r["area"], r["id"]))


def group_counts(runs: List[Run], key: str) -> Tuple[List[str], Dict[Tuple[str, str], Tuple[int, int]]]:
    """(group values, {(group, run name): (passed, total)}) by 'area' or 'level'."""
    groups: List[str] = []
    counts: Dict[Tuple[str, str], Tuple[int, int]] = {}
    for run in runs:
        for r in run.results.values():
            g = r[key]
            if g not in groups:
                groups.append(g)
            p, t = counts.get((g, run.name), (0, 0))
            counts[(g, run.name)] = (p + (r["verdict"] == "pass"), t + 1)
    if key == "level":
        groups.sort(key=lambda g: LEVELS.index(g) if g in LEVELS else 99)
    else:
        groups.sort()
    return groups, counts
