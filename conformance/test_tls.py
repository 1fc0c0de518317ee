"""TLS code cases: HTTPSConnection against a scripted TLS server with test
certificates (servers/tls.py): verification by default and with a caller
context, SNI, ALPN, Host with the https default port, reuse over TLS."""
import os
import socket
import ssl
import tempfile

from conformance.codecase import code_case
from servers import tls

OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
OK2 = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"


def _get(conn, path="/"):
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


def _req(host, path="/"):
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode()


def _one_get(serve, connect, alpn=("http/1.1",)):
    """Serve one TLS response from the `valid` certificate, GET / over the
    connection `connect(port)` makes, close it; return (the stopped server,
    whose records hold the bytes, SNI and ALPN it saw; (status, body))."""
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid", alpn=alpn))
    conn = connect(srv.port)
    try:
        got = _get(conn)
    finally:
        conn.close()
    srv.stop()
    return srv, got


def _expect_verify_error(impl, srv, host="localhost", context=None, code=None):
    kw = {"timeout": 3}
    if context is not None:
        kw["context"] = context
    conn = impl.HTTPSConnection(host, srv.port, **kw)
    try:
        conn.request("GET", "/")
    except ssl.SSLCertVerificationError as exc:
        if code is not None:
            assert exc.verify_code == code, f"verify_code {exc.verify_code} ({exc.verify_message}), expected {code}"
    else:
        raise AssertionError("the request went through: the certificate was not rejected")
    finally:
        conn.close()
    srv.stop()
    assert srv.received(0) == b"", f"the server received {srv.received(0)!r} over a rejected TLS session"


class _TrustTestCA:
    """Make the *default* verify paths trust the test CA through the
    documented OpenSSL environment variable SSL_CERT_FILE (read each time a
    default context loads its verify locations), so that HTTPSConnection's
    own default context can be observed without touching its internals."""

    def __enter__(self):
        fd, self.path = tempfile.mkstemp(suffix=".pem")
        with os.fdopen(fd, "wb") as f:
            f.write(tls.ca_pem())
        self.old = {k: os.environ.get(k) for k in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
        os.environ["SSL_CERT_FILE"] = self.path
        os.environ["SSL_CERT_DIR"] = os.path.dirname(self.path) + "/nonexistent-conformance-dir"
        return self

    def __exit__(self, *exc):
        for k, v in self.old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.unlink(self.path)


# -- verification ------------------------------------------------------------

@code_case("tls-caller-context-valid-cert", area="tls", level="api",
           title="A certificate signed by a CA the caller's context trusts is accepted; the request goes over TLS",
           reqs=["doc-httpsconnection"])
def test_valid(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()
    srv.stop()
    assert srv.received(0) == _req(f"localhost:{srv.port}"), srv.received(0)
    assert len(srv.connections) == 1


@code_case("tls-default-context-rejects-unknown-ca", area="tls", level="api",
           title="Without a context, a certificate from a CA outside the default trust store fails with SSLCertVerificationError",
           reqs=["doc-httpsconnection-verify"])
def test_default_rejects(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid"))
    _expect_verify_error(impl, srv, code=20)


@code_case("tls-default-context-trusts-system-store", area="tls", level="api",
           title="Without a context, a certificate from a CA in the default verify paths (SSL_CERT_FILE) is accepted",
           reqs=["doc-httpsconnection-verify", "doc-httpsconnection"])
def test_default_trusts(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid"))
    with _TrustTestCA():
        conn = impl.HTTPSConnection("localhost", srv.port, timeout=3)
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()


@code_case("tls-default-context-checks-hostname", area="tls", level="api",
           title="Without a context, a trusted certificate for another host name fails with SSLCertVerificationError",
           reqs=["doc-httpsconnection-verify"])
def test_default_hostname(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("wrong-host"))
    with _TrustTestCA():
        conn = impl.HTTPSConnection("localhost", srv.port, timeout=3)
    try:
        conn.request("GET", "/")
    except ssl.SSLCertVerificationError as exc:
        assert exc.verify_code == 62, exc.verify_message
    else:
        raise AssertionError("a certificate for wrong-host.test was accepted for localhost")
    finally:
        conn.close()


@code_case("tls-default-context-rejects-expired", area="tls", level="api",
           title="Without a context, an expired certificate from a trusted CA fails with SSLCertVerificationError",
           reqs=["doc-httpsconnection-verify"])
def test_default_expired(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("expired"))
    with _TrustTestCA():
        conn = impl.HTTPSConnection("localhost", srv.port, timeout=3)
    try:
        conn.request("GET", "/")
    except ssl.SSLCertVerificationError as exc:
        assert exc.verify_code == 10, exc.verify_message
    else:
        raise AssertionError("an expired certificate was accepted")
    finally:
        conn.close()


def _reject_case(kind, code, what):
    @code_case(f"tls-reject-{kind}", area="tls", level="api",
               title=f"A caller's verifying context rejects {what} with SSLCertVerificationError; nothing is sent",
               reqs=["doc-httpsconnection", "doc-httpsconnection-verify"])
    def test(impl, serve):
        srv = serve(["request", {"send": OK}], tls=tls.server_context(kind))
        _expect_verify_error(impl, srv, context=tls.client_context(), code=code)

    test.__name__ = f"test_reject_{kind.replace('-', '_')}"
    return test


test_reject_expired = _reject_case("expired", 10, "an expired certificate")
test_reject_not_yet = _reject_case("not-yet", 9, "a not-yet-valid certificate")
test_reject_wrong_host = _reject_case("wrong-host", 62, "a certificate for another host name")
test_reject_self_signed = _reject_case("self-signed", 18, "a self-signed certificate")
test_reject_untrusted = _reject_case("untrusted", 20, "a certificate from an untrusted CA")


@code_case("tls-reject-wrong-host-explicit-connect", area="tls", level="api",
           title="connect() itself verifies: a wrong-host certificate fails at connect() with SSLCertVerificationError",
           reqs=["doc-httpsconnection-verify", "doc-connect-auto"])
def test_reject_connect(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("wrong-host"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        conn.connect()
    except ssl.SSLCertVerificationError:
        pass
    else:
        raise AssertionError("connect() accepted a certificate for another host")
    finally:
        conn.close()


@code_case("tls-ip-address-san", area="tls", level="api",
           title="Connecting to 127.0.0.1 verifies against the certificate's IP address SAN and sends no SNI",
           reqs=["doc-httpsconnection-verify", "doc-httpsconnection-sni"])
def test_ip_san(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()
    srv.stop()
    assert srv.connections[0].sni is None, f"SNI {srv.connections[0].sni!r} sent for an IP address"
    assert srv.received(0) == _req(f"127.0.0.1:{srv.port}")


@code_case("tls-ip-address-wrong-name-rejected", area="tls", level="api",
           title="A certificate for wrong-host.test is rejected when connecting to 127.0.0.1",
           reqs=["doc-httpsconnection-verify"])
def test_ip_wrong(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("wrong-host"))
    _expect_verify_error(impl, srv, host="127.0.0.1", context=tls.client_context(), code=64)


@code_case("tls-caller-context-unverified", area="tls", level="api",
           title="A caller context with check_hostname=False and CERT_NONE is used as given: a self-signed server is accepted",
           reqs=["doc-httpsconnection"])
def test_unverified(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("self-signed"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.unverified_client_context())
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()


@code_case("tls-caller-context-no-hostname-check", area="tls", level="api",
           title="A caller context verifying the chain without check_hostname accepts a trusted certificate for another name",
           reqs=["doc-httpsconnection"])
def test_no_hostname_check(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("wrong-host"))
    ctx = tls.client_context()
    ctx.check_hostname = False
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=ctx)
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()


@code_case("tls-caller-context-still-verifies-chain", area="tls", level="api",
           title="A caller context without check_hostname still rejects an untrusted chain",
           reqs=["doc-httpsconnection"])
def test_no_hostname_check_chain(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("untrusted"))
    ctx = tls.client_context()
    ctx.check_hostname = False
    _expect_verify_error(impl, srv, context=ctx, code=20)


# -- SNI, ALPN ----------------------------------------------------------------

@code_case("tls-sni-host-name", area="tls", level="api",
           title="The TLS ClientHello carries the connection's host name as SNI",
           reqs=["doc-httpsconnection-sni"])
def test_sni(impl, serve):
    srv, _ = _one_get(serve, lambda port: impl.HTTPSConnection("localhost", port, timeout=3, context=tls.client_context()))
    assert srv.connections[0].sni == "localhost", srv.connections[0].sni


@code_case("tls-default-alpn-http11", area="tls", level="api", python=">=3.10",
           title="Without a context, the client offers ALPN http/1.1 (3.10+)",
           reqs=["doc-httpsconnection-alpn"])
def test_default_alpn(impl, serve):
    srv = serve(["request", {"send": OK}], tls=tls.server_context("valid", alpn=("h2", "http/1.1")))
    with _TrustTestCA():
        conn = impl.HTTPSConnection("localhost", srv.port, timeout=3)
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()
    srv.stop()
    assert srv.connections[0].alpn == "http/1.1", f"negotiated ALPN {srv.connections[0].alpn!r}"


@code_case("tls-caller-context-alpn-untouched", area="tls", level="compat",
           title="A caller context without ALPN is not given any: no protocol is negotiated",
           reqs=["doc-httpsconnection-alpn"])
def test_caller_no_alpn(impl, serve):
    srv, _ = _one_get(serve, lambda port: impl.HTTPSConnection("localhost", port, timeout=3, context=tls.client_context()),
                      alpn=("h2", "http/1.1"))
    assert srv.connections[0].alpn is None, f"negotiated ALPN {srv.connections[0].alpn!r}"


@code_case("tls-caller-context-alpn-used", area="tls", level="api",
           title="A caller context's own ALPN list is what the client offers",
           reqs=["doc-httpsconnection-alpn"])
def test_caller_alpn(impl, serve):
    ctx = tls.client_context()
    ctx.set_alpn_protocols(["x-test"])
    srv, _ = _one_get(serve, lambda port: impl.HTTPSConnection("localhost", port, timeout=3, context=ctx),
                      alpn=("x-test", "http/1.1"))
    assert srv.connections[0].alpn == "x-test", f"negotiated ALPN {srv.connections[0].alpn!r}"


# -- Host and the default port --------------------------------------------------

def _redirected(impl, srv_port):
    """An HTTPSConnection subclass whose connect() reaches the test server
    while the connection's own host and port stay as constructed (connect()
    is the documented, overridable step)."""

    class Redirected(impl.HTTPSConnection):
        connected_to = []  # the ports connect() was asked to reach

        def connect(self):
            saved = self.port
            self.connected_to.append(saved)
            self.port = srv_port
            try:
                super().connect()
            finally:
                self.port = saved

    return Redirected


@code_case("tls-host-default-port-omitted", area="tls", level="rfc-must",
           title="HTTPSConnection('localhost') defaults to port 443 and omits it from Host",
           reqs=["doc-httpsconnection", "rfc9110-7.2-host-port-https"])
def test_default_port(impl, serve):
    made = []

    def connect(port):
        made.append(_redirected(impl, port))
        return made[0]("localhost", timeout=3, context=tls.client_context())

    srv, got = _one_get(serve, connect)
    assert got == (200, b"hi"), got
    assert made[0].connected_to == [443], f"connect() was asked for port {made[0].connected_to}, not 443"
    assert srv.received(0) == _req("localhost"), srv.received(0)


@code_case("tls-host-explicit-443-omitted", area="tls", level="rfc-must",
           title="HTTPSConnection('localhost', 443) omits :443 from Host",
           reqs=["doc-httpsconnection", "rfc9110-7.2-host-port-https"])
def test_explicit_443(impl, serve):
    srv, _ = _one_get(serve, lambda port: _redirected(impl, port)("localhost", 443, timeout=3, context=tls.client_context()))
    assert srv.received(0) == _req("localhost"), srv.received(0)


@code_case("tls-host-port-80-kept", area="tls", level="rfc-must",
           title="HTTPSConnection('localhost', 80) keeps :80 in Host (80 is not the https default)",
           reqs=["doc-httpsconnection", "rfc9110-7.2-host-port-https"])
def test_port_80(impl, serve):
    srv, _ = _one_get(serve, lambda port: _redirected(impl, port)("localhost", 80, timeout=3, context=tls.client_context()))
    assert srv.received(0) == _req("localhost:80"), srv.received(0)


@code_case("tls-host-port-in-host-string", area="tls", level="api",
           title="HTTPSConnection('localhost:PORT') takes the port from the string; Host carries it",
           reqs=["doc-httpsconnection", "doc-httpconnection-hostport"])
def test_port_string(impl, serve):
    srv, _ = _one_get(serve, lambda port: impl.HTTPSConnection(f"localhost:{port}", timeout=3, context=tls.client_context()))
    assert srv.received(0) == _req(f"localhost:{srv.port}"), srv.received(0)


# -- persistence and faults over TLS ----------------------------------------------

@code_case("tls-keepalive-one-handshake", area="tls", level="rfc-must",
           title="Two requests over TLS share one connection (one handshake)",
           reqs=["rfc9112-9.7-tls-reuse", "rfc9112-9.3-http11-persistent"])
def test_tls_keepalive(impl, serve):
    srv = serve(["request", {"send": OK}, "request", {"send": OK2}], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"hi")
        assert _get(conn) == (200, b"b")
    finally:
        conn.close()
    srv.stop()
    assert len(srv.connections) == 1, f"{len(srv.connections)} connections"
    assert srv.received(0) == _req(f"localhost:{srv.port}") * 2


@code_case("tls-connection-close-new-handshake", area="tls", level="rfc-must",
           title="Connection: close over TLS: the next request makes a new verified TLS connection with SNI",
           reqs=["rfc9112-9.7-tls-reuse", "rfc9112-9.6-client-received-close", "doc-httpsconnection-sni"])
def test_tls_close(impl, serve):
    srv = serve(["request", {"send": "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"},
                 "request", {"send": OK2}], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"hi")
        assert _get(conn) == (200, b"b")
    finally:
        conn.close()
    srv.stop()
    assert len(srv.connections) == 2, f"{len(srv.connections)} connections"
    assert [c.sni for c in srv.connections] == ["localhost", "localhost"]


@code_case("tls-remote-disconnected", area="tls", level="api",
           title="A TLS server that closes without answering: RemoteDisconnected",
           reqs=["doc-remote-disconnected"])
def test_tls_remote_disconnected(impl, serve):
    srv = serve(["request", "close"], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        conn.request("GET", "/")
        try:
            conn.getresponse()
        except impl.RemoteDisconnected:
            pass
        else:
            raise AssertionError("getresponse() returned")
    finally:
        conn.close()


@code_case("tls-close-delimited-body", area="tls", level="rfc-must",
           title="A close-delimited body over TLS ends at the server's close",
           reqs=["rfc9112-6.3-close-delimited"])
def test_tls_close_delimited(impl, serve):
    srv = serve(["request", {"send": "HTTP/1.1 200 OK\r\n\r\nuntil-close"}, "close"], tls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"until-close")
    finally:
        conn.close()


@code_case("tls-handshake-timeout", area="tls", level="api", waits=True,
           title="A server that accepts but never does the TLS handshake: socket.timeout within the timeout",
           reqs=["doc-httpconnection-timeout"])
def test_tls_handshake_timeout(impl, serve):
    srv = serve(["hold"])  # plain TCP, silent
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=0.1, context=tls.client_context())
    try:
        conn.request("GET", "/")
    except socket.timeout:
        pass
    else:
        raise AssertionError("the request went through a silent server")
    finally:
        conn.close()


@code_case("tls-plain-http-server", area="tls", level="api",
           title="An HTTPS client talking to a plain HTTP server fails with ssl.SSLError, not a response",
           reqs=["doc-httpsconnection"])
def test_tls_plain(impl, serve):
    srv = serve([{"send": "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"}, "close"])
    conn = impl.HTTPSConnection("localhost", srv.port, timeout=3, context=tls.client_context())
    try:
        conn.request("GET", "/")
        conn.getresponse()
    except ssl.SSLCertVerificationError as exc:
        raise AssertionError(f"a certificate error without a certificate: {exc!r}")
    except ssl.SSLError:
        pass
    else:
        raise AssertionError("a plain HTTP response was accepted over https")
    finally:
        conn.close()


@code_case("ipv6-tls", area="ipv6", level="api",
           title="HTTPS to ::1: verified against the IPv6 SAN, Host [::1]:port, no SNI",
           reqs=["doc-httpsconnection", "rfc9110-7.2-ipv6-literal"])
def test_tls_ipv6(impl, serve):
    import pytest
    try:
        srv = serve(["request", {"send": OK}], tls=tls.server_context("valid"), family=socket.AF_INET6)
    except OSError:
        pytest.skip("::1 unavailable")
    conn = impl.HTTPSConnection("::1", srv.port, timeout=3, context=tls.client_context())
    try:
        assert _get(conn) == (200, b"hi")
    finally:
        conn.close()
    srv.stop()
    assert srv.received(0) == _req(f"[::1]:{srv.port}"), srv.received(0)
    assert srv.connections[0].sni is None
