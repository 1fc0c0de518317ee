"""CONNECT tunnel code cases: TLS inside the tunnel (HTTPSConnection +
set_tunnel: the handshake happens after the proxy's 200, verifies the tunnel
host's certificate and sends its name as SNI), and set_tunnel's arguments."""
import ssl

from conformance.codecase import code_case
from servers import tls

OK200 = "HTTP/1.1 200 Connection established\r\n\r\n"
OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
T = tls.TUNNEL_NAME


def _inner(host):
    return f"GET / HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode()


def _connect_forms(target):
    """The CONNECT heads acceptable on this Python: HTTP/1.1 with Host (the
    form documented since 3.12); before 3.12 also HTTP/1.0 without Host."""
    import sys

    forms = [f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode()]
    if sys.version_info < (3, 12):
        forms.append(f"CONNECT {target} HTTP/1.0\r\n\r\n".encode())
    return forms


def _check_sent(got, target, rest=b""):
    forms = [f + rest for f in _connect_forms(target)]
    assert got in forms, f"the proxy received {got!r}, expected one of {forms!r}"


@code_case("tunnel-tls-through-proxy", area="tunnel", level="api",
           title="HTTPSConnection + set_tunnel: CONNECT in clear, then TLS with the tunnel host, then the request",
           reqs=["doc-set-tunnel-https", "doc-set-tunnel"])
def test_tls_tunnel(impl, serve):
    srv = serve(["head", {"send": OK200}, "starttls", "request", {"send": OK}], starttls=tls.server_context("tunnel"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel(T, 443)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"hi")
    finally:
        conn.close()
    srv.stop()
    c = srv.connections[0]
    assert c.sni == T, f"SNI {c.sni!r}, expected the tunnel host"
    _check_sent(srv.received(0), f"{T}:443", _inner(T))
    assert len(srv.connections) == 1


@code_case("tunnel-tls-verifies-tunnel-host", area="tunnel", level="api",
           title="TLS through a tunnel verifies the certificate against the tunnel host, not the proxy",
           reqs=["doc-set-tunnel-https", "doc-httpsconnection-verify"])
def test_tls_tunnel_wrong_cert(impl, serve):
    # The 'valid' certificate is for localhost/127.0.0.1 (the proxy), not the tunnel host.
    srv = serve(["head", {"send": OK200}, "starttls", "request", {"send": OK}], starttls=tls.server_context("valid"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel(T, 443)
    try:
        conn.request("GET", "/")
    except ssl.SSLCertVerificationError as exc:
        assert exc.verify_code == 62, exc.verify_message
    else:
        raise AssertionError("a certificate for the proxy was accepted for the tunnel host")
    finally:
        conn.close()
    srv.stop()
    _check_sent(srv.received(0), f"{T}:443")


@code_case("tunnel-tls-untrusted-rejected", area="tunnel", level="api",
           title="TLS through a tunnel rejects an untrusted certificate for the tunnel host",
           reqs=["doc-set-tunnel-https", "doc-httpsconnection-verify"])
def test_tls_tunnel_untrusted(impl, serve):
    srv = serve(["head", {"send": OK200}, "starttls", "request", {"send": OK}], starttls=tls.server_context("untrusted"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel("localhost", 443)
    try:
        conn.request("GET", "/")
    except ssl.SSLCertVerificationError:
        pass
    else:
        raise AssertionError("an untrusted certificate was accepted")
    finally:
        conn.close()


@code_case("tunnel-tls-port-in-host", area="tunnel", level="rfc-must",
           title="TLS through a tunnel to a non-default port: CONNECT host:port, inner Host host:port",
           reqs=["doc-set-tunnel-https", "rfc9110-7.2-host-port-https", "rfc9110-9.3.6-connect-target"])
def test_tls_tunnel_port(impl, serve):
    srv = serve(["head", {"send": OK200}, "starttls", "request", {"send": OK}], starttls=tls.server_context("tunnel"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel(T, 8443)
    try:
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"hi"
    finally:
        conn.close()
    srv.stop()
    _check_sent(srv.received(0), f"{T}:8443", _inner(f"{T}:8443"))
    assert srv.connections[0].sni == T


@code_case("tunnel-tls-default-port-443", area="tunnel", level="rfc-must",
           title="HTTPSConnection.set_tunnel(host) without a port tunnels to 443 (the https default)",
           reqs=["doc-set-tunnel-https", "rfc9110-9.3.6-connect-target"])
def test_tls_tunnel_default_port(impl, serve):
    srv = serve(["head", {"send": OK200}, "starttls", "request", {"send": OK}], starttls=tls.server_context("tunnel"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel(T)
    try:
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"hi"
    finally:
        conn.close()
    srv.stop()
    _check_sent(srv.received(0), f"{T}:443", _inner(T))


@code_case("tunnel-tls-refused-no-handshake", area="tunnel", level="security",
           title="A refused CONNECT on an HTTPSConnection raises OSError before any TLS handshake or request",
           reqs=["compat-tunnel-refused", "doc-set-tunnel-https"])
def test_tls_tunnel_refused(impl, serve):
    srv = serve(["head", {"send": "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"}, "hold"],
                starttls=tls.server_context("tunnel"))
    conn = impl.HTTPSConnection("127.0.0.1", srv.port, timeout=3, context=tls.client_context())
    conn.set_tunnel(T, 443)
    try:
        conn.request("GET", "/")
    except ssl.SSLError as exc:
        raise AssertionError(f"a TLS handshake was attempted after a refusal: {exc!r}")
    except OSError as exc:
        assert type(exc) is OSError, type(exc)
        assert str(exc) == "Tunnel connection failed: 407 Proxy Authentication Required", str(exc)
    else:
        raise AssertionError("request() went through a refused tunnel")
    finally:
        conn.close()
    srv.stop()
    _check_sent(srv.received(0), f"{T}:443")


@code_case("tunnel-headers-not-mutated", area="tunnel", level="api",
           title="set_tunnel does not modify the caller's headers mapping (the Host it adds is its own)",
           reqs=["doc-set-tunnel-headers", "doc-set-tunnel-host-header"])
def test_headers_not_mutated(impl, serve):
    srv = serve(["head", {"send": OK200}, "request", {"send": OK}])
    headers = {"Proxy-Authorization": "Basic dTpw"}
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    conn.set_tunnel("target.test", 8080, headers=headers)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    assert headers == {"Proxy-Authorization": "Basic dTpw"}, headers


@code_case("tunnel-headers-snapshot", area="tunnel", level="compat", python=">=3.12",
           title="set_tunnel takes a copy of the headers: changing the mapping afterwards changes nothing sent",
           reqs=["doc-set-tunnel-headers"])
def test_headers_snapshot(impl, serve):
    srv = serve(["head", {"send": OK200}, "request", {"send": OK}])
    headers = {"X-A": "1"}
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    conn.set_tunnel("target.test", 8080, headers=headers)
    headers["X-B"] = "2"
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    srv.stop()
    assert srv.received(0).startswith(b"CONNECT target.test:8080 HTTP/1.1\r\nX-A: 1\r\nHost: target.test:8080\r\n\r\n"), srv.received(0)


@code_case("tunnel-refused-then-retry", area="tunnel", level="compat", python=">=3.12",
           title="After a refused CONNECT the connection is closed; the next request opens a new connection and sends CONNECT again",
           reqs=["compat-tunnel-refused", "doc-getresponse-reconnect"])
def test_refused_retry(impl, serve):
    srv = serve(["head", {"send": "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"},
                 "accept", "head", {"send": OK200}, "request", {"send": OK}])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    conn.set_tunnel("target.test", 8080)
    try:
        try:
            conn.request("GET", "/")
        except OSError:
            pass
        else:
            raise AssertionError("the refused tunnel did not raise")
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"hi"
    finally:
        conn.close()
    srv.stop()
    assert len(srv.connections) == 2, len(srv.connections)
    _check_sent(srv.received(1), "target.test:8080", _inner("target.test:8080"))
