"""Test certificates and TLS contexts for the scripted server, made at test
time (trustme for the CAs, `cryptography` for the leaves) and cached once per
process so that TLS cases stay fast. Nothing is written to the project: key
material lives in memory and in private temporary files.

    from servers import tls
    srv = serve(script, tls=tls.server_context("valid"))
    client_ctx = tls.client_context()          # trusts the test CA
    conn = impl.HTTPSConnection("localhost", srv.port, context=client_ctx)

Server certificates (`KINDS`):
    valid       signed by the test CA for localhost, 127.0.0.1, ::1
    expired     same names, notAfter in the past
    not-yet     same names, notBefore in the future
    wrong-host  signed by the test CA for wrong-host.test only
    self-signed a self-signed leaf for localhost, 127.0.0.1, ::1
    untrusted   signed by another CA (never trusted) for the same names
    tunnel      signed by the test CA for tunnel-target.test only (a CONNECT
                tunnel's inner server)

A server context built here records, on each accepted SSLSocket, the server
name the client offered (SNI) as `client_sni`; servers/scripted.py copies it
to the Connection record along with the negotiated ALPN protocol.
"""
from __future__ import annotations

import datetime
import os
import ssl
import tempfile
import threading
import warnings
from typing import Dict, Optional, Sequence, Tuple

KINDS = ("valid", "expired", "not-yet", "wrong-host", "self-signed", "untrusted", "tunnel")
NAMES = ("localhost", "127.0.0.1", "::1")
TUNNEL_NAME = "tunnel-target.test"

_lock = threading.Lock()
_pems: Dict[str, Tuple[bytes, bytes]] = {}  # kind -> (cert chain PEM, key PEM)
_ca_pem: Optional[bytes] = None
_tmpdir: Optional[tempfile.TemporaryDirectory] = None  # type: ignore[type-arg]


def _cryptography():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import trustme
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    return trustme, x509, hashes, serialization, ec, ExtendedKeyUsageOID, NameOID


def _san(x509, names: Sequence[str]):  # type: ignore[no-untyped-def]
    import ipaddress

    out = []
    for n in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            out.append(x509.DNSName(n))
    return x509.SubjectAlternativeName(out)


def _leaf(ca_cert_pem: Optional[bytes], ca_key_pem: Optional[bytes], names: Sequence[str],
          not_before: datetime.datetime, not_after: datetime.datetime) -> Tuple[bytes, bytes]:
    """A server certificate for `names`, signed by the CA (or self-signed
    when ca_cert_pem is None): (PEM chain without the root, PEM key)."""
    _, x509, hashes, serialization, ec, EKU, NameOID = _cryptography()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    if ca_cert_pem is None:
        issuer, signer = subject, key
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())
    else:
        ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
        issuer = ca_cert.subject
        signer = serialization.load_pem_private_key(ca_key_pem, password=None)
        ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_san(x509, names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([EKU.SERVER_AUTH]), critical=False)
        .add_extension(aki, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(signer, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _make_all() -> None:
    global _ca_pem, _tmpdir
    trustme = _cryptography()[0]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    day = datetime.timedelta(days=1)
    ca, other = trustme.CA(), trustme.CA()
    ca_cert, ca_key = ca.cert_pem.bytes(), ca.private_key_pem.bytes()
    o_cert, o_key = other.cert_pem.bytes(), other.private_key_pem.bytes()
    _pems["valid"] = _leaf(ca_cert, ca_key, NAMES, now - day, now + 30 * day)
    _pems["expired"] = _leaf(ca_cert, ca_key, NAMES, now - 60 * day, now - 30 * day)
    _pems["not-yet"] = _leaf(ca_cert, ca_key, NAMES, now + 30 * day, now + 60 * day)
    _pems["wrong-host"] = _leaf(ca_cert, ca_key, ("wrong-host.test",), now - day, now + 30 * day)
    _pems["self-signed"] = _leaf(None, None, NAMES, now - day, now + 30 * day)
    _pems["untrusted"] = _leaf(o_cert, o_key, NAMES, now - day, now + 30 * day)
    _pems["tunnel"] = _leaf(ca_cert, ca_key, (TUNNEL_NAME,), now - day, now + 30 * day)
    _ca_pem = ca_cert
    _tmpdir = tempfile.TemporaryDirectory(prefix="conformance-tls-")


def _ensure() -> None:
    with _lock:
        if _ca_pem is None:
            _make_all()


def ca_pem() -> bytes:
    """The test CA certificate (PEM)."""
    _ensure()
    assert _ca_pem is not None
    return _ca_pem


def _record_sni(sslsock, server_name, ctx):  # type: ignore[no-untyped-def]
    try:
        sslsock.client_sni = server_name
    except AttributeError:  # an SSLObject without a __dict__: nothing to record on
        pass
    return None


def server_context(kind: str = "valid", alpn: Sequence[str] = ("http/1.1",)) -> ssl.SSLContext:
    """A fresh server-side context presenting the `kind` certificate; it
    offers `alpn` (empty: no ALPN) and records the client's SNI."""
    if kind not in KINDS:
        raise ValueError(f"unknown certificate kind {kind!r}; one of {KINDS}")
    _ensure()
    cert, key = _pems[kind]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    assert _tmpdir is not None
    # load_cert_chain only reads files: write each pair once, privately.
    cpath = os.path.join(_tmpdir.name, f"{kind}.pem")
    with _lock:
        if not os.path.exists(cpath):
            fd = os.open(cpath + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(cert + key)
            os.replace(cpath + ".tmp", cpath)
    ctx.load_cert_chain(cpath)
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    ctx.sni_callback = _record_sni
    return ctx


def client_context(trust: bool = True) -> ssl.SSLContext:
    """A verifying client context (ssl.create_default_context) that trusts
    the test CA when `trust`."""
    if trust:
        return ssl.create_default_context(cadata=ca_pem().decode("ascii"))
    return ssl.create_default_context()


def unverified_client_context() -> ssl.SSLContext:
    """A client context that verifies nothing (check_hostname False,
    CERT_NONE)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
