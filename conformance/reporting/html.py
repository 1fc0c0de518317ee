"""The static HTML matrix: implementations x cases, grouped by area, with
level and area pass counts, an inline SVG chart, security failures
highlighted, and for each failure the bytes exchanged and the observed vs
expected outcome. No external assets: the page works offline.

Size: a suite of ~1500 cases x 15 implementations has thousands of
failures. Their details live once each (deduplicated) in an embedded JSON
blob and a few lines of inline JavaScript render one when its cell is
clicked; the table itself is plain HTML with one short cell per result.
Delivery variants (`@bytewise`, `@split`) get a row only where some
implementation's verdict differs from the case's whole-delivery row.
The output depends only on the results (no timestamps, no durations), so
the same result files always give the same page.
"""
from __future__ import annotations

import html
import json
import re
from typing import Any, Dict, List, Optional, Tuple

from ..cases import LEVELS
from ..requirements import Requirement
from .results import Run, case_rows, group_counts

COLORS = {"pass": "#2e7d32", "fail": "#c62828", "timeout": "#ef6c00", "unsupported": "#6d4c41",
          "error": "#6a1b9a", "skip": "#9e9e9e"}
SHORT = {"pass": "p", "fail": "f", "timeout": "t", "unsupported": "u", "error": "e", "skip": "s"}
LEVEL_COLORS = {"api": "#1565c0", "compat": "#00897b", "rfc-must": "#5e35b1", "rfc-should": "#f9a825",
                "security": "#c62828"}
# Per failure detail: limits that keep the page small and still show the exchange.
MAX_EVENT = 1500  # characters of one (coalesced) transcript event
MAX_EVENTS = 12
MAX_JSON = 2500  # characters of the observed / expected JSON
_PORT = re.compile(r"(127\.0\.0\.1|\[::1\]|localhost):\d{2,5}")

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h2{margin-top:1.6em}table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #ccc;padding:2px 5px;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;white-space:nowrap}
#matrix th{position:sticky;top:0;z-index:1}#matrix th.impl{writing-mode:vertical-rl;transform:rotate(180deg);
font-weight:normal;font-size:12px;white-space:nowrap;max-height:16em}
#matrix td.c{max-width:34em}#matrix td.c small{color:#555}
#matrix td.p,#matrix td.f,#matrix td.t,#matrix td.u,#matrix td.e,#matrix td.s{text-align:center;font-size:12px;
color:#fff;white-space:nowrap;min-width:2.2em}
td.p{background:#2e7d32}td.f{background:#c62828}td.t{background:#ef6c00}td.u{background:#6d4c41}
td.e{background:#6a1b9a}td.s{background:#9e9e9e}td.x{opacity:.45}td[data-d]{cursor:pointer;text-decoration:underline}
td.m{background:#fff;color:#999;text-align:center}
tr.area td{background:#e8eaf6;font-weight:bold}
tr.security td.c{border-left:5px solid #c62828}tr.security.bad td.c{background:#ffebee}
.sec{color:#c62828;font-weight:bold}.bad-sec{color:#c62828;font-weight:bold}
tr.detail td{background:#fafafa;color:#222;text-align:left}
tr.detail pre{white-space:pre-wrap;word-break:break-all;max-width:110em;margin:.3em 0;font-size:12px;
background:#fff;border:1px solid #ddd;padding:4px}
.ev-c{color:#1565c0}.ev-s{color:#2e7d32}.legend span{display:inline-block;padding:0 6px;margin-right:4px;color:#fff;
border-radius:3px}.small{font-size:12px;color:#555}
#filters{margin:.5em 0}#filters label{margin-right:1.2em}
body.only-bad #matrix tr.ok{display:none}body.only-sec #matrix tr.case:not(.security){display:none}
"""

JS = r"""
(function(){
var D=JSON.parse(document.getElementById('details').textContent);
var M=document.getElementById('matrix');
var impls=[].map.call(M.querySelectorAll('th.impl'),function(th){return th.textContent;});
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function show(td){
  var tr=td.parentNode,next=tr.nextElementSibling,key=td.getAttribute('data-d');
  if(next&&next.classList.contains('detail')){var same=next.getAttribute('data-for')===key+'/'+td.cellIndex;
    next.remove();if(same)return;}
  var d=D[+key],row=el('tr','detail'),cell=el('td');row.setAttribute('data-for',key+'/'+td.cellIndex);
  cell.colSpan=tr.cells.length;row.appendChild(cell);
  var impl=impls[td.cellIndex-3]||'';
  cell.appendChild(el('b',null,impl+': '+tr.getAttribute('data-id')+' \u2014 '+d.verdict));
  if(d.expectation){cell.appendChild(el('div','small','expected failure ('+d.expectation.verdict+'): '+d.expectation.reason));}
  else{cell.appendChild(el('div','bad-sec','not in the expectation file: an unexpected '+d.verdict));}
  cell.appendChild(el('div',null,'Why:'));cell.appendChild(el('pre','why',(d.details||[]).join('\n')||'-'));
  cell.appendChild(el('div',null,'Bytes exchanged (c>s: client to server, s>c: server to client; [n] is the connection):'));
  var pre=el('pre','transcript');
  if(!d.transcript.length)pre.textContent='no bytes exchanged';
  d.transcript.forEach(function(e){var s=el('span',e[1]==='c>s'?'ev-c':'ev-s','['+e[0]+'] '+e[1]+' '+e[2]+'\n');pre.appendChild(s);});
  cell.appendChild(pre);
  cell.appendChild(el('div',null,'Observed:'));cell.appendChild(el('pre','observed',d.observed));
  cell.appendChild(el('div',null,'Expected (any one of):'));cell.appendChild(el('pre','expected',d.expected));
  tr.parentNode.insertBefore(row,tr.nextSibling);
}
M.addEventListener('click',function(ev){var td=ev.target.closest('td[data-d]');if(td)show(td);});
[['only-bad','only-bad'],['only-sec','only-sec']].forEach(function(p){var c=document.getElementById(p[0]);
  if(c)c.addEventListener('change',function(){document.body.classList.toggle(p[1],c.checked);});});
document.getElementById('filters').hidden=false;
})();
"""


def render(runs: List[Run], reqs: Dict[str, Requirement], title: str = "http.client conformance") -> str:
    details = _Details()
    matrix = _matrix(runs, reqs, details)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>Each column is one implementation of the <code>http.client</code> API, run against the same "
        "scripted servers. Verdicts: <span class=legend>" + "".join(
            f"<span style='background:{COLORS[v]}'>{v}</span>" for v in ("pass", "fail", "timeout", "unsupported", "error"))
        + "</span> (timeout: the client hung; unsupported: it lacks an API name the case needs; error: the harness "
        "broke). Faded cells are failures listed, with a reason, in that implementation's expectation file. "
        "Rows marked <span class=sec>security</span> check rules whose violation is exploitable.</p>",
        _summary(runs),
        _chart(runs),
        _security(runs),
        _group_tables(runs),
        "<h2 id=cases>Cases</h2><p class=small>One row per case; a delivery variant (<code>@bytewise</code>, "
        "<code>@split</code>) gets its own row only where some verdict differs from the case's. Requirement links "
        "open the documentation or RFC text (hover for the statement). Click a non-pass cell for the bytes "
        "exchanged and the observed vs expected outcome (ports shown as PORT).</p>",
        "<div id=filters hidden><label><input type=checkbox id=only-bad> only rows with a non-pass</label>"
        "<label><input type=checkbox id=only-sec> only security cases</label></div>",
        "<noscript><p>Failure details need JavaScript; they are also in results.json.</p></noscript>",
        matrix,
        "<script type=application/json id=details>" + details.dump() + "</script>",
        f"<script>{JS}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# -- tables ------------------------------------------------------------------------
def _summary(runs: List[Run]) -> str:
    head = "".join(f"<th>{v}</th>" for v in ("pass", "fail", "timeout", "unsupported", "error"))
    rows = ["<h2>Implementations</h2><table id=summary><tr><th>implementation</th><th>--impl</th><th>interpreter</th>"
            f"{head}<th>pass rate</th><th>expected failures</th><th>unexpected</th></tr>"]
    for run in runs:
        c = run.counts
        total = sum(c.values()) or 1
        expected = sum(1 for r in run.results.values() if r["verdict"] != "pass" and r.get("expected_failure"))
        unexpected = len(run.unexpected())
        exp_file = run.doc.get("expectations") or ""
        exp_note = html.escape(exp_file.split("/reports/")[-1]) if exp_file else "no expectation file"
        rows.append(
            f"<tr><td>{html.escape(run.name)}</td><td><code>{html.escape(str(run.doc.get('impl', '')))}</code></td>"
            f"<td>{html.escape(str(run.doc.get('python', '')))}</td>"
            + "".join(f"<td class=n>{c.get(v, 0)}</td>" for v in ("pass", "fail", "timeout", "unsupported", "error"))
            + f"<td class=n>{100 * c.get('pass', 0) / total:.1f}%</td>"
            f"<td class=n title='{exp_note}'>{expected}</td>"
            f"<td class=n{' style=color:#c62828;font-weight:bold' if unexpected else ''}>{unexpected}</td></tr>")
    return "\n".join(rows) + "</table>"


def _level_color(level: str) -> str:
    return LEVEL_COLORS.get(level, "#888")


def _chart(runs: List[Run]) -> str:
    """Grouped bars: pass rate per implementation (group) and level (bar)."""
    groups, counts = group_counts(runs, "level")
    bar, gap, height, left = 11, 16, 180, 44
    width = left + 130 + len(runs) * (len(groups) * bar + gap)  # room for the last rotated label
    label_room = 150
    out = [f"<h2>Pass rate by implementation and level</h2><svg id=chart role=img "
           f"aria-label='pass rate per implementation and level' width='{width}' height='{height + label_room + 30}' "
           f"viewBox='0 0 {width} {height + label_room + 30}' xmlns='http://www.w3.org/2000/svg' font-size='11' "
           f"font-family='system-ui,sans-serif'>"]
    for pct in (0, 25, 50, 75, 100):
        y = 10 + height - height * pct / 100
        out.append(f"<line x1='{left}' x2='{width}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>"
                   f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end'>{pct}%</text>")
    x = left + 6
    for run in runs:
        start = x
        for g in groups:
            p, t = counts.get((g, run.name), (0, 0))
            h = height * (p / t) if t else 0
            out.append(f"<rect class=bar x='{x}' y='{10 + height - h:.1f}' width='{bar - 2}' height='{h:.1f}' "
                       f"fill='{_level_color(g)}'><title>{html.escape(run.name)}, {g}: {p}/{t} pass</title></rect>")
            x += bar
        mid = (start + x) / 2
        out.append(f"<text transform='translate({mid:.0f},{height + 18}) rotate(45)'>{html.escape(run.name)}</text>")
        x += gap
    lx = left + 6
    ly = height + label_room + 14
    for g in groups:
        out.append(f"<rect x='{lx}' y='{ly - 9}' width='10' height='10' fill='{_level_color(g)}'/>"
                   f"<text x='{lx + 14}' y='{ly}'>{g}</text>")
        lx += 20 + 7 * len(g)
    out.append("</svg>")
    return "\n".join(out)


def _security(runs: List[Run]) -> str:
    """Security-level cases any implementation fails: the first thing to read."""
    rows = []
    others = [run.name for run in runs if "reference" not in run.name]
    for row in case_rows(runs):
        if row["level"] != "security":
            continue
        failing = [run.name for run in runs if run.results.get(row["id"], {}).get("verdict", "pass") != "pass"]
        if failing and row["variant"] == "whole":
            who = "every implementation but the reference" if len(others) > 2 and failing == others else ", ".join(failing)
            rows.append(f"<tr><td><a href='#{html.escape(row['id'])}'>{html.escape(row['id'])}</a><br>"
                        f"<small>{html.escape(row['title'])}</small></td><td>{html.escape(who)}</td></tr>")
    if not rows:
        return "<h2>Security failures</h2><p>No implementation fails a security case.</p>"
    return ("<h2>Security failures</h2><p class=small>Security-level cases failed by at least one implementation "
            "(whole delivery).</p><table id=security><tr><th>case</th><th>failed by</th></tr>"
            + "\n".join(rows) + "</table>")


def _group_tables(runs: List[Run]) -> str:
    out = []
    for key in ("level", "area"):
        groups, counts = group_counts(runs, key)
        out.append(f"<h2>Pass counts by {key}</h2><table id=by-{key}><tr><th>{key}</th>"
                   + "".join(f"<th>{html.escape(r.name)}</th>" for r in runs) + "</tr>")
        for g in groups:
            cells = []
            for r in runs:
                if (g, r.name) not in counts:
                    cells.append("<td class=n>-</td>")
                    continue
                p, t = counts[(g, r.name)]
                cls = " bad-sec" if g == "security" and p < t else ""
                cells.append(f"<td class='n{cls}'>{p}/{t}</td>")
            label = f"<span class=sec>{g}</span>" if g == "security" else html.escape(g)
            out.append(f"<tr><td>{label}</td>{''.join(cells)}</tr>")
        out.append("</table>")
    return "\n".join(out)


# -- the case matrix ------------------------------------------------------------------
class _Details:
    """Failure details, deduplicated; cells refer to them by index."""

    def __init__(self) -> None:
        self.items: List[Dict[str, Any]] = []
        self.index: Dict[str, int] = {}

    def add(self, r: Dict[str, Any]) -> int:
        item = {
            "verdict": r["verdict"],
            "details": [_ports(str(d))[:600] for d in (r.get("details") or [])[:8]],
            "observed": _clip(_ports(json.dumps(r.get("observed"), indent=1, sort_keys=True, ensure_ascii=False))),
            "expected": _clip(json.dumps(r.get("expected"), indent=1, sort_keys=True, ensure_ascii=False)),
            "transcript": _transcript(r.get("transcript") or []),
            "expectation": r.get("expected_failure"),
        }
        key = json.dumps(item, sort_keys=True)
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(item)
        return self.index[key]

    def dump(self) -> str:
        text = json.dumps(self.items, separators=(",", ":"), ensure_ascii=True)
        return text.replace("</", "<\\/")  # never close the script element early


def _ports(text: str) -> str:
    return _PORT.sub(lambda m: m.group(1) + ":PORT", text)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_JSON else text[:MAX_JSON] + f"\n... ({len(text) - MAX_JSON} more characters)"


def _transcript(events: List[Dict[str, Any]]) -> List[Tuple[Any, str, str]]:
    """Consecutive writes in one direction on one connection joined (so a
    byte-wise delivery reads like a whole one), shown as Python bytes reprs."""
    merged: List[List[Any]] = []
    for e in events:
        if merged and merged[-1][0] == e["conn"] and merged[-1][1] == e["dir"]:
            merged[-1][2] += e["data"]
        else:
            merged.append([e["conn"], e["dir"], e["data"]])
    out = []
    for conn, direction, data in merged[:MAX_EVENTS]:
        shown = repr(_ports(data[:MAX_EVENT]).encode("latin-1", "replace"))
        if len(data) > MAX_EVENT:
            shown += f" ... ({len(data) - MAX_EVENT} more bytes)"
        out.append((conn, direction, shown))
    if len(merged) > MAX_EVENTS:
        out.append(("-", "...", f"{len(merged) - MAX_EVENTS} more events"))
    return out


def _visible_rows(runs: List[Run]) -> List[Dict[str, Any]]:
    """Whole-delivery rows, plus variant rows whose verdicts differ from them."""
    rows = case_rows(runs)
    whole: Dict[str, Tuple[Optional[str], ...]] = {}
    for row in rows:
        if row["variant"] == "whole":
            whole[row["case"]] = tuple(run.results.get(row["id"], {}).get("verdict") for run in runs)
    out = []
    for row in rows:
        if row["variant"] != "whole":
            vector = tuple(run.results.get(row["id"], {}).get("verdict") for run in runs)
            if whole.get(row["case"]) == vector:
                continue
        out.append(row)
    out.sort(key=lambda r: (r["suite"], r["area"], r["case"], r["variant"] != "whole", r["id"]))
    return out


def _matrix(runs: List[Run], reqs: Dict[str, Requirement], details: _Details) -> str:
    out = ["<table id=matrix><thead><tr><th>case</th><th>level</th><th>requirements</th>"
           + "".join(f"<th class=impl>{html.escape(r.name)}</th>" for r in runs) + "</tr></thead><tbody>"]
    area = None
    for row in _visible_rows(runs):
        if (row["suite"], row["area"]) != area:
            area = (row["suite"], row["area"])
            out.append(f"<tr class=area><td colspan={3 + len(runs)}>{html.escape(row['suite'])} / "
                       f"{html.escape(row['area'])}</td></tr>")
        verdicts = [run.results.get(row["id"], {}).get("verdict") for run in runs]
        bad = any(v not in (None, "pass", "skip") for v in verdicts)
        cls = "case" + (" security" if row["level"] == "security" else "") + (" bad" if bad else " ok")
        rid = html.escape(row["id"])
        if row["variant"] == "whole":
            name = (f"{rid}<br><small>{html.escape(row['title'])}</small>")
            links = " ".join(_req_link(r, reqs) for r in row["reqs"])
            level = f"<span class=sec>security</span>" if row["level"] == "security" else html.escape(row["level"])
        else:
            name, links, level = f"{rid}<br><small>delivery variant: {html.escape(row['variant'])}</small>", "", ""
        cells = "".join(_cell(run.results.get(row["id"]), details) for run in runs)
        out.append(f"<tr class='{cls}' id='{rid}' data-id='{rid}'><td class=c>{name}</td><td>{level}</td>"
                   f"<td>{links}</td>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _req_link(rid: str, reqs: Dict[str, Requirement]) -> str:
    req = reqs.get(rid)
    if req is None:
        return html.escape(rid)
    return (f"<a href='{html.escape(req.url)}' title='{html.escape(req.text)}'>"
            f"{html.escape(req.source)}</a>")


def _cell(r: Optional[Dict[str, Any]], details: _Details) -> str:
    if r is None:
        return "<td class=m>-</td>"
    v = r["verdict"]
    short = SHORT.get(v, "e")
    metrics = r.get("metrics")
    note = ""
    if metrics:  # measured by the case, e.g. time and memory against a hostile server
        note = " title='" + html.escape(", ".join(
            f"{k}={m:.3g}" if isinstance(m, float) else f"{k}={m}" for k, m in sorted(metrics.items()))) + "'"
    if v in ("pass", "skip"):
        return f"<td class={short}{note}>{'&#10003;' if v == 'pass' else 'skip'}</td>"
    expected = r.get("expected_failure")
    cls = short + (" x" if expected and expected.get("verdict") == v else "")
    return f"<td class='{cls}' data-d={details.add(r)}{note}>{v}</td>"
