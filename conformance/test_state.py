"""Code cases for the HTTPConnection state machine (documented exceptions
for requests made in the wrong order)."""
from conformance.codecase import code_case

OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"


@code_case(
    "state-getresponse-before-request", area="state", level="api",
    title="getresponse() before any request raises ResponseNotReady",
    reqs=["doc-response-not-ready"],
)
def test_getresponse_before_request(impl, serve):
    srv = serve(["hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        conn.getresponse()
    except impl.ResponseNotReady:
        pass
    else:
        raise AssertionError("getresponse() returned without a request")
    finally:
        conn.close()


OK2 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"


@code_case(
    "state-retry-after-remote-disconnected", area="state", level="api",
    title="After RemoteDisconnected, request() again opens a new connection and gets the response",
    reqs=["doc-state-reconnect-after-error"],
)
def test_retry_after_remote_disconnected(impl, serve):
    srv = serve(["request", "close", "accept", "request", {"send": OK2}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        conn.request("GET", "/a")
        try:
            conn.getresponse()
        except impl.RemoteDisconnected:
            pass
        else:
            raise AssertionError("no RemoteDisconnected for a connection closed without a response")
        conn.request("GET", "/b")
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"hi")
    finally:
        conn.close()
    assert len(srv.connections) == 2, f"{len(srv.connections)} connections"
    assert srv.received(1).startswith(b"GET /b HTTP/1.1\r\n"), srv.received(1)


@code_case(
    "state-request-after-error-in-body-iterable", area="state", level="compat",
    title="An exception from the body iterable propagates unchanged from request()",
    reqs=["doc-body-iterable"],
)
def test_body_iterable_error(impl, serve):
    srv = serve(["head", "hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)

    class Boom(Exception):
        pass

    def body():
        yield b"ab"
        raise Boom()

    try:
        conn.request("POST", "/", body())
    except Boom:
        pass
    else:
        raise AssertionError("the iterable's exception was swallowed")
    finally:
        conn.close()


@code_case(
    "state-response-close-then-reuse", area="state", level="api",
    title="After the response is read and closed, a new request reuses the connection (1 connection)",
    reqs=["rfc9112-9.3-persistence", "doc-state-read-before-next"],
)
def test_close_response_reuse(impl, serve):
    srv = serve(["request", {"send": OK2}, "request", {"send": OK2}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        for path in ("/1", "/2"):
            conn.request("GET", path)
            with conn.getresponse() as resp:
                assert resp.read() == b"hi"
    finally:
        conn.close()
    assert len(srv.connections) == 1, f"{len(srv.connections)} connections"
