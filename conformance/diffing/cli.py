"""Differential mode: run the same exchanges on two implementations and
report every difference in what they observably do.

    python -m conformance diff --impl reference --against stdlib
    python -m conformance diff --impl stdlib@3.8 --against stdlib@3.13
    python -m conformance diff --impl eventlet.green.http.client --against stdlib --examples 300

A side is TARGET[@PYTHON]: any --impl target, run by this interpreter or by
PYTHON (a path, or a version like 3.8 found under pyenv or on PATH). Each
side is a worker subprocess (`python -m conformance.diff --worker TARGET`)
that plays exchanges through the suite's runner and answers with normalised
observations: status, reason, version, header list, body bytes, exception
class and attributes, the request bytes the server received, connection
count. The exchanges are every data case of fixtures/ (its server script and
client program; its expectations are ignored) and a stream of generated
exchanges (conformance/strategies.py: valid, near-valid and pipelined
responses, cut into random TCP writes, read with one of the driver's body
modes, then a second request on the same connection).

Each divergence gets one class, most severe first:

    boundary        different connection count or number of responses: the
                    message boundary or connection reuse differs (the
                    request-smuggling signal)
    accept-reject   one side raised, the other did not
    exception       both raised, different exception class or step
    exception-attrs same class, different attributes (args, partial, ...)
    status          status, reason or version differ
    headers         header lists differ
    body            body bytes differ
    request         the bytes sent to the server differ
    outcome         one side timed out, was unsupported or broke

Generated divergences are shrunk by Hypothesis (hypothesis.find) to the
smallest exchange of the same class. Known benign differences live in
reports/diff/benign/<A>--<B>.toml (either order):

    [[benign]]
    class = "exception-attrs"     # required
    case = "gen-*"                # optional glob over case ids
    match = "IncompleteRead"      # optional substring of the summary
    reason = "why this difference is harmless"

The report (reports/diff/<A>--<B>.md and .json) groups divergences by
class, each with a reproducer: the fixture case, or the shrunk server
script and client program as a paste-ready fixture case. Exit status: 0 when
every divergence is benign, 1 otherwise, 4 on a usage error.
"""
from __future__ import annotations

import argparse
from typing import Any, Sequence

from .paths import DIFF_DIR
from .run import run_diff
from .worker import worker_main


def add_parser(sub: Any) -> None:
    p = sub.add_parser("diff", help="compare two implementations exchange by exchange",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impl", required=True, help="TARGET[@PYTHON], e.g. reference, stdlib@3.8")
    p.add_argument("--against", default="stdlib", help="TARGET[@PYTHON] to compare with (default: stdlib)")
    p.add_argument("--examples", type=int, default=200, help="generated exchanges (default 200; 0 for none)")
    p.add_argument("--cases", default="*", help="glob over fixture case ids (default all; 'none' for none)")
    p.add_argument("--benign", help="known-benign file (default reports/diff/benign/<A>--<B>.toml)")
    p.add_argument("--no-shrink", action="store_true", help="report generated divergences as found")
    p.add_argument("--shrink-seconds", type=float, default=30.0, help="shrinking budget per class (default 30)")
    p.add_argument("--out", default=str(DIFF_DIR), help="report folder (default reports/diff/)")
    p.set_defaults(fn=run_diff)


def main(argv: Sequence[str]) -> int:
    """`python -m conformance.diff`: a side's worker (--worker TARGET, how
    worker.Side starts one), or the diff command without the subcommand word."""
    if len(argv) == 2 and argv[0] == "--worker":
        return worker_main(argv[1])
    parser = argparse.ArgumentParser(prog="python -m conformance.diff")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(["diff"] + list(argv))
    return ns.fn(ns)
