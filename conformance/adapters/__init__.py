"""Adapters: small modules that let `--impl` point the suite at an API that
is near, but not exactly, http.client's. An adapter bridges documented API
differences only; it must never hide a behaviour the suite should judge.

    --impl conformance.adapters.gevent_stdlib    the stdlib under gevent.monkey.patch_all()
    --impl conformance.adapters.urllib3_adapter  urllib3.connection.HTTPConnection
"""
