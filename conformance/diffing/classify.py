"""The classes of divergence, and how two observations of the same exchange
are compared into them."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

CLASSES = ("boundary", "accept-reject", "exception", "exception-attrs", "status", "headers", "body",
           "request", "outcome")


def _short(v: Any, n: int = 160) -> str:
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return text if len(text) <= n else text[:n] + "..."


def _exc(o: Dict[str, Any]) -> str:
    e = o.get("exception")
    return "no exception" if not e else f"{e.get('name')}@step{e.get('step')}({_short(e.get('args'), 80)})"


def classify(a: Dict[str, Any], b: Dict[str, Any]) -> List[Tuple[str, str]]:
    """Every difference between two observations, most severe first, as
    (class, one-line summary with A's side then B's)."""
    out: List[Tuple[str, str]] = []
    if a.get("outcome") != b.get("outcome"):
        out.append(("outcome", f"{a.get('outcome')} vs {b.get('outcome')}"))
        return out
    ra, rb = a.get("responses", []), b.get("responses", [])
    if a.get("connections") != b.get("connections"):
        out.append(("boundary", f"connections {a.get('connections')} vs {b.get('connections')}"))
    elif len(ra) != len(rb) and bool(a.get("exception")) == bool(b.get("exception")):
        out.append(("boundary", f"{len(ra)} vs {len(rb)} responses"))
    ea, eb = a.get("exception"), b.get("exception")
    if bool(ea) != bool(eb):
        out.append(("accept-reject", f"{_exc(a)} vs {_exc(b)}"))
    elif ea and eb:
        if (ea.get("name"), ea.get("step")) != (eb.get("name"), eb.get("step")):
            out.append(("exception", f"{_exc(a)} vs {_exc(b)}"))
        elif ea != eb:
            keys = sorted(k for k in set(ea) | set(eb) if ea.get(k) != eb.get(k))
            out.append(("exception-attrs", f"{ea.get('name')}: " + "; ".join(
                f"{k} {_short(ea.get(k), 60)} vs {_short(eb.get(k), 60)}" for k in keys)))
    for i, (x, y) in enumerate(zip(ra, rb)):
        tag = f"response {i + 1}: " if len(ra) > 1 or len(rb) > 1 else ""
        for key in ("status", "reason", "version"):
            if x.get(key) != y.get(key):
                out.append(("status", f"{tag}{key} {_short(x.get(key))} vs {_short(y.get(key))}"))
        if x.get("headers") != y.get("headers"):
            out.append(("headers", f"{tag}{_short(x.get('headers'))} vs {_short(y.get('headers'))}"))
        if x.get("body") != y.get("body"):
            out.append(("body", f"{tag}{_short(x.get('body'))} vs {_short(y.get('body'))}"))
    if a.get("sent") != b.get("sent") and not any(c == "boundary" for c, _ in out):
        out.append(("request", f"{_short(a.get('sent'))} vs {_short(b.get('sent'))}"))
    if a.get("values") != b.get("values") and not out:
        out.append(("status", f"values {_short(a.get('values'))} vs {_short(b.get('values'))}"))
    # dedupe classes, keep the first summary of each
    seen: Dict[str, str] = {}
    for cls, text in out:
        seen.setdefault(cls, text)
    return sorted(seen.items(), key=lambda kv: CLASSES.index(kv[0]))


@dataclass
class Divergence:
    case: str
    cls: str
    summary: str
    others: List[Tuple[str, str]] = field(default_factory=list)
    reproducer: str = ""
    benign: str = ""  # the reason, when a benign entry covers it
    shrunk: bool = False
