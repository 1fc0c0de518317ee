"""Cases as data: the model and the validating loader for fixtures/*.toml.

The format is documented in fixtures/README.md. Every problem is reported
with the file and case id, all at once, before anything runs.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from servers.script import ScriptError, Step, parse_script

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.8-3.10
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LEVELS = ("api", "compat", "rfc-must", "rfc-should", "security")
DEFAULT_TIMEOUT = 1.0  # the client's socket timeout unless a case sets one
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
CASE_KEYS = {
    "id", "title", "level", "area", "reqs", "server", "client", "expect",
    "connection", "python", "delivery", "family", "timeout", "notes",
}
OUTCOME_KEYS = {
    "status", "reason", "version", "headers", "body", "responses", "raises",
    "attrs", "raised_at", "sent", "connections", "values",
}
RESPONSE_KEYS = {"status", "reason", "version", "headers", "body"}
STEP_FORMS = ("do", "get", "eval", "body")
STEP_KEYS = {"do", "get", "eval", "body", "args", "kwargs", "as", "n", "catch"}
BODY_MODES = ("read", "read-n", "read1", "readinto", "readline", "readlines", "iter", "peek-read")


class FixtureError(ValueError):
    """A fixture file is invalid; the message names file and case."""


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    level: str
    area: str
    reqs: Tuple[str, ...]
    server: Tuple[Step, ...]
    client: Tuple[Dict[str, Any], ...]
    outcomes: Tuple[Dict[str, Any], ...]
    source: str  # fixture file, relative to the project
    suite: str  # fixtures sub-folder: response, request, connection
    connection: Dict[str, Any] = field(default_factory=dict)
    python: str = ""  # version condition, e.g. ">=3.12"
    delivery: Tuple[str, ...] = ("whole",)
    family: str = "ipv4"
    timeout: float = DEFAULT_TIMEOUT
    notes: str = ""
    raw_server: Tuple[Any, ...] = ()
    # The case spends its time waiting on purpose (a client timeout shorter
    # than the default, met by a silent or slow server): see prefetch.py.
    waits: bool = False


DEFAULT_CLIENT = (
    {"do": "conn.request", "args": ["GET", "/"]},
    {"do": "conn.getresponse"},
    {"body": "read"},
)


def load_all(root: Path = FIXTURES) -> List[Case]:
    """Every case under fixtures/, validated; FixtureError lists all problems."""
    cases: List[Case] = []
    problems: List[str] = []
    for path in sorted(root.glob("*/*.toml")):
        try:
            cases.extend(load_file(path, root))
        except FixtureError as exc:
            problems.append(str(exc))
    seen: Dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.source}: case id {case.id!r} also in {seen[case.id]}")
        seen[case.id] = case.source
    if problems:
        raise FixtureError("invalid fixtures:\n  " + "\n  ".join(problems))
    return cases


def load_file(path: Path, root: Path = FIXTURES) -> List[Case]:
    rel = os.path.relpath(path, root.parent)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise FixtureError(f"{rel}: not valid TOML: {exc}") from None
    defaults = data.get("defaults", {})
    unknown_top = set(data) - {"defaults", "case"}
    if unknown_top:
        raise FixtureError(f"{rel}: unknown top-level keys {sorted(unknown_top)}")
    problems: List[str] = []
    out: List[Case] = []
    for i, raw in enumerate(data.get("case", [])):
        merged = {**defaults, **raw}
        cid = merged.get("id", f"#{i + 1}")
        try:
            out.append(_case(merged, rel, path.parent.name, path.stem))
        except (FixtureError, ScriptError) as exc:
            problems.append(f"{rel}: case {cid}: {exc}")
    if problems:
        raise FixtureError("\n  ".join(problems))
    return out


def _case(raw: Dict[str, Any], rel: str, suite: str, stem: str) -> Case:
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise FixtureError(f"unknown keys {sorted(unknown)}")
    for key in ("id", "title", "level", "reqs", "server", "expect"):
        if key not in raw:
            raise FixtureError(f"missing {key!r}")
    cid = raw["id"]
    if not isinstance(cid, str) or not ID_RE.match(cid):
        raise FixtureError(f"id {cid!r} is not a slug (lowercase letters, digits, '-', '.')")
    if raw["level"] not in LEVELS:
        raise FixtureError(f"level {raw['level']!r} is not one of {LEVELS}")
    reqs = raw["reqs"]
    if not isinstance(reqs, list) or not reqs or not all(isinstance(r, str) for r in reqs):
        raise FixtureError("reqs must be a non-empty list of requirement ids")
    expect = raw["expect"]
    outcomes = [expect] if isinstance(expect, dict) else expect
    if not isinstance(outcomes, list) or not outcomes:
        raise FixtureError("expect must be a table or a non-empty list of tables")
    for o in outcomes:
        _check_outcome(o)
    client = raw.get("client", DEFAULT_CLIENT)
    if not isinstance(client, (list, tuple)) or not client:
        raise FixtureError("client must be a non-empty list of steps")
    for step in client:
        _check_step(step)
    delivery = raw.get("delivery", ["whole"])
    if not isinstance(delivery, list) or not set(delivery) <= {"whole", "bytewise", "split"} or "whole" not in delivery:
        raise FixtureError("delivery must list modes from whole, bytewise, split, including whole")
    family = raw.get("family", "ipv4")
    if family not in ("ipv4", "ipv6"):
        raise FixtureError("family is ipv4 or ipv6")
    timeout = float(raw.get("timeout", DEFAULT_TIMEOUT))
    conn = raw.get("connection", {})
    if not isinstance(conn, dict) or not set(conn) <= {"class", "args", "kwargs"}:
        raise FixtureError("connection takes class, args, kwargs")
    python = raw.get("python", "")
    if python:
        parse_condition(python)
    return Case(
        id=cid,
        title=raw["title"],
        level=raw["level"],
        area=raw.get("area", stem),
        reqs=tuple(reqs),
        server=parse_script(raw["server"]),
        client=tuple(client),
        outcomes=tuple(outcomes),
        source=rel,
        suite=suite,
        connection=conn,
        python=python,
        delivery=tuple(delivery),
        family=family,
        timeout=timeout,
        notes=raw.get("notes", ""),
        raw_server=tuple(raw["server"]),
        waits=timeout < DEFAULT_TIMEOUT,
    )


def _check_outcome(o: Any) -> None:
    if not isinstance(o, dict) or not o:
        raise FixtureError("an outcome is a non-empty table")
    unknown = set(o) - OUTCOME_KEYS
    if unknown:
        raise FixtureError(f"unknown outcome keys {sorted(unknown)}; allowed: {sorted(OUTCOME_KEYS)}")
    if ("attrs" in o or "raised_at" in o) and "raises" not in o:
        raise FixtureError("attrs/raised_at need raises")
    for r in o.get("responses", []):
        if not isinstance(r, dict) or not set(r) <= RESPONSE_KEYS:
            raise FixtureError(f"responses entries take {sorted(RESPONSE_KEYS)}")
    if "headers" in o:
        _check_headers(o["headers"])
    for key in ("status", "version", "connections"):
        if key in o and not isinstance(o[key], int):
            raise FixtureError(f"{key} must be an integer")
    if "sent" in o and not isinstance(o["sent"], (str, list)):
        raise FixtureError("sent is a string or a list of strings (one per connection)")


def _check_headers(h: Any) -> None:
    if not isinstance(h, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in h
    ):
        raise FixtureError("headers is a list of [name, value] pairs")


def _check_step(step: Any) -> None:
    if not isinstance(step, dict):
        raise FixtureError(f"a client step is a table, got {step!r}")
    forms = [k for k in STEP_FORMS if k in step]
    if len(forms) != 1:
        raise FixtureError(f"a client step has exactly one of {STEP_FORMS}: {step!r}")
    unknown = set(step) - STEP_KEYS
    if unknown:
        raise FixtureError(f"unknown client step keys {sorted(unknown)}")
    if "body" in step and step["body"] not in BODY_MODES:
        raise FixtureError(f"body mode {step['body']!r} not in {BODY_MODES}")
    for key in ("do", "get"):
        if key in step and not re.match(r"^(conn|resp|impl)\.[A-Za-z_][A-Za-z0-9_]*$", step[key]):
            raise FixtureError(f"{key} names conn.X, resp.X or impl.X, got {step[key]!r}")


# -- version conditions ('>=3.12', '>=3.11.4,<3.12') -------------------------
_COND_RE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+){0,2})\s*$")


def parse_condition(text: str) -> List[Tuple[str, Tuple[int, ...]]]:
    out = []
    for part in text.split(","):
        m = _COND_RE.match(part)
        if not m:
            raise FixtureError(f"bad version condition {text!r} (use e.g. '>=3.11.4,<3.12')")
        out.append((m.group(1), tuple(int(x) for x in m.group(2).split("."))))
    return out


def version_matches(text: str, version: Sequence[int] = sys.version_info[:3]) -> bool:
    """True if `version` meets every clause; clauses compare on their own
    precision ('<3.12' is about 3.12.x as a whole)."""
    if not text:
        return True
    for op, want in parse_condition(text):
        have = tuple(version[: len(want)])
        ok = {
            ">=": have >= want, "<=": have <= want, ">": have > want,
            "<": have < want, "==": have == want, "!=": have != want,
        }[op]
        if not ok:
            return False
    return True
