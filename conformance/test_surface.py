"""Module surface: every documented class, function, exception and constant
of http.client, the exception hierarchy, `responses` and the status
constants. No server: these cases only inspect `impl`.

The oracle for status codes and phrases is this interpreter's own
`http.HTTPStatus` (the documentation: "responses maps the HTTP 1.1 status
codes to the W3C names"; "the status constants are available in
http.client"), which an implementation under test does not replace.
"""
import email.message
import http
import io

from conformance.codecase import code_case

AREA = "surface"

# -- names ----------------------------------------------------------------------
DOCUMENTED = [
    "HTTPConnection", "HTTPSConnection", "HTTPResponse", "HTTPMessage", "parse_headers",
    "HTTPException", "NotConnected", "InvalidURL", "UnknownProtocol", "UnknownTransferEncoding",
    "UnimplementedFileMode", "IncompleteRead", "ImproperConnectionState", "CannotSendRequest",
    "CannotSendHeader", "ResponseNotReady", "BadStatusLine", "LineTooLong", "RemoteDisconnected",
    "error", "HTTP_PORT", "HTTPS_PORT", "responses",
]
REQ_FOR = {
    "HTTPConnection": "doc-surface-httpconnection", "HTTPSConnection": "doc-surface-httpsconnection",
    "HTTPResponse": "doc-surface-httpresponse", "HTTPMessage": "doc-surface-httpmessage",
    "parse_headers": "doc-surface-parse-headers", "HTTP_PORT": "doc-surface-http-port",
    "HTTPS_PORT": "doc-surface-https-port", "responses": "doc-surface-responses",
}


def _name_case(name):
    req = REQ_FOR.get(name, "doc-surface-exceptions")

    @code_case(f"surface-name-{name.lower().replace('_', '-')}", area=AREA, level="api",
               title=f"http.client defines {name}", reqs=[req])
    def test(impl, serve):
        getattr(impl, name)  # Unsupported if absent
        assert hasattr(impl.module, name), f"{name} missing"

    test.__name__ = f"test_name_{name}"
    return test


for _n in DOCUMENTED:
    globals()[f"test_name_{_n}"] = _name_case(_n)


# -- the exception hierarchy ------------------------------------------------------
# name -> documented base classes (names on the module, or builtins)
HIERARCHY = {
    "HTTPException": ("Exception",),
    "NotConnected": ("HTTPException",),
    "InvalidURL": ("HTTPException",),
    "UnknownProtocol": ("HTTPException",),
    "UnknownTransferEncoding": ("HTTPException",),
    "UnimplementedFileMode": ("HTTPException",),
    "IncompleteRead": ("HTTPException",),
    "ImproperConnectionState": ("HTTPException",),
    "CannotSendRequest": ("ImproperConnectionState",),
    "CannotSendHeader": ("ImproperConnectionState",),
    "ResponseNotReady": ("ImproperConnectionState",),
    "BadStatusLine": ("HTTPException",),
    "LineTooLong": ("HTTPException",),
    "RemoteDisconnected": ("ConnectionResetError", "BadStatusLine"),
}
# builtin classes each one may have in its MRO (documented bases and theirs)
BUILTIN_MRO = {
    "RemoteDisconnected": {"ConnectionResetError", "ConnectionError", "OSError", "Exception", "BaseException", "object"},
}


def _lookup(impl, name):
    import builtins

    if hasattr(builtins, name):
        return getattr(builtins, name)
    return getattr(impl, name)


def _hierarchy_case(name, bases):
    @code_case(f"surface-exc-{name.lower()}-bases", area=AREA, level="api",
               title=f"{name} subclasses {' and '.join(bases)} (and no other builtin exception)",
               reqs=["doc-surface-exceptions"])
    def test(impl, serve):
        cls = getattr(impl, name)
        assert isinstance(cls, type) and issubclass(cls, BaseException), f"{name} is not an exception class"
        for b in bases:
            base = _lookup(impl, b)
            assert issubclass(cls, base), f"{name} is not a subclass of {b}; MRO {cls.__mro__}"
        allowed = BUILTIN_MRO.get(name, {"Exception", "BaseException", "object"})
        extra = [c.__name__ for c in cls.__mro__ if c.__module__ == "builtins" and c.__name__ not in allowed]
        assert not extra, f"{name} also subclasses builtin {extra}"
        # siblings: a documented http.client exception is not a subclass of an unrelated one
        for other in HIERARCHY:
            if other == name or other in bases:
                continue
            ocls = getattr(impl.module, other, None)
            if ocls is None or ocls is _lookup(impl, "HTTPException"):
                continue
            if name in ("CannotSendRequest", "CannotSendHeader", "ResponseNotReady") and other == "ImproperConnectionState":
                continue
            if name == "RemoteDisconnected" and other == "BadStatusLine":
                continue
            assert not issubclass(cls, ocls), f"{name} should not subclass {other}"

    test.__name__ = f"test_exc_{name}"
    return test


for _n, _b in HIERARCHY.items():
    globals()[f"test_exc_{_n}"] = _hierarchy_case(_n, _b)


@code_case("surface-error-alias", area=AREA, level="compat",
           title="http.client.error is HTTPException (kept alias)", reqs=["compat-surface-error-alias"])
def test_error_alias(impl, serve):
    assert impl.error is impl.HTTPException


@code_case("surface-http-port", area=AREA, level="api", title="HTTP_PORT is 80",
           reqs=["doc-surface-http-port"])
def test_http_port(impl, serve):
    assert impl.HTTP_PORT == 80 and type(impl.HTTP_PORT) is int, repr(impl.HTTP_PORT)


@code_case("surface-https-port", area=AREA, level="api", title="HTTPS_PORT is 443",
           reqs=["doc-surface-https-port"])
def test_https_port(impl, serve):
    assert impl.HTTPS_PORT == 443 and type(impl.HTTPS_PORT) is int, repr(impl.HTTPS_PORT)


@code_case("surface-httpconnection-default-port", area=AREA, level="api",
           title="HTTPConnection uses port 80 when none is given (default_port 80)",
           reqs=["doc-ctor-default-port"])
def test_default_port(impl, serve):
    assert impl.HTTPConnection.default_port == 80
    conn = impl.HTTPConnection("example.invalid")
    assert conn.port == 80, conn.port


@code_case("surface-httpsconnection-default-port", area=AREA, level="api",
           title="HTTPSConnection uses port 443 when none is given", reqs=["doc-surface-httpsconnection"])
def test_https_default_port(impl, serve):
    assert impl.HTTPSConnection.default_port == 443
    conn = impl.HTTPSConnection("example.invalid")
    assert conn.port == 443, conn.port


@code_case("surface-httpsconnection-subclass", area=AREA, level="api",
           title="HTTPSConnection is a subclass of HTTPConnection", reqs=["doc-surface-httpsconnection"])
def test_https_subclass(impl, serve):
    assert issubclass(impl.HTTPSConnection, impl.HTTPConnection)


@code_case("surface-httpresponse-bufferediobase", area=AREA, level="api",
           title="HTTPResponse implements io.BufferedIOBase", reqs=["doc-surface-httpresponse"])
def test_response_bufferedio(impl, serve):
    assert issubclass(impl.HTTPResponse, io.BufferedIOBase)


@code_case("surface-httpmessage-email-message", area=AREA, level="api",
           title="HTTPMessage is a subclass of email.message.Message", reqs=["doc-surface-httpmessage"])
def test_message_email(impl, serve):
    assert issubclass(impl.HTTPMessage, email.message.Message)


@code_case("surface-parse-headers-returns-httpmessage", area=AREA, level="api",
           title="parse_headers(fp) returns an HTTPMessage and leaves fp at the body",
           reqs=["doc-surface-parse-headers"])
def test_parse_headers(impl, serve):
    fp = io.BytesIO(b"Content-Type: text/plain\r\nX-A: 1\r\n\r\nbody")
    msg = impl.parse_headers(fp)
    assert isinstance(msg, impl.HTTPMessage), type(msg)
    assert msg["content-type"] == "text/plain" and msg["X-A"] == "1", msg.items()
    assert fp.read() == b"body"


@code_case("surface-all-documented-names", area=AREA, level="compat",
           title="__all__ lists every documented public name except the status constants",
           reqs=["compat-surface-all"])
def test_all(impl, serve):
    names = set(getattr(impl.module, "__all__", ()))
    want = set(DOCUMENTED) - {"HTTPMessage", "parse_headers", "HTTP_PORT", "HTTPS_PORT"}
    missing = sorted(want - names)
    assert not missing, f"__all__ lacks {missing}"


@code_case("surface-responses-is-dict-int-keys", area=AREA, level="api",
           title="responses is a dict keyed by the integer status codes", reqs=["doc-surface-responses"])
def test_responses_dict(impl, serve):
    r = impl.responses
    assert isinstance(r, dict)
    assert set(r) == {int(s) for s in http.HTTPStatus}, sorted(set(r) ^ {int(s) for s in http.HTTPStatus})
    assert all(isinstance(v, str) for v in r.values())


@code_case("surface-responses-not-found-example", area=AREA, level="api",
           title="responses[NOT_FOUND] is the phrase of 404 (the documented example)",
           reqs=["doc-surface-responses"])
def test_responses_example(impl, serve):
    assert impl.responses[impl.NOT_FOUND] == "Not Found", impl.responses.get(404)


def _responses_case(status):
    code, phrase = int(status), status.phrase

    @code_case(f"surface-responses-{code}", area=AREA, level="api",
               title=f"responses[{code}] is {phrase!r}", reqs=["doc-surface-responses"])
    def test(impl, serve):
        got = impl.responses.get(code)
        assert got == phrase and type(got) is str, f"responses[{code}] = {got!r}, want {phrase!r}"

    test.__name__ = f"test_responses_{code}"
    return test


def _constant_case(name, status):
    @code_case(f"surface-status-{name.lower().replace('_', '-')}", area=AREA, level="api",
               title=f"http.client.{name} is HTTPStatus.{name} ({int(status)})",
               reqs=["doc-surface-status-constants"])
    def test(impl, serve):
        value = getattr(impl, name)
        assert value == int(status), f"{name} = {value!r}, want {int(status)}"
        assert isinstance(value, int)
        assert isinstance(value, http.HTTPStatus) and value is status, f"{name} is not HTTPStatus.{name}: {value!r}"

    test.__name__ = f"test_status_{name}"
    return test


for _s in http.HTTPStatus:
    globals()[f"test_responses_{int(_s)}"] = _responses_case(_s)
for _n, _s in http.HTTPStatus.__members__.items():
    globals()[f"test_status_{_n}"] = _constant_case(_n, _s)


# -- exception construction: documented/relied-upon attributes ------------------
@code_case("surface-incompleteread-attrs", area=AREA, level="compat",
           title="IncompleteRead(partial, expected) keeps .partial and .expected; repr counts bytes",
           reqs=["compat-surface-exception-attrs"])
def test_incompleteread_attrs(impl, serve):
    e = impl.IncompleteRead(b"ab", 3)
    assert e.partial == b"ab" and e.expected == 3
    assert repr(e) == "IncompleteRead(2 bytes read, 3 more expected)", repr(e)
    e2 = impl.IncompleteRead(b"abc")
    assert e2.expected is None
    assert repr(e2) == "IncompleteRead(3 bytes read)", repr(e2)


@code_case("surface-badstatusline-line", area=AREA, level="compat",
           title="BadStatusLine(line) keeps .line and args (line,)", reqs=["compat-surface-exception-attrs"])
def test_badstatusline_attrs(impl, serve):
    e = impl.BadStatusLine("HTTP/9 x")
    assert e.line == "HTTP/9 x" and e.args == ("HTTP/9 x",), (e.line, e.args)


@code_case("surface-unknownprotocol-version", area=AREA, level="compat",
           title="UnknownProtocol(version) keeps .version and args (version,)",
           reqs=["compat-surface-exception-attrs"])
def test_unknownprotocol_attrs(impl, serve):
    e = impl.UnknownProtocol("HTTP/2.0")
    assert e.version == "HTTP/2.0" and e.args == ("HTTP/2.0",)


@code_case("surface-linetoolong-message", area=AREA, level="compat",
           title="LineTooLong(line_type) says which line was too long and the limit",
           reqs=["compat-surface-exception-attrs"])
def test_linetoolong_message(impl, serve):
    e = impl.LineTooLong("header line")
    assert str(e) == "got more than 65536 bytes when reading header line", str(e)


@code_case("surface-remotedisconnected-is-connection-error", area=AREA, level="api",
           title="RemoteDisconnected can be caught as ConnectionError and as BadStatusLine",
           reqs=["doc-surface-exceptions"])
def test_remote_disconnected_catch(impl, serve):
    try:
        raise impl.RemoteDisconnected("Remote end closed connection without response")
    except ConnectionError as e:
        assert isinstance(e, impl.BadStatusLine) and isinstance(e, impl.HTTPException)
