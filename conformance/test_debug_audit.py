"""Debug output (set_debuglevel) and audit events (http.client.connect,
http.client.send).

Audit hooks cannot be removed, so one hook is installed per process when
this module is imported; it records events only for connections a case has
registered (by object identity), so concurrent cases do not see each other.
"""
import contextlib
import io
import sys
import threading

from conformance.codecase import code_case

OK2 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"

_LOCK = threading.Lock()
_WATCH = {}  # id(conn) -> list of (event, args)


def _hook(event, args):
    if not event.startswith("http.client.") or not args:
        return
    with _LOCK:
        log = _WATCH.get(id(args[0]))
        if log is not None:
            log.append((event, args))


if hasattr(sys, "addaudithook"):
    sys.addaudithook(_hook)


@contextlib.contextmanager
def watching(conn):
    log = []
    with _LOCK:
        _WATCH[id(conn)] = log
    try:
        yield log
    finally:
        with _LOCK:
            _WATCH.pop(id(conn), None)


def _exchange(impl, srv, method="GET", body=None, headers=None):
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with watching(conn) as log:
        try:
            conn.request(method, "/", body, headers or {})
            resp = conn.getresponse()
            resp.read()
        finally:
            conn.close()
    return conn, log


@code_case("audit-connect-event", area="audit", level="api", python=">=3.10",
           title="connect() raises the audit event http.client.connect with (self, host, port)",
           reqs=["doc-audit-connect"])
def test_audit_connect(impl, serve):
    srv = serve(["request", {"send": OK2}])
    conn, log = _exchange(impl, srv)
    connects = [a for e, a in log if e == "http.client.connect"]
    assert len(connects) == 1, log
    c, host, port = connects[0]
    assert c is conn and host == srv.host and port == srv.port and type(port) is int, connects[0]


@code_case("audit-connect-once-per-connection", area="audit", level="api", python=">=3.10",
           title="Two requests on one persistent connection raise http.client.connect once",
           reqs=["doc-audit-connect", "rfc9112-9.3-persistence"])
def test_audit_connect_once(impl, serve):
    srv = serve(["request", {"send": OK2}, "request", {"send": OK2}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with watching(conn) as log:
        try:
            for _ in range(2):
                conn.request("GET", "/")
                conn.getresponse().read()
        finally:
            conn.close()
    assert [e for e, _ in log].count("http.client.connect") == 1, log


@code_case("audit-connect-explicit", area="audit", level="api", python=">=3.10",
           title="An explicit connect() raises http.client.connect", reqs=["doc-audit-connect"])
def test_audit_connect_explicit(impl, serve):
    srv = serve(["hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with watching(conn) as log:
        try:
            conn.connect()
        finally:
            conn.close()
    assert [(e, a[1:]) for e, a in log] == [("http.client.connect", (srv.host, srv.port))], log


@code_case("audit-send-covers-wire", area="audit", level="api", python=">=3.10",
           title="The http.client.send events' data, joined, are exactly the bytes on the wire",
           reqs=["doc-audit-send"])
def test_audit_send_wire(impl, serve):
    srv = serve(["request", {"send": OK2}])
    conn, log = _exchange(impl, srv, "POST", b"hello")
    sends = [a for e, a in log if e == "http.client.send"]
    assert sends and all(a[0] is conn for a in sends)
    joined = b"".join(bytes(a[1]) for a in sends)
    assert joined == srv.received(0), (joined, srv.received(0))


@code_case("audit-send-chunked-body", area="audit", level="api", python=">=3.10",
           title="For a chunked body, http.client.send events carry the chunk-encoded bytes sent",
           reqs=["doc-audit-send", "doc-body-chunked-auto"])
def test_audit_send_chunked(impl, serve):
    srv = serve(["request", {"send": OK2}])
    conn, log = _exchange(impl, srv, "POST", [b"ab", b"cde"])
    joined = b"".join(bytes(a[1]) for e, a in log if e == "http.client.send")
    assert joined == srv.received(0), (joined, srv.received(0))
    assert joined.endswith(b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n")


@code_case("audit-send-direct", area="audit", level="api", python=">=3.10",
           title="conn.send(data) raises http.client.send with (self, data)", reqs=["doc-audit-send"])
def test_audit_send_direct(impl, serve):
    srv = serve(["head", "hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with watching(conn) as log:
        try:
            conn.putrequest("POST", "/")
            conn.putheader("Content-Length", "4")
            conn.endheaders()
            conn.send(b"data")
        finally:
            conn.close()
    sends = [a for e, a in log if e == "http.client.send"]
    assert sends[-1][0] is conn and sends[-1][1] == b"data", sends


@code_case("audit-no-send-when-refused", area="audit", level="security", python=">=3.10",
           title="A request refused for header injection raises no http.client.send or connect event",
           reqs=["doc-audit-send", "security-header-value-invalid"])
def test_audit_refused(impl, serve):
    srv = serve(["hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with watching(conn) as log:
        try:
            conn.request("GET", "/", headers={"X": "a\r\nY: b"})
        except ValueError:
            pass
        finally:
            conn.close()
    assert log == [], log


# -- debug output ------------------------------------------------------------------
def _debug_exchange(impl, srv, level, method="GET", body=None, headers=None, setter=True):
    out = io.StringIO()
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with contextlib.redirect_stdout(out):
        try:
            if setter:
                conn.set_debuglevel(level)
            conn.request(method, "/", body, headers or {})
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
    return out.getvalue(), body


@code_case("debug-level-zero-silent", area="debug", level="api",
           title="With the default debug level 0 nothing is printed", reqs=["doc-debuglevel"])
def test_debug_silent(impl, serve):
    srv = serve(["request", {"send": OK2}])
    out, body = _debug_exchange(impl, srv, 0, setter=False)
    assert out == "" and body == b"hi", out


@code_case("debug-set-zero-silent", area="debug", level="api",
           title="set_debuglevel(0) prints nothing", reqs=["doc-debuglevel"])
def test_debug_zero(impl, serve):
    srv = serve(["request", {"send": OK2}])
    out, _ = _debug_exchange(impl, srv, 0)
    assert out == "", out


@code_case("debug-level-one-prints", area="debug", level="api",
           title="set_debuglevel(1) prints the request and the response status to stdout", reqs=["doc-debuglevel"])
def test_debug_prints(impl, serve):
    srv = serve(["request", {"send": OK2}])
    out, body = _debug_exchange(impl, srv, 1)
    assert "GET / HTTP/1.1" in out and "HTTP/1.1 200 OK" in out and body == b"hi", out


@code_case("debug-send-format", area="debug", level="compat",
           title="Debug output for a request is 'send: ' and the repr of the bytes sent",
           reqs=["compat-debug-format"])
def test_debug_send_format(impl, serve):
    srv = serve(["request", {"send": OK2}])
    out, _ = _debug_exchange(impl, srv, 1)
    head = f"GET / HTTP/1.1\r\nHost: {srv.host}:{srv.port}\r\nAccept-Encoding: identity\r\n\r\n".encode()
    assert out.splitlines()[0] == "send: " + repr(head), out


@code_case("debug-reply-format", area="debug", level="compat",
           title="Debug output for a response: 'reply: ' + repr(status line), then 'header: Name: value'",
           reqs=["compat-debug-format"])
def test_debug_reply_format(impl, serve):
    srv = serve(["request", {"send": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nhi"}])
    out, _ = _debug_exchange(impl, srv, 1)
    lines = out.splitlines()
    assert lines[1:] == ["reply: 'HTTP/1.1 200 OK\\r\\n'", "header: Content-Length: 2", "header: X-A: b"], lines


@code_case("debug-body-send-line", area="debug", level="compat",
           title="With a bytes body, debug output has a second 'send: ' line with the body",
           reqs=["compat-debug-format"])
def test_debug_body(impl, serve):
    srv = serve(["request", {"send": OK2}])
    out, _ = _debug_exchange(impl, srv, 1, "POST", b"abc")
    sends = [line for line in out.splitlines() if line.startswith("send: ")]
    assert sends[-1] == "send: b'abc'", sends


@code_case("debug-level-passed-to-response", area="debug", level="api",
           title="The debug level is passed to the new HTTPResponse (its debuglevel attribute)",
           reqs=["doc-debuglevel"])
def test_debug_response_level(impl, serve):
    srv = serve(["request", {"send": OK2}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            conn.set_debuglevel(2)
            conn.request("GET", "/")
            resp = conn.getresponse()
            assert resp.debuglevel == 2, resp.debuglevel
            resp.read()
        finally:
            conn.close()
