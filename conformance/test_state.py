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
