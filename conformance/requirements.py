"""The requirement index: requirements derived from the http.client
documentation and the RFCs, each with an id and its source, mapped to the
cases that check them (cases name their requirements in `reqs`).

Files: conformance/requirements/*.toml, each a list of

    [[req]]
    id = "rfc9112-7.1-chunk-size-hex"
    source = "rfc9112#section-7.1"      # or "doc#HTTPResponse.read"
    text = "chunk-size = 1*HEXDIG"      # the statement, quoted or paraphrased
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List

from .cases import Case, FixtureError, tomllib

REQ_DIR = Path(__file__).resolve().parent / "requirements"
SOURCE_RE = re.compile(r"^(doc#[A-Za-z0-9_.()-]+|rfc(9112|9110|7230)#section-[0-9.]+)$")
SPEC_URLS = {
    "rfc9112": "https://www.rfc-editor.org/rfc/rfc9112.html",
    "rfc9110": "https://www.rfc-editor.org/rfc/rfc9110.html",
    "rfc7230": "https://www.rfc-editor.org/rfc/rfc7230.html",
    "doc": "https://docs.python.org/3.13/library/http.client.html",
}


@dataclass(frozen=True)
class Requirement:
    id: str
    source: str
    text: str
    file: str

    @property
    def url(self) -> str:
        doc, _, anchor = self.source.partition("#")
        if doc == "doc":
            return f"{SPEC_URLS['doc']}#http.client.{anchor}"
        return f"{SPEC_URLS[doc]}#{anchor}"


def load_all(root: Path = REQ_DIR, strict: bool = True) -> Dict[str, Requirement]:
    """Every requirement by id. `strict=False` keeps the first of duplicate
    definitions instead of failing (tests/test_requirements.py stays strict)."""
    reqs: Dict[str, Requirement] = {}
    problems: List[str] = []
    for path in sorted(root.glob("*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for raw in data.get("req", []):
            rid = raw.get("id", "?")
            if set(raw) != {"id", "source", "text"}:
                problems.append(f"{path.name}: {rid}: needs exactly id, source, text")
            elif not SOURCE_RE.match(raw["source"]):
                problems.append(f"{path.name}: {rid}: source {raw['source']!r} is not doc#Name or rfcNNNN#section-N.N")
            elif rid in reqs:
                if strict:
                    problems.append(f"{path.name}: {rid}: defined twice")
            else:
                reqs[rid] = Requirement(rid, raw["source"], raw["text"], path.name)
    if problems:
        raise FixtureError("invalid requirement index:\n  " + "\n  ".join(problems))
    return reqs


def index(cases: Iterable[Case]) -> Dict[str, List[str]]:
    """requirement id -> ids of the cases that check it."""
    out: Dict[str, List[str]] = {}
    for case in cases:
        for r in case.reqs:
            out.setdefault(r, []).append(case.id)
    return out
