"""Text outputs: the terminal summary table, Markdown (for a CI job
summary) and JUnit XML (for CI systems)."""
from __future__ import annotations

from typing import List
from xml.sax.saxutils import escape, quoteattr

from .results import Run, group_counts

COLUMNS = ("pass", "fail", "timeout", "unsupported", "error")


def summary_table(runs: List[Run]) -> str:
    width = max([len(r.name) for r in runs] + [14])
    head = f"{'implementation':<{width}}  " + "  ".join(f"{c:>11}" for c in COLUMNS) + "  unexpected"
    lines = [head, "-" * len(head)]
    for run in runs:
        counts = run.counts
        cells = "  ".join(f"{counts.get(c, 0):>11}" for c in COLUMNS)
        lines.append(f"{run.name:<{width}}  {cells}  {len(run.unexpected()):>10}")
    return "\n".join(lines)


def markdown(runs: List[Run]) -> str:
    out = ["# http.client conformance summary", ""]
    out.append("| implementation | " + " | ".join(COLUMNS) + " | unexpected |")
    out.append("|---|" + "---:|" * (len(COLUMNS) + 1))
    for run in runs:
        c = run.counts
        out.append(f"| {run.name} | " + " | ".join(str(c.get(k, 0)) for k in COLUMNS) + f" | {len(run.unexpected())} |")
    for key in ("level", "area"):
        groups, counts = group_counts(runs, key)
        out += ["", f"## Pass counts by {key}", "", f"| {key} | " + " | ".join(r.name for r in runs) + " |",
                "|---|" + "---:|" * len(runs)]
        for g in groups:
            cells = []
            for run in runs:
                p, t = counts.get((g, run.name), (0, 0))
                cells.append(f"{p}/{t}" if t else "-")
            out.append(f"| {g} | " + " | ".join(cells) + " |")
    security: dict = {}
    for run in runs:
        for r in run.results.values():
            if r["level"] == "security" and r["verdict"] != "pass" and r.get("variant", "whole") == "whole":
                security.setdefault(r["id"], []).append(run.name)
    if security:
        out += ["", "## Security-level failures", "",
                "Cases at level `security` that an implementation fails (whole delivery), expected or not:", ""]
        others = [run.name for run in runs if "reference" not in run.name]
        for rid in sorted(security):
            names = security[rid]
            who = "every implementation but the reference" if len(others) > 2 and names == others else ", ".join(names)
            out.append(f"- `{rid}`: {who}")
    bad = [(run, r) for run in runs for r in run.unexpected()]
    if bad:
        out += ["", "## Unexpected results", ""]
        for run, r in bad[:200]:
            why = "unexpected pass" if r["verdict"] == "pass" else r["verdict"]
            detail = "; ".join(r.get("details", []))[:300].replace("|", "\\|")
            out.append(f"- **{run.name}** `{r['id']}` ({r['level']}): {why}. {detail}")
        if len(bad) > 200:
            out.append(f"- ... and {len(bad) - 200} more")
    return "\n".join(out) + "\n"


def junit(runs: List[Run]) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<testsuites>"]
    for run in runs:
        results = sorted(run.results.values(), key=lambda r: r["id"])
        fails = sum(1 for r in run.unexpected() if r["verdict"] != "error")
        errors = sum(1 for r in results if r["verdict"] == "error")
        out.append(
            f"  <testsuite name={quoteattr(run.name)} tests=\"{len(results)}\" failures=\"{fails}\" "
            f"errors=\"{errors}\" time=\"{sum(r.get('duration', 0) for r in results):.3f}\">"
        )
        unexpected = {r["id"] for r in run.unexpected()}
        for r in results:
            attrs = f"classname={quoteattr(r['suite'] + '.' + r['area'])} name={quoteattr(r['id'])} time=\"{r.get('duration', 0):.4f}\""
            out.append(f"    <testcase {attrs}>")
            message = f"{r['verdict']}: {r['title']}"
            body = escape("\n".join(r.get("details", [])))
            if r["verdict"] == "error":
                out.append(f"      <error message={quoteattr(message)}>{body}</error>")
            elif r["id"] in unexpected:
                if r["verdict"] == "pass":
                    message = "unexpected pass: listed in the expectations file"
                out.append(f"      <failure message={quoteattr(message)}>{body}</failure>")
            elif r["verdict"] != "pass":
                reason = (r.get("expected_failure") or {}).get("reason", "")
                out.append(f"      <skipped message={quoteattr('expected ' + r['verdict'] + ': ' + reason)}/>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
