"""http-client-conformance: a spec-derived suite for Python's http.client API.

Run it with `python -m pytest conformance --impl TARGET`, or
`python -m conformance run` for reports.
"""
__version__ = "0.1.0"
