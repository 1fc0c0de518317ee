"""Reports built from result JSON files: JSON (merged), JUnit XML, Markdown,
and the static HTML matrix."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

from ..requirements import load_all as load_requirements
from . import html as html_report
from . import textual
from .results import Run, load_runs

__all__ = ["Run", "load_runs", "write_all"]


def write_all(runs: List[Run], out: Path) -> List[Path]:
    """Write every report into `out`; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    merged = {"format": "http-client-conformance/merged-1", "runs": [r.doc for r in runs]}
    for name, text in (
        ("results.json", json.dumps(merged, sort_keys=True, separators=(",", ":"))),
        ("junit.xml", textual.junit(runs)),
        ("SUMMARY.md", textual.markdown(runs)),
        ("index.html", html_report.render(runs, load_requirements())),
    ):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
