"""urllib3's connection classes as an http.client-shaped module.

    python -m pytest conformance --impl conformance.adapters.urllib3_adapter

`urllib3.connection.HTTPConnection` subclasses `http.client.HTTPConnection`
and keeps its method names, but changes two documented parts of the API.
This module bridges exactly those two and nothing else:

1. `request()` takes `preload_content=True` by default, and then
   `getresponse()` reads the whole body before returning. http.client leaves
   the body for `read()`, which is what the suite's cases drive, so the
   adapter's `request()` defaults to `preload_content=False` (a caller may
   still pass it). The body is then read by urllib3's own `HTTPResponse`
   (`read`, `read1`, `readinto`, `stream`) on top of http.client's.
2. urllib3's `HTTPResponse.getheaders()` returns its `HTTPHeaderDict`
   (iterating it yields names), while http.client's returns a list of
   `(name, value)` pairs. The adapter's response gives urllib3's own header
   view as pairs: `HTTPHeaderDict.iteritems()`, one pair per field line.

Everything else is urllib3's behaviour, judged as is: the constructor
(`timeout` is keyword-only), the headers it adds (`User-Agent`), its body
framing, its `getresponse()` (which needs a prior `request()`), the
response class and the exceptions urllib3 raises while reading
(`urllib3.exceptions.ProtocolError`, its own `IncompleteRead`). The other
names of this module (exceptions, constants, `HTTPMessage`, `responses`)
are http.client's, which urllib3's connection raises and uses.

This file is also an example for a third party: a near-compatible API is
tested by a module of a few lines that maps its documented differences and
leaves every behaviour to the implementation.
"""
import http.client as _http_client

import urllib3.connection as _connection
import urllib3.response as _response

# Every name of http.client (exceptions, status constants, HTTPMessage,
# parse_headers, private limits such as _MAXLINE): urllib3 uses them as is.
globals().update({k: v for k, v in vars(_http_client).items() if not k.startswith("__")})


class _Response(_response.HTTPResponse):
    """urllib3's HTTPResponse with http.client's getheaders() shape."""

    def getheaders(self):  # type: ignore[override]
        return list(self.headers.iteritems())


def _adapt(resp):
    if type(resp) is _response.HTTPResponse:
        resp.__class__ = _Response  # same object and state; one method differs
    return resp


class HTTPConnection(_connection.HTTPConnection):
    __doc__ = _connection.HTTPConnection.__doc__

    def request(self, method, url, body=None, headers=None, **kwargs):
        kwargs.setdefault("preload_content", False)
        return super().request(method, url, body, headers, **kwargs)

    def getresponse(self):
        return _adapt(super().getresponse())


class HTTPSConnection(_connection.HTTPSConnection):
    __doc__ = _connection.HTTPSConnection.__doc__

    def request(self, method, url, body=None, headers=None, **kwargs):
        kwargs.setdefault("preload_content", False)
        return super().request(method, url, body, headers, **kwargs)

    def getresponse(self):
        return _adapt(super().getresponse())


__all__ = list(_http_client.__all__)
