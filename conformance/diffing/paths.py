"""Where the differential mode reads and writes, and how side labels become
file names (reports and benign files share the <A>--<B> naming)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DIFF_DIR = ROOT / "reports" / "diff"
BENIGN_DIR = DIFF_DIR / "benign"


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", label).strip("_")
