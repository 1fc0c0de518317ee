"""The reports of a run: reports/diff/<A>--<B>.json (the data) and .md
(divergences grouped by class, each group with a reproducer)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

from .classify import CLASSES
from .paths import slug


def write(report: Dict[str, Any], out: Path) -> Path:
    """Write <A>--<B>.json and .md into `out`; returns the .md path."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(report['a']['label'])}--{slug(report['b']['label'])}"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(report), encoding="utf-8")
    return out / f"{stem}.md"


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
