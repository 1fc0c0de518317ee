"""Expectation files: the cases an implementation is known to fail, and why.

    implementation = "cpython-3.11"
    [[fail]]
    id = "status-1xx-103-skipped"      # a case id, or case@variant
    reason = "returns 103 as the final response (gh-..)"
    verdict = "fail"                   # optional: fail (default), timeout, unsupported
    python = ">=3.11.0,<3.11.9"        # optional: narrows to patch releases

An entry for a case id covers all its delivery variants; an entry for
`id@variant` only that variant. With a file, a run fails only on results
that differ from it: unexpected failures and unexpected passes.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from .cases import FixtureError, parse_condition, tomllib, version_matches

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "reports" / "expectations"
ENTRY_KEYS = {"id", "reason", "verdict", "python"}


@dataclass(frozen=True)
class Entry:
    id: str
    reason: str
    verdict: str = "fail"
    python: str = ""


class Expectations:
    def __init__(self, entries: Iterable[Entry], path: str = "", implementation: str = "") -> None:
        self.path = path
        self.implementation = implementation
        self.entries: Dict[str, Entry] = {}
        for e in entries:
            if version_matches(e.python):
                self.entries[e.id] = e

    def lookup(self, result_id: str) -> Optional[Entry]:
        return self.entries.get(result_id) or self.entries.get(result_id.split("@", 1)[0])

    def unknown_ids(self, known: Iterable[str]) -> List[str]:
        known_set = set(known)
        return sorted(i for i in self.entries if i.split("@", 1)[0] not in known_set)


def load(path: str) -> Expectations:
    p = Path(path)
    try:
        with open(p, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise FixtureError(f"expectations file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FixtureError(f"{path}: not valid TOML: {exc}") from None
    entries = []
    problems = []
    for i, raw in enumerate(data.get("fail", [])):
        unknown = set(raw) - ENTRY_KEYS
        if unknown or "id" not in raw or not str(raw.get("reason", "")).strip():
            problems.append(f"entry {i + 1} ({raw.get('id', '?')}): needs id and a non-empty reason; keys {sorted(ENTRY_KEYS)}")
            continue
        if raw.get("verdict", "fail") not in ("fail", "timeout", "unsupported"):
            problems.append(f"entry {raw['id']}: verdict is fail, timeout or unsupported")
            continue
        if raw.get("python"):
            parse_condition(raw["python"])
        entries.append(Entry(raw["id"], raw["reason"].strip(), raw.get("verdict", "fail"), raw.get("python", "")))
    if problems:
        raise FixtureError(f"{path}: " + "; ".join(problems))
    return Expectations(entries, str(p), data.get("implementation", ""))


def default_file_for_stdlib() -> Path:
    """reports/expectations/cpython-3.11.toml for this interpreter."""
    return EXPECTATIONS_DIR / f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}.toml"
