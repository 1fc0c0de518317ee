"""Code cases for the response head: parse_headers() on buffered readers,
the HTTPMessage type of msg/headers, and head accessors before begin()."""
import email.message
import io

from conformance.codecase import code_case

PH = ["doc-parse-headers"]


def _raises(fn, cls, exact=True):
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - the class is what we check
        ok = type(exc) is cls if exact else isinstance(exc, cls)
        assert ok, f"expected {cls.__name__}, got {type(exc).__name__}: {exc}"
        return exc
    raise AssertionError(f"expected {cls.__name__}, nothing was raised")


@code_case("parse-headers-basic", area="parse-headers", level="api", reqs=PH,
           title="parse_headers() returns the fields in order and leaves fp at the body")
def test_parse_basic(impl, serve):
    fp = io.BytesIO(b"Host: a\r\nX-A: 1\r\nX-A: 2\r\n\r\nbody")
    msg = impl.parse_headers(fp)
    assert list(msg.items()) == [("Host", "a"), ("X-A", "1"), ("X-A", "2")], list(msg.items())
    assert fp.read() == b"body"


@code_case("parse-headers-type", area="parse-headers", level="api", reqs=PH + ["doc-httpmessage"],
           title="parse_headers() returns an HTTPMessage, an email.message.Message")
def test_parse_type(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"X-A: 1\r\n\r\n"))
    assert isinstance(msg, impl.HTTPMessage), type(msg)
    assert isinstance(msg, email.message.Message), type(msg)


@code_case("parse-headers-buffered-reader", area="parse-headers", level="api", reqs=PH,
           title="parse_headers() on an io.BufferedReader stops right after the empty line")
def test_parse_buffered(impl, serve):
    fp = io.BufferedReader(io.BytesIO(b"X-A: 1\r\nX-B: 2\r\n\r\nX-Not: header\r\n\r\n"))
    msg = impl.parse_headers(fp)
    assert list(msg.items()) == [("X-A", "1"), ("X-B", "2")], list(msg.items())
    assert fp.read() == b"X-Not: header\r\n\r\n"


@code_case("parse-headers-empty-section", area="parse-headers", level="api", reqs=PH,
           title="An empty header section gives a message without fields; fp is at the body")
def test_parse_empty(impl, serve):
    fp = io.BytesIO(b"\r\nrest")
    msg = impl.parse_headers(fp)
    assert list(msg.items()) == [] and len(msg) == 0
    assert fp.read() == b"rest"


@code_case("parse-headers-eof", area="parse-headers", level="compat", reqs=PH + ["compat-eof-ends-head"],
           title="parse_headers() on an empty file gives an empty message")
def test_parse_eof(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b""))
    assert list(msg.items()) == []


@code_case("parse-headers-eof-after-field", area="parse-headers", level="compat", reqs=PH + ["compat-eof-ends-head"],
           title="parse_headers() of fields without the empty line returns them")
def test_parse_eof_field(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"X-A: 1\r\nX-B: 2"))
    assert list(msg.items()) == [("X-A", "1"), ("X-B", "2")], list(msg.items())


@code_case("parse-headers-no-payload", area="parse-headers", level="api", reqs=PH,
           title="The message parse_headers() returns holds no body data")
def test_parse_no_payload(impl, serve):
    fp = io.BytesIO(b"X-A: 1\r\n\r\nbody bytes")
    msg = impl.parse_headers(fp)
    assert not msg.get_payload(), repr(msg.get_payload())
    assert fp.read() == b"body bytes"


@code_case("parse-headers-bare-lf", area="parse-headers", level="compat", reqs=PH + ["compat-bare-lf"],
           title="parse_headers() accepts bare-LF lines and an LF empty line")
def test_parse_bare_lf(impl, serve):
    fp = io.BytesIO(b"X-A: 1\nX-B: 2\n\nbody")
    msg = impl.parse_headers(fp)
    assert list(msg.items()) == [("X-A", "1"), ("X-B", "2")], list(msg.items())
    assert fp.read() == b"body"


@code_case("parse-headers-latin1", area="parse-headers", level="rfc-must", reqs=PH + ["rfc9112-2.2-octets"],
           title="parse_headers() decodes values as ISO-8859-1")
def test_parse_latin1(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"X-A: caf\xe9 \xff\r\n\r\n"))
    assert msg["X-A"] == "caf\xe9 \xff", repr(msg["X-A"])


@code_case("parse-headers-case-insensitive", area="parse-headers", level="api", reqs=PH + ["rfc9110-5.1-field-name"],
           title="The returned message looks names up case-insensitively")
def test_parse_case(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"Content-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\n"))
    assert msg["content-type"] == "text/plain"
    assert msg.get_all("X-A") == ["1", "2"], msg.get_all("X-A")


@code_case("parse-headers-99-fields", area="parse-headers", level="compat", reqs=PH + ["compat-max-headers"],
           title="parse_headers() accepts 99 field lines")
def test_parse_99(impl, serve):
    data = b"".join(b"X-%d: v\r\n" % i for i in range(99)) + b"\r\n"
    assert len(impl.parse_headers(io.BytesIO(data))) == 99


@code_case("parse-headers-100-fields", area="parse-headers", level="compat", reqs=PH + ["compat-max-headers"],
           title="parse_headers() raises HTTPException('got more than 100 headers') for 100 field lines")
def test_parse_100(impl, serve):
    data = b"".join(b"X-%d: v\r\n" % i for i in range(100)) + b"\r\n"
    exc = _raises(lambda: impl.parse_headers(io.BytesIO(data)), impl.HTTPException)
    assert exc.args == ("got more than 100 headers",), exc.args


@code_case("parse-headers-line-65536", area="parse-headers", level="compat", reqs=PH + ["compat-line-limit"],
           title="parse_headers() accepts a 65536-octet line")
def test_parse_65536(impl, serve):
    data = b"X-A: " + b"v" * 65529 + b"\r\n\r\n"
    assert len(impl.parse_headers(io.BytesIO(data))["X-A"]) == 65529


@code_case("parse-headers-line-65537", area="parse-headers", level="compat", reqs=PH + ["compat-line-limit", "doc-line-too-long"],
           title="parse_headers() raises LineTooLong('header line') for a 65537-octet line")
def test_parse_65537(impl, serve):
    data = b"X-A: " + b"v" * 65530 + b"\r\n\r\n"
    exc = _raises(lambda: impl.parse_headers(io.BytesIO(data)), impl.LineTooLong)
    assert exc.args == ("got more than 65536 bytes when reading header line",), exc.args


@code_case("parse-headers-obs-fold", area="parse-headers", level="rfc-must", reqs=PH + ["rfc9112-5.2-obs-fold"],
           title="parse_headers() replaces obs-fold with SP")
def test_parse_obs_fold(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"X-A: 1\r\n 2\r\nX-B: 3\r\n\r\n"))
    assert msg["X-A"] in ("1 2", "1  2", "1   2"), repr(msg["X-A"])
    assert msg["X-B"] == "3"


@code_case("parse-headers-trailing-ows", area="parse-headers", level="rfc-must", reqs=PH + ["rfc9112-5.1-ows"],
           title="parse_headers() excludes leading and trailing OWS from values")
def test_parse_ows(impl, serve):
    msg = impl.parse_headers(io.BytesIO(b"X-A: \t v \t \r\n\r\n"))
    assert msg["X-A"] == "v", repr(msg["X-A"])


@code_case("parse-headers-no-colon", area="parse-headers", level="rfc-must", reqs=PH + ["rfc9112-5-field-line"],
           title="parse_headers() rejects or drops a line without a colon, keeping the fields after it")
def test_parse_no_colon(impl, serve):
    try:
        msg = impl.parse_headers(io.BytesIO(b"X-A: 1\r\nbogus\r\nX-B: 2\r\n\r\n"))
    except impl.HTTPException:
        return
    assert list(msg.items()) == [("X-A", "1"), ("X-B", "2")], list(msg.items())


# -- the response's head objects
OK = "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi"


def _response(impl, serve, script=None):
    srv = serve(script or ["request", {"send": OK}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    conn.request("GET", "/")
    return conn, conn.getresponse()


@code_case("headers-msg-types", area="headers", level="api",
           reqs=["doc-response-msg", "doc-response-headers", "doc-httpmessage"],
           title="resp.msg and resp.headers are the same HTTPMessage (an email.message.Message)")
def test_msg_types(impl, serve):
    conn, resp = _response(impl, serve)
    try:
        assert isinstance(resp.msg, impl.HTTPMessage), type(resp.msg)
        assert isinstance(resp.headers, email.message.Message), type(resp.headers)
        assert resp.msg is resp.headers
        assert resp.read() == b"hi"
    finally:
        conn.close()


@code_case("headers-getheader-before-begin", area="headers", level="compat", reqs=["compat-not-ready", "doc-getheader"],
           title="getheader() on a response whose head was not read raises ResponseNotReady")
def test_getheader_before_begin(impl, serve):
    class Sock:
        def makefile(self, *a, **k):
            return io.BytesIO(OK.encode("latin-1"))
    resp = impl.HTTPResponse(Sock())
    _raises(lambda: resp.getheader("X-A"), impl.ResponseNotReady)


@code_case("headers-getheaders-before-begin", area="headers", level="compat", reqs=["compat-not-ready", "doc-getheaders"],
           title="getheaders() on a response whose head was not read raises ResponseNotReady")
def test_getheaders_before_begin(impl, serve):
    class Sock:
        def makefile(self, *a, **k):
            return io.BytesIO(OK.encode("latin-1"))
    resp = impl.HTTPResponse(Sock())
    _raises(lambda: resp.getheaders(), impl.ResponseNotReady)


@code_case("headers-begin-on-buffer", area="headers", level="compat", reqs=["doc-response-status", "doc-getheaders"],
           title="HTTPResponse(sock).begin() on a socket-like object parses status line and fields")
def test_begin_on_buffer(impl, serve):
    class Sock:
        def makefile(self, *a, **k):
            return io.BytesIO(OK.encode("latin-1"))
    resp = impl.HTTPResponse(Sock(), method="GET")
    resp.begin()
    assert (resp.status, resp.reason, resp.version) == (200, "OK", 11)
    assert resp.getheaders() == [("X-A", "1"), ("Content-Length", "2")], resp.getheaders()
    assert resp.read() == b"hi"


@code_case("status-line-remote-disconnected-classes", area="status-line", level="api", reqs=["doc-remote-disconnected"],
           title="The exception for an empty reply is a RemoteDisconnected, ConnectionResetError and BadStatusLine at once")
def test_remote_disconnected_classes(impl, serve):
    srv = serve(["request", "close"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        conn.request("GET", "/")
        exc = _raises(conn.getresponse, impl.RemoteDisconnected)
        assert isinstance(exc, ConnectionResetError) and isinstance(exc, impl.BadStatusLine)
        assert isinstance(exc, impl.HTTPException)
    finally:
        conn.close()


@code_case("status-line-unknown-protocol-version-attr", area="status-line", level="compat", reqs=["doc-unknown-protocol"],
           title="UnknownProtocol carries the version string as .version and args[0]")
def test_unknown_protocol_attr(impl, serve):
    conn, _ = None, None
    srv = serve(["request", {"send": "HTTP/2.0 200 OK\r\n\r\n"}, "hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        conn.request("GET", "/")
        exc = _raises(conn.getresponse, impl.UnknownProtocol)
        assert exc.args == ("HTTP/2.0",) and exc.version == "HTTP/2.0", (exc.args, getattr(exc, "version", None))
    finally:
        conn.close()
