"""Known benign differences: reports/diff/benign/<A>--<B>.toml (either
order), each entry a class, an optional case glob and summary substring, and
the reason the difference is harmless."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from .classify import CLASSES, Divergence
from .paths import BENIGN_DIR, slug


@dataclass
class Benign:
    cls: str
    reason: str
    case: str = "*"
    match: str = ""

    def covers(self, d: Divergence) -> bool:
        return d.cls == self.cls and fnmatch.fnmatchcase(d.case, self.case) and self.match in d.summary


def benign_file(a: str, b: str) -> Optional[Path]:
    for x, y in ((a, b), (b, a)):
        path = BENIGN_DIR / f"{slug(x)}--{slug(y)}.toml"
        if path.exists():
            return path
    return None


def load_benign(path: Optional[Path]) -> List[Benign]:
    if path is None:
        return []
    from ..cases import tomllib

    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = []
    for raw in data.get("benign", []):
        if raw.get("class") not in CLASSES or not str(raw.get("reason", "")).strip():
            raise SystemExit(f"error: {path}: each [[benign]] needs a class in {CLASSES} and a reason")
        out.append(Benign(raw["class"], raw["reason"], raw.get("case", "*"), raw.get("match", "")))
    return out
