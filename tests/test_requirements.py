"""The requirement index and the cases agree: every requirement is checked
by at least one case, and every case names only known requirements."""
from __future__ import annotations

import importlib
from pathlib import Path

from conformance import codecase
from conformance.cases import load_all
from conformance.requirements import index, load_all as load_requirements

CONFORMANCE = Path(__file__).resolve().parent.parent / "conformance"


def all_cases():
    for path in sorted(CONFORMANCE.glob("test_*.py")):
        importlib.import_module(f"conformance.{path.stem}")  # registers code cases
    return load_all() + list(codecase.REGISTRY.values())


def test_every_case_names_known_requirements():
    reqs = load_requirements()
    unknown = sorted({(c.id, r) for c in all_cases() for r in c.reqs if r not in reqs})
    assert not unknown, f"cases naming unknown requirements: {unknown[:30]}"


def test_every_requirement_has_a_case():
    covered = index(all_cases())
    missing = sorted(set(load_requirements()) - set(covered))
    assert not missing, f"requirements without a case: {missing}"


def test_case_ids_are_unique_across_data_and_code():
    ids = [c.id for c in all_cases()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, dupes
