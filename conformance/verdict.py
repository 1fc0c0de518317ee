"""Compare an observation with a case's acceptable outcomes.

Values are compared in a tagged, JSON-able normal form so that types count:
bytes are {"bytes": ...}, None is {"none": true}, so a str body where bytes
are due is a mismatch, not a pass.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .driver import Observation, ResponseObs
from .targets import Target, Unsupported

BYTES_FIELDS = ("body", "partial", "sent")
EXC_ATTRS = ("args", "partial", "expected", "line", "line_type", "version", "errno", "reason", "verify_code")


def normalize(value: Any, depth: int = 0) -> Any:
    """A JSON-able, type-tagged form of an observed value."""
    if depth > 8:
        return {"repr": repr(value)[:200]}
    if value is None:
        return {"none": True}
    if isinstance(value, bool) or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, bytes):
        return {"bytes": value.decode("latin-1")}
    if isinstance(value, bytearray):
        return {"bytearray": value.decode("latin-1")}
    if isinstance(value, memoryview):
        return {"memoryview": value.tobytes().decode("latin-1")}
    if isinstance(value, (list, tuple)):
        return [normalize(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): normalize(v, depth + 1) for k, v in value.items()}
    return {"repr": repr(value)[:500]}


def expected_form(key: str, value: Any, expand: Any) -> Any:
    """A fixture's expected value in normal form; `expand` fills placeholders."""
    value = expand(value)
    if key in BYTES_FIELDS and isinstance(value, str):
        return {"bytes": value}
    if key in BYTES_FIELDS and isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).decode("latin-1")}
    return normalize(value) if not isinstance(value, dict) else _tagged(value)


def _tagged(value: Dict[str, Any]) -> Any:
    # Already-tagged tables ({bytes=...}) stay as they are, values normalised.
    if set(value) in ({"bytes"}, {"bytearray"}, {"none"}, {"repr"}):
        return value
    return {k: normalize(v) if not isinstance(v, dict) else _tagged(v) for k, v in value.items()}


def exception_summary(exc: BaseException) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "name": type(exc).__name__,
        "str": _safe(str, exc),
        "repr": _safe(repr, exc),
    }
    for attr in EXC_ATTRS:
        if hasattr(exc, attr):
            out[attr] = normalize(getattr(exc, attr))
    return out


def _safe(fn: Any, exc: BaseException) -> str:
    try:
        return str(fn(exc))
    except Exception as err:  # noqa: BLE001 - a broken __str__ is itself observable
        return f"<{fn.__name__} raised {type(err).__name__}>"


def response_form(r: ResponseObs) -> Dict[str, Any]:
    return {
        "status": normalize(r.status),
        "reason": normalize(r.reason),
        "version": normalize(r.version),
        "headers": normalize(r.headers),
        "body": normalize(bytes(r.body)) if r.body is not None else {"none": True},
    }


class Checker:
    """Checks one observation against outcomes for one run."""

    def __init__(self, target: Target, obs: Observation, received: List[bytes], connections: int, expand: Any):
        self.target = target
        self.obs = obs
        self.received = received
        self.connections = connections
        self.expand = expand

    def best(self, outcomes: Tuple[Dict[str, Any], ...]) -> Tuple[bool, List[str]]:
        """(passed, mismatches of the closest outcome)."""
        closest: Optional[List[str]] = None
        for outcome in outcomes:
            problems = self.check(outcome)
            if not problems:
                return True, []
            if closest is None or len(problems) < len(closest):
                closest = problems
        return False, closest or []

    def check(self, o: Dict[str, Any]) -> List[str]:
        p: List[str] = []
        p += self._check_exception(o)
        first = {k: o[k] for k in ("status", "reason", "version", "headers", "body") if k in o}
        if first:
            if not self.obs.responses:
                p.append("expected a response, got none")
            else:
                p += self._check_response(first, self.obs.responses[0], "")
        if "responses" in o:
            if len(o["responses"]) != len(self.obs.responses):
                p.append(f"expected {len(o['responses'])} responses, got {len(self.obs.responses)}")
            for i, (want, got) in enumerate(zip(o["responses"], self.obs.responses)):
                p += self._check_response(want, got, f"response {i + 1}: ")
        if "sent" in o:
            want_sent = o["sent"] if isinstance(o["sent"], list) else [o["sent"]]
            want = [expected_form("sent", s, self.expand) for s in want_sent]
            got = [normalize(b) for b in self.received]
            if want != got:
                p.append(f"bytes received by the server: expected {want}, got {got}")
        if "connections" in o and o["connections"] != self.connections:
            p.append(f"expected {o['connections']} connection(s), the server saw {self.connections}")
        for name, want in o.get("values", {}).items():
            if name not in self.obs.values:
                p.append(f"value {name!r} not recorded (the program stopped before it)")
                continue
            w = expected_form(name, want, self.expand)
            g = normalize(self.obs.values[name])
            if w != g:
                p.append(f"value {name!r}: expected {w!r}, got {g!r}")
        return p

    def _check_response(self, want: Dict[str, Any], got: ResponseObs, prefix: str) -> List[str]:
        p = []
        form = response_form(got)
        for key, value in want.items():
            w = expected_form(key, value, self.expand)
            if key == "body" and got.body is None:
                p.append(f"{prefix}body expected {w!r}, but it was not read")
            elif form[key] != w:
                p.append(f"{prefix}{key}: expected {w!r}, got {form[key]!r}")
        return p

    def _check_exception(self, o: Dict[str, Any]) -> List[str]:
        exc = self.obs.exception
        if "raises" not in o:
            if exc is not None:
                return [f"unexpected exception {type(exc).__name__}: {_safe(str, exc)}"]
            return []
        name: str = o["raises"]
        subclass_ok = name.endswith("*")
        cls = self.target.exception(name.rstrip("*"))  # Unsupported if absent
        if exc is None:
            return [f"expected {name} to be raised, nothing was"]
        ok = isinstance(exc, cls) if subclass_ok else type(exc) is cls
        p = []
        if not ok:
            p.append(f"expected {name}, got {type(exc).__module__}.{type(exc).__name__}: {_safe(str, exc)}")
        at = o.get("raised_at")
        if at is not None:
            where = self.obs.exc_name if isinstance(at, str) else self.obs.exc_step
            if where != at:
                p.append(f"expected the exception at step {at!r}, it came at {where!r}")
        for attr, want in o.get("attrs", {}).items():
            w = expected_form(attr, want, self.expand)
            if attr in ("str", "repr"):
                g = _safe(str if attr == "str" else repr, exc)
            elif not hasattr(exc, attr):
                p.append(f"exception has no attribute {attr!r}")
                continue
            else:
                g = normalize(getattr(exc, attr))
            if g != w:
                p.append(f"exception {attr}: expected {w!r}, got {g!r}")
        return p


def is_timeout(exc: Optional[BaseException]) -> bool:
    import socket

    return exc is not None and isinstance(exc, (socket.timeout, TimeoutError))


__all__ = ["Checker", "Unsupported", "normalize", "exception_summary", "is_timeout", "response_form"]
