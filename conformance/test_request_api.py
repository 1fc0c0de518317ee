"""Code cases for the HTTPConnection constructor and request API where data
cases cannot observe the behaviour (timeouts, source address, the read sizes
a file body sees, a subclass's default port)."""
import io
import socket

from conformance.codecase import code_case

OK0 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


@code_case("ctor-timeout-applies-to-reads", area="ctor", level="api", waits=True,
           title="timeout=0.1: getresponse() on a silent server raises a timeout (socket.timeout / TimeoutError)",
           reqs=["doc-ctor-timeout"])
def test_timeout(impl, serve):
    srv = serve(["request", "hold"])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=0.1)
    try:
        conn.request("GET", "/")
        try:
            conn.getresponse()
        except (socket.timeout, TimeoutError):
            pass
        else:
            raise AssertionError("getresponse() returned from a silent server")
    finally:
        conn.close()


@code_case("ctor-timeout-attribute", area="ctor", level="compat",
           title="The timeout given to the constructor is kept as .timeout", reqs=["doc-ctor-timeout"])
def test_timeout_attr(impl, serve):
    assert impl.HTTPConnection("example.invalid", 80, timeout=1.5).timeout == 1.5


@code_case("ctor-source-address", area="ctor", level="api",
           title="source_address=('127.0.0.1', port): the server sees the connection from that address",
           reqs=["doc-ctor-source-address"])
def test_source_address(impl, serve):
    srv = serve(["request", {"send": OK0}])
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3, source_address=("127.0.0.1", port))
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    assert srv.connections and srv.connections[0].peer == ("127.0.0.1", port), srv.connections[0].peer


def _recording_file(data, sizes):
    buf = io.BytesIO(data)

    class F:
        def read(self, n=-1):
            sizes.append(n)
            return buf.read(n)

    return F()


@code_case("ctor-blocksize-read-size", area="ctor", level="api",
           title="A file body is read in blocksize pieces (blocksize=5: read(5) calls)",
           reqs=["doc-ctor-blocksize", "doc-endheaders-encode-chunked"])
def test_blocksize_reads(impl, serve):
    srv = serve(["request", {"send": OK0}])
    sizes = []
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3, blocksize=5)
    try:
        conn.request("POST", "/", _recording_file(b"0123456789ab", sizes))
        conn.getresponse().read()
    finally:
        conn.close()
    assert sizes and all(n == 5 for n in sizes), sizes
    assert srv.received(0).endswith(b"5\r\n01234\r\n5\r\n56789\r\n2\r\nab\r\n0\r\n\r\n"), srv.received(0)


@code_case("ctor-blocksize-default-8192", area="ctor", level="api",
           title="Without blocksize, a file body is read in 8192-byte pieces",
           reqs=["doc-ctor-blocksize"])
def test_blocksize_default(impl, serve):
    srv = serve(["request", {"send": OK0}])
    sizes = []
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=3)
    try:
        conn.request("POST", "/", _recording_file(b"x" * 9000, sizes), headers={"Content-Length": "9000"})
        conn.getresponse().read()
    finally:
        conn.close()
    assert sizes and all(n == 8192 for n in sizes), sizes
    assert srv.received(0).endswith(b"\r\n\r\n" + b"x" * 9000)


@code_case("ctor-blocksize-attribute", area="ctor", level="api",
           title="HTTPConnection.blocksize is the constructor's blocksize (default 8192)", reqs=["doc-ctor-blocksize"])
def test_blocksize_attr(impl, serve):
    assert impl.HTTPConnection("example.invalid").blocksize == 8192
    assert impl.HTTPConnection("example.invalid", blocksize=100).blocksize == 100


@code_case("host-default-port-omitted", area="host", level="rfc-should",
           title="When the port is the class's default port, Host carries the host alone",
           reqs=["rfc9110-7.2-host-port", "rfc9110-4.2.1-default-port"])
def test_default_port_omitted(impl, serve):
    srv = serve(["request", {"send": OK0}])

    class Conn(impl.HTTPConnection):
        default_port = srv.port

    conn = Conn(srv.host, timeout=3)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    assert srv.received(0) == b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n", srv.received(0)


@code_case("host-default-port-explicit-omitted", area="host", level="rfc-should",
           title="An explicit port equal to the default port is omitted from Host too",
           reqs=["rfc9110-7.2-host-port", "rfc9110-4.2.1-default-port"])
def test_default_port_explicit(impl, serve):
    srv = serve(["request", {"send": OK0}])

    class Conn(impl.HTTPConnection):
        default_port = srv.port

    conn = Conn(f"{srv.host}:{srv.port}", timeout=3)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    assert b"\r\nHost: 127.0.0.1\r\n" in srv.received(0), srv.received(0)


def _attrs_case(cid, title, args, host, port, level="compat", reqs=("compat-ctor-host-port-attrs", "doc-ctor-host-port")):
    @code_case(cid, area="ctor", level=level, title=title, reqs=list(reqs))
    def test(impl, serve):
        conn = impl.HTTPConnection(*args)
        assert (conn.host, conn.port) == (host, port), (conn.host, conn.port)
        assert type(conn.port) is int

    test.__name__ = "test_" + cid.replace("-", "_")
    globals()[test.__name__] = test


_attrs_case("ctor-host-only-default-port", "HTTPConnection('example.com'): port 80", ("example.com",), "example.com", 80)
_attrs_case("ctor-host-port-string", "'example.com:8080' gives host example.com, port 8080 (int)", ("example.com:8080",), "example.com", 8080)
_attrs_case("ctor-explicit-port", "An explicit port is used as given", ("example.com", 8081), "example.com", 8081)
_attrs_case("ctor-explicit-port-wins", "An explicit port wins; the host string is kept whole", ("example.com", 81), "example.com", 81)
_attrs_case("ctor-ipv6-bracket-port", "'[::1]:8080' gives host '::1' (no brackets), port 8080", ("[::1]:8080",), "::1", 8080)
_attrs_case("ctor-ipv6-bracket-no-port", "'[::1]' gives host '::1', default port 80", ("[::1]",), "::1", 80)
_attrs_case("ctor-ipv6-bare-explicit-port", "'::1' with port 8080 keeps host '::1'", ("::1", 8080), "::1", 8080)
_attrs_case("ctor-ipv6-full-bracket-port", "'[2001:db8::1]:443' gives host '2001:db8::1', port 443", ("[2001:db8::1]:443",), "2001:db8::1", 443)
_attrs_case("ctor-empty-port-default", "'example.com:' (empty port) means the default port 80", ("example.com:",), "example.com", 80,
            reqs=("compat-ctor-empty-port-default",))
_attrs_case("ctor-port-leading-zeros", "'example.com:0080' is port 80", ("example.com:0080",), "example.com", 80)


def _invalid_port_case(cid, host, message):
    @code_case(cid, area="ctor", level="api", title=f"HTTPConnection({host!r}) raises InvalidURL",
               reqs=["doc-ctor-invalid-port"])
    def test(impl, serve):
        try:
            impl.HTTPConnection(host)
        except impl.InvalidURL as exc:
            assert type(exc) is impl.InvalidURL, type(exc)
            if message is not None:
                assert str(exc) == message, str(exc)
        else:
            raise AssertionError(f"no InvalidURL for {host!r}")

    test.__name__ = "test_" + cid.replace("-", "_")
    globals()[test.__name__] = test


_invalid_port_case("ctor-nonnumeric-port", "example.com:http", "nonnumeric port: 'http'")
_invalid_port_case("ctor-nonnumeric-port-mixed", "example.com:80a", None)
_invalid_port_case("ctor-ipv6-nonnumeric-port", "[::1]:x", None)
_invalid_port_case("ctor-port-with-space", "example.com:8 0", None)


def _host_control_case(cid, host):
    @code_case(cid, area="ctor", level="security", title=f"A host containing {host[-2:]!r} is refused (InvalidURL)",
               reqs=["security-ctor-host-control-chars"])
    def test(impl, serve):
        try:
            conn = impl.HTTPConnection(host, 80)
        except impl.InvalidURL:
            return
        raise AssertionError(f"HTTPConnection accepted host {host!r}: {getattr(conn, 'host', None)!r}")

    test.__name__ = "test_" + cid.replace("-", "_")
    globals()[test.__name__] = test


_host_control_case("ctor-host-crlf-refused", "example.com\r\nX-Injected: 1")
_host_control_case("ctor-host-lf-refused", "example.com\n")
_host_control_case("ctor-host-space-refused", "example.com x")
_host_control_case("ctor-host-nul-refused", "example.com\x00")
_host_control_case("ctor-host-del-refused", "example.com\x7f")
_host_control_case("ctor-host-tab-refused", "example.com\t")


@code_case("host-idna-encoded", area="host", level="compat",
           title="A non-ASCII host name is sent in Host in its IDNA (punycode) form",
           reqs=["compat-host-idna"])
def test_host_idna(impl, serve):
    srv = serve(["request", {"send": OK0}])

    class Redirected(impl.HTTPConnection):
        # connect() is the documented hook subclasses override; the host name
        # stays non-ASCII while the socket goes to the scripted server.
        def connect(self):
            self.sock = socket.create_connection((srv.host, srv.port), timeout=3)

    conn = Redirected("b\u00fccher.example", srv.port, timeout=3)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    want = b"GET / HTTP/1.1\r\nHost: xn--bcher-kva.example:%d\r\nAccept-Encoding: identity\r\n\r\n" % srv.port
    assert srv.received(0) == want, f"server received {srv.received(0)!r}, want {want!r}"


@code_case("host-ctor-ipv6-zone-id-stripped", area="host", level="rfc-must",
           title="For an IPv6 host with a zone id (fe80::1%eth0), Host is the bracketed address without the zone id",
           reqs=["doc-request-host-auto", "rfc3986-ip-literal-host"])
def test_host_zone_id(impl, serve):
    srv = serve(["request", {"send": OK0}])

    class Redirected(impl.HTTPConnection):
        def connect(self):  # the documented hook: send the bytes to the scripted server
            self.sock = socket.create_connection((srv.host, srv.port), timeout=3)

    conn = Redirected("fe80::1%eth0", 8080, timeout=3)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
    finally:
        conn.close()
    want = b"GET / HTTP/1.1\r\nHost: [fe80::1]:8080\r\nAccept-Encoding: identity\r\n\r\n"
    assert srv.received(0) == want, f"server received {srv.received(0)!r}, want {want!r}"
