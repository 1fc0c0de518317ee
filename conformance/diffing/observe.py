"""What a side reports for one exchange: the comparable part of a runner
Result, with what differs from run to run removed."""
from __future__ import annotations

import re
from typing import Any, Dict

EXC_KEYS = ("name", "step", "args", "partial", "expected", "line", "line_type", "errno", "reason")

_ADDR = re.compile(r"(?<= at )0x[0-9a-fA-F]+")
_HOSTPORT = re.compile(r"(127\.0\.0\.1|\[::1\]|::1|localhost):\d+")


def scrub(value: Any) -> Any:
    """Remove what differs from run to run: ports, object addresses."""
    if isinstance(value, str):
        return _ADDR.sub("0x?", _HOSTPORT.sub(r"\1:{port}", value))
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


def observation(result: Any) -> Dict[str, Any]:
    """The comparable part of a runner Result."""
    o = result.observed or {}
    out: Dict[str, Any] = {
        "outcome": result.verdict if result.verdict in ("timeout", "unsupported", "error") else "done",
        "responses": o.get("responses", []),
        "connections": o.get("connections"),
        "sent": o.get("sent", []),
        "values": o.get("values", {}),
    }
    exc = o.get("exception")
    if exc:
        out["exception"] = {k: exc[k] for k in EXC_KEYS if k in exc}
        out["exception_str"] = exc.get("str", "")
    if out["outcome"] != "done":
        out["details"] = result.details[:3]
    return scrub(out)
