"""Code cases for the response body area: read sequences that data cases
cannot express (looping readinto over a memoryview or array, the with
statement, state after an IncompleteRead)."""
import array

from conformance.codecase import code_case

B = b"ab\ncd\n\nefgh\nij"
CL = b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n" + B
CHUNKED = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5\r\nab\ncd\r\n1\r\n\n\r\n8\r\n\nefgh\nij\r\n0\r\n\r\n")


def _get(impl, srv):
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    conn.request("GET", "/")
    return conn, conn.getresponse()


def _readinto_all(resp, make):
    out = bytearray()
    for _ in range(1000):
        buf = make()
        n = resp.readinto(buf)
        assert isinstance(n, int), f"readinto returned {type(n).__name__}"
        if not n:
            return bytes(out)
        out += memoryview(buf).cast("B")[:n].tobytes()
    raise AssertionError("readinto did not reach the end of the body")


def _loop(framing, make):
    def body(impl, serve):
        srv = serve(["request", {"send": (CL if framing == "cl" else CHUNKED).decode("latin-1")}, "hold"])
        conn, resp = _get(impl, srv)
        try:
            got = _readinto_all(resp, make)
            assert got == B, f"readinto loop read {got!r}, expected {B!r}"
            assert resp.isclosed(), "isclosed() is False after the body was read to its end"
        finally:
            resp.close()
            conn.close()
    return body


for _framing in ("cl", "chunked"):
    for _kind, _make in (("memoryview", lambda: memoryview(bytearray(4))), ("array", lambda: array.array("b", bytes(3)))):
        globals()[f"test_readinto_{_kind}_{_framing}"] = code_case(
            f"read-api-readinto-{_kind}-loop-{_framing}", area="read-api", level="api",
            title=f"readinto() into a {_kind} in a loop reads the whole {_framing} body, then returns 0",
            reqs=["doc-response-readinto", "doc-response-bufferediobase"],
        )(_loop(_framing, _make))


@code_case(
    "read-api-with-statement", area="read-api", level="api",
    title="A response used in a with statement returns itself and is closed after the block",
    reqs=["doc-response-bufferediobase", "doc-response-closed"],
)
def test_with_statement(impl, serve):
    srv = serve(["request", {"send": CL.decode("latin-1")}, "hold"])
    conn, resp = _get(impl, srv)
    try:
        with resp as r:
            assert r is resp, "__enter__ did not return the response"
            assert r.read(2) == b"ab"
            assert not r.closed
        assert resp.closed, "closed is False after the with block"
        assert resp.read() == b"", "read() after the with block did not return b''"
    finally:
        conn.close()


@code_case(
    "truncation-cl-read-after-incomplete-read", area="truncation", level="compat",
    title="After read() raised IncompleteRead the response is finished: read() returns b'' and isclosed() is True",
    reqs=["doc-incomplete-read", "compat-read-after-end", "rfc9112-6.3-cl-incomplete"],
)
def test_read_after_incomplete(impl, serve):
    srv = serve(["request", {"send": "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, "close"])
    conn, resp = _get(impl, srv)
    try:
        try:
            resp.read()
        except impl.IncompleteRead as exc:
            assert exc.partial == b"abc" and exc.expected == 7, repr(exc)
        else:
            raise AssertionError("read() of a truncated body did not raise IncompleteRead")
        assert resp.read() == b"", "read() after IncompleteRead did not return b''"
        assert resp.isclosed(), "isclosed() is False after IncompleteRead"
    finally:
        resp.close()
        conn.close()


@code_case(
    "truncation-incomplete-read-is-http-exception", area="truncation", level="api",
    title="IncompleteRead is an HTTPException subclass whose constructor keeps partial and expected",
    reqs=["doc-incomplete-read"],
)
def test_incomplete_read_class(impl, serve):
    assert issubclass(impl.IncompleteRead, impl.HTTPException)
    e = impl.IncompleteRead(b"abc", 4)
    assert e.partial == b"abc" and e.expected == 4, (e.partial, e.expected)
    assert repr(e) == "IncompleteRead(3 bytes read, 4 more expected)", repr(e)
    assert str(e) == repr(e), str(e)
    e2 = impl.IncompleteRead(b"ab")
    assert e2.expected is None and repr(e2) == "IncompleteRead(2 bytes read)", repr(e2)
