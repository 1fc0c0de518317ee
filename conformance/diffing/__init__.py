"""Differential mode (`python -m conformance diff`), one module per job.

    cli       the `diff` subcommand: help text, options, `python -m conformance.diff`
    run       the run: start both sides, compare every exchange, shrink, report
    worker    a side: the worker subprocess and both ends of its line protocol
    observe   a runner Result made comparable (run-to-run noise removed)
    classify  the classes of divergence and how two observations are compared
    benign    known-benign differences (reports/diff/benign/*.toml)
    generate  generated exchanges (Hypothesis) and their fixture-case reproducers
    shrink    the smallest generated exchange with a given divergence
    report    the Markdown and JSON reports
    paths     where the mode reads and writes, and how labels become file names

conformance/diff.py stays the entry point: conformance/__main__.py, the tests
and the worker command line (`python -m conformance.diff --worker TARGET`)
know it by that name. The user documentation is cli.py's docstring.
"""
