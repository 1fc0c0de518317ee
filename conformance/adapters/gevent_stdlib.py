"""The stdlib's http.client under `gevent.monkey.patch_all()`.

    python -m pytest conformance --impl conformance.adapters.gevent_stdlib

gevent replaces the socket layer (socket, ssl, select, time.sleep, threads)
with cooperative versions; http.client's code is unchanged. Importing this
module patches the whole process, as a gevent application does at start-up,
then makes this module *be* `http.client`: `importlib.import_module` returns
what `sys.modules` holds under the module's name, so every name a case uses
(classes, exceptions, private constants a case may patch) is the stdlib's
own object. Nothing is bridged: any difference is gevent's socket layer.

Run it without pytest-xdist (no `-n`): patching threads inside an xdist
worker, whose execnet threads are already running, breaks the worker
protocol. The harness's own threads (scripted servers, deadline workers)
then run as greenlets, as every thread of a patched program does.
"""
import sys

from gevent import monkey

monkey.patch_all()

import http.client  # noqa: E402 - after patching, as gevent documents

sys.modules[__name__] = http.client
