"""The static HTML matrix: implementations x cases, grouped by area, with
level pass counts, an inline SVG chart, and for each failure the bytes
exchanged and observed vs expected outcome. No external assets: the page
works offline."""
from __future__ import annotations

import html
import json
from typing import Any, Dict, List

from ..cases import LEVELS
from ..requirements import Requirement
from .results import Run, case_rows, group_counts

COLORS = {"pass": "#2e7d32", "fail": "#c62828", "timeout": "#ef6c00", "unsupported": "#6d4c41",
          "error": "#6a1b9a", "skip": "#9e9e9e"}
LEVEL_COLORS = ["#1565c0", "#00897b", "#c62828", "#f9a825", "#6a1b9a"]

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}td.v{text-align:center;white-space:nowrap}
.b{display:inline-block;min-width:3.5em;border-radius:3px;color:#fff;font-size:12px;padding:0 4px}
tr.area td{background:#e8eaf6;font-weight:bold}tr.security.failed td:first-child{border-left:4px solid #c62828}
.sec{color:#c62828;font-weight:bold}details pre{white-space:pre-wrap;max-width:70em;background:#fafafa;
border:1px solid #eee;padding:4px;font-size:12px}summary{cursor:pointer}
.x{opacity:.6}
"""


def render(runs: List[Run], reqs: Dict[str, Requirement], title: str = "http.client conformance") -> str:
    names = [r.name for r in runs]
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>Verdicts: pass, fail, timeout (hung), unsupported (API name missing), error (harness). "
        "Faded badges are failures listed in that implementation's expectation file. "
        "Rows marked <span class=sec>security</span> are security-level cases.</p>",
        _summary(runs),
        _chart(runs),
        _level_table(runs),
        _matrix(runs, reqs, names),
        "</body></html>",
    ]
    return "\n".join(parts)


def _summary(runs: List[Run]) -> str:
    rows = ["<table id=summary><tr><th>implementation</th>" + "".join(
        f"<th>{v}</th>" for v in ("pass", "fail", "timeout", "unsupported", "error")) + "<th>unexpected</th></tr>"]
    for run in runs:
        c = run.counts
        rows.append(f"<tr><td>{html.escape(run.name)}</td>" + "".join(
            f"<td class=v>{c.get(v, 0)}</td>" for v in ("pass", "fail", "timeout", "unsupported", "error"))
            + f"<td class=v>{len(run.unexpected())}</td></tr>")
    return "<h2>Summary</h2>" + "\n".join(rows) + "</table>"


def _chart(runs: List[Run]) -> str:
    """Grouped bars: pass rate per implementation (group) and level (bar)."""
    groups, counts = group_counts(runs, "level")
    bar, gap, height = 12, 18, 160
    width = 60 + len(runs) * (len(groups) * bar + gap)
    out = [f'<h2>Pass rate by level</h2><svg id=chart role=img aria-label="pass rate chart" '
           f'width="{width}" height="{height + 90}" xmlns="http://www.w3.org/2000/svg" font-size="11">']
    for pct in (0, 50, 100):
        y = 10 + height - height * pct / 100
        out.append(f'<line x1="40" x2="{width}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="5" y="{y + 4}">{pct}%</text>')
    x = 50
    for run in runs:
        for i, g in enumerate(groups):
            p, t = counts.get((g, run.name), (0, 0))
            rate = p / t if t else 0
            h = height * rate
            color = LEVEL_COLORS[LEVELS.index(g) % len(LEVEL_COLORS)] if g in LEVELS else "#888"
            out.append(f'<rect x="{x}" y="{10 + height - h:.1f}" width="{bar - 2}" height="{h:.1f}" fill="{color}">'
                       f'<title>{html.escape(run.name)} {g}: {p}/{t}</title></rect>')
            x += bar
        label = html.escape(run.name[:28])
        out.append(f'<text transform="translate({x - len(groups) * bar / 2},{height + 16}) rotate(30)">{label}</text>')
        x += gap
    lx = 50
    for i, g in enumerate(groups):
        color = LEVEL_COLORS[LEVELS.index(g) % len(LEVEL_COLORS)] if g in LEVELS else "#888"
        out.append(f'<rect x="{lx}" y="{height + 70}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{height + 79}">{g}</text>')
        lx += 90
    out.append("</svg>")
    return "\n".join(out)


def _level_table(runs: List[Run]) -> str:
    out = []
    for key in ("level", "area"):
        groups, counts = group_counts(runs, key)
        out.append(f"<h2>Pass counts by {key}</h2><table><tr><th>{key}</th>"
                   + "".join(f"<th>{html.escape(r.name)}</th>" for r in runs) + "</tr>")
        for g in groups:
            cells = "".join(
                f"<td class=v>{counts[(g, r.name)][0]}/{counts[(g, r.name)][1]}</td>" if (g, r.name) in counts
                else "<td class=v>-</td>" for r in runs)
            out.append(f"<tr><td>{html.escape(g)}</td>{cells}</tr>")
        out.append("</table>")
    return "\n".join(out)


def _matrix(runs: List[Run], reqs: Dict[str, Requirement], names: List[str]) -> str:
    out = ["<h2>Cases</h2><table id=matrix><tr><th>case</th><th>level</th><th>requirements</th>"
           + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>"]
    area = None
    for row in case_rows(runs):
        if row["area"] != area:
            area = row["area"]
            out.append(f"<tr class=area><td colspan={3 + len(runs)}>{html.escape(row['suite'])} / {html.escape(area)}</td></tr>")
        failed = any(run.results.get(row["id"], {}).get("verdict", "pass") != "pass" for run in runs)
        cls = ("security" if row["level"] == "security" else "") + (" failed" if failed else "")
        links = " ".join(_req_link(r, reqs) for r in row["reqs"])
        level = f"<span class=sec>{row['level']}</span>" if row["level"] == "security" else row["level"]
        cells = "".join(_cell(run.results.get(row["id"])) for run in runs)
        out.append(f"<tr class='{cls}' id='{html.escape(row['id'])}'><td title='{html.escape(row['title'])}'>"
                   f"{html.escape(row['id'])}<br><small>{html.escape(row['title'])}</small></td>"
                   f"<td>{level}</td><td>{links}</td>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _req_link(rid: str, reqs: Dict[str, Requirement]) -> str:
    req = reqs.get(rid)
    if req is None:
        return html.escape(rid)
    return f"<a href='{html.escape(req.url)}' title='{html.escape(req.text)}'>{html.escape(req.source)}</a>"


def _cell(r: Any) -> str:
    if r is None:
        return "<td class=v>-</td>"
    v = r["verdict"]
    expected = r.get("expected_failure")
    badge = f"<span class='b{' x' if expected and v != 'pass' else ''}' style='background:{COLORS.get(v, '#000')}'>{v}</span>"
    metrics = r.get("metrics")
    if metrics:  # measured by the case, e.g. time and memory against a hostile server
        badge += "<br><small class=metrics>" + html.escape(
            ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(metrics.items()))
        ) + "</small>"
    if v == "pass":
        return f"<td class=v>{badge}</td>"
    detail = {
        "details": r.get("details", []),
        "observed": r.get("observed"),
        "expected": r.get("expected"),
        "expectation": expected,
    }
    transcript = "".join(
        f"[{html.escape(str(e['conn']))}] {html.escape(e['dir'])} {html.escape(repr(e['data'][:2000]))}\n"
        for e in r.get("transcript", [])[:40]
    )
    body = html.escape(json.dumps(detail, indent=1, sort_keys=True)[:6000])
    return (f"<td class=v><details class=failure><summary>{badge}</summary>"
            f"<pre>{body}</pre><pre class=transcript>{transcript or 'no bytes exchanged'}</pre></details></td>")
