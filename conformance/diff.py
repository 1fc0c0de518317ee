"""`python -m conformance diff`: compare two implementations exchange by
exchange. The code lives in conformance/diffing/ (one module per job, listed
in its __init__; the user documentation is diffing/cli.py's docstring).

This module keeps the name that conformance/__main__.py loads the subcommand
by, that the tests import, and that each side's worker is started with
(`python -m conformance.diff --worker TARGET`), so it only re-exports.
"""
from __future__ import annotations

import sys

from .diffing.benign import Benign, benign_file, load_benign
from .diffing.classify import CLASSES, Divergence, classify
from .diffing.cli import add_parser, main
from .diffing.generate import GEN_TIMEOUT, exchange_strategy, generate, reproducer
from .diffing.observe import EXC_KEYS, observation, scrub
from .diffing.paths import BENIGN_DIR, DIFF_DIR, ROOT, slug
from .diffing.report import markdown
from .diffing.run import run_diff
from .diffing.shrink import shrink
from .diffing.worker import Side, ask_both, exchange_case, find_python, worker_main

__all__ = [
    "BENIGN_DIR", "CLASSES", "DIFF_DIR", "EXC_KEYS", "GEN_TIMEOUT", "ROOT", "Benign", "Divergence", "Side",
    "add_parser", "ask_both", "benign_file", "classify", "exchange_case", "exchange_strategy", "find_python",
    "generate", "load_benign", "markdown", "observation", "reproducer", "run_diff", "scrub", "shrink", "slug",
    "worker_main",
]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
