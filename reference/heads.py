"""Message heads without I/O: status lines, header sections, request heads.

Parsing works on lines as read from the connection (each ending in CRLF or
a bare LF, which RFC 9112 s2.2 lets a recipient accept, as the stdlib does).
"""
from __future__ import annotations

import email.message
import re
from typing import Any, Iterable, List, Optional, Tuple, Type, TypeVar
from urllib.parse import urlsplit

from . import limits
from .errors import (BadStatusLine, HTTPException, InvalidHeader, InvalidURL,
                     LineTooLong)

_M = TypeVar("_M", bound=email.message.Message)


class HTTPMessage(email.message.Message):
    # Kept as in the stdlib (used by http.server.CGIHTTPRequestHandler).
    def getallmatchingheaders(self, name: str) -> List[str]:
        """Find all header lines matching a given header name."""
        name = name.lower() + ":"
        n = len(name)
        lst = []
        hit = 0
        for line in self.keys():
            if line[:n].lower() == name:
                hit = 1
            elif not line[:1].isspace():
                hit = 0
            if hit:
                lst.append(line)
        return lst


# ---------------------------------------------------------------- status line

def parse_status_line(line: str) -> Tuple[str, int, str]:
    """Split a (latin-1 decoded, non-empty) status line like the stdlib.

    Words are split on whitespace (RFC 9112 s4 allows it).  The status code
    must be exactly 3 digits (RFC 9112 s4: status-code = 3DIGIT); the stdlib's
    int() also takes "+200" or "2_00".  Returns (version, status, reason),
    the reason without the line's end but not yet stripped; raises
    BadStatusLine(line).
    """
    # RFC 9112 s2.2: a bare CR MUST be treated as invalid or replaced by SP
    # before the element is processed; here it becomes SP (the stdlib keeps
    # it in the reason phrase).
    text = line[:-1] if line.endswith("\n") else line
    text = text[:-1] if text.endswith("\r") else text
    text = text.replace("\r", " ")
    try:
        version, status, reason = text.split(None, 2)
    except ValueError:
        try:
            version, status = text.split(None, 1)
            status = status.rstrip()  # "HTTP/1.1 200 " has an empty reason
            reason = ""
        except ValueError:
            version, status, reason = "", "", ""
    if not version.startswith("HTTP/"):
        raise BadStatusLine(line)
    if not (len(status) == 3 and status.isdigit() and status.isascii()
            and status[0] != "0"):
        raise BadStatusLine(line)
    return version, int(status), reason


def version_number(version: str) -> Optional[int]:
    """10 for HTTP/1.0 (and 0.9), 11 for HTTP/1.x, None if unsupported."""
    if version in ("HTTP/1.0", "HTTP/0.9"):
        return 10
    if version.startswith("HTTP/1."):
        return 11
    return None


# ------------------------------------------------------------ header section

def read_lines_check(lines: List[bytes], line: bytes) -> bool:
    """Account one header-section line; True when the section has ended.

    Same limits and messages as the stdlib's _read_headers: LineTooLong
    past limits.MAX_LINE, "got more than 100 headers" when the section
    (counting its empty line) has more than limits.MAX_HEADERS lines.
    """
    if len(line) > limits.MAX_LINE:
        raise LineTooLong("header line")
    lines.append(line)
    if len(lines) > limits.MAX_HEADERS:
        raise HTTPException("got more than %d headers" % limits.MAX_HEADERS)
    return line in (b"\r\n", b"\n", b"")


# A field name as the stdlib accepts it (visible ASCII except ":"), which
# covers RFC 9110 s5.1 token and keeps the stdlib's tolerance of other VCHARs.
_field_name = re.compile(rb"[\x21-\x39\x3b-\x7e]+").fullmatch
_OWS = b" \t"


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):
        return line[:-1]
    return line  # last line of a section cut short by EOF


def parse_field_lines(lines: Iterable[bytes]) -> List[Tuple[str, str]]:
    """Parse header-section lines (terminator optional) into (name, value).

    Strict where the stdlib drops lines silently: a line without a colon,
    with an empty or non-token-ish name, with whitespace before the colon
    (RFC 9112 s5.1), or holding a bare CR or NUL (RFC 9112 s2.2, RFC 9110
    s5.5) raises InvalidHeader.  obs-fold is replaced by one SP (RFC 9112
    s5.2) and OWS around values is excluded (RFC 9110 s5.5).
    Names and values are decoded as ISO-8859-1, as in the stdlib.
    """
    fields: List[Tuple[bytes, bytes]] = []
    for raw in lines:
        line = _strip_eol(raw)
        if not line:
            break
        if b"\r" in line or b"\0" in line:
            raise InvalidHeader(raw, "bare CR or NUL in header line")
        if line[:1] in (b" ", b"\t"):
            if not fields:
                raise InvalidHeader(raw, "obs-fold before the first field")
            name, value = fields[-1]
            more = line.strip(_OWS)
            if more:
                value = value + b" " + more if value else more
            fields[-1] = (name, value)
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise InvalidHeader(raw, "header line without a colon")
        if not _field_name(name):
            raise InvalidHeader(raw, "invalid field name")
        fields.append((name, value.strip(_OWS)))
    return [(n.decode("iso-8859-1"), v.decode("iso-8859-1"))
            for n, v in fields]


def build_message(lines: Iterable[bytes], _class: Type[_M]) -> _M:
    """An HTTPMessage (or _class) holding the parsed fields, in order."""
    msg = _class()
    for name, value in parse_field_lines(lines):
        msg[name] = value
    msg.set_payload("")  # as email.parser leaves it
    return msg


# --------------------------------------------------------------- request head

# Request field lines.  A field name must be a token (RFC 9110 s5.1); the
# stdlib refuses only CR, LF, colons and leading whitespace.  A value must
# not hold CR, LF or NUL (RFC 9110 s5.5: "invalid and dangerous"; RFC 9112
# s5.2: a sender MUST NOT generate obs-fold); the stdlib lets "CRLF SP"
# and NUL through.  Several putheader() values are still joined by CRLF
# HTAB, as documented.
is_legal_header_name = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
is_illegal_header_value = re.compile(rb"[\r\n\x00]").search

# Same checks as the stdlib for the request target, the Host and the method
# (CVE-2019-9740, CVE-2019-18348).
DISALLOWED_URL_PCHAR_RE = re.compile("[\x00-\x20\x7f]")
DISALLOWED_METHOD_PCHAR_RE = re.compile("[\x00-\x1f]")
contains_disallowed_url_pchar = DISALLOWED_URL_PCHAR_RE.search
contains_disallowed_method_pchar = DISALLOWED_METHOD_PCHAR_RE.search


# ASCII characters outside tchar besides the controls above (RFC 9110
# s5.6.2); non-ASCII ones are left to the ASCII encoding of the request
# line, which raises UnicodeEncodeError as in the stdlib.
_non_token_ascii = re.compile(r'[ "(),/:;<=>?@\[\\\]{}\x7f]').search


def validate_method(method: str) -> None:
    """The method must be a token (RFC 9110 s9.1; a sender MUST NOT
    generate elements that do not match the grammar, s2.2).  Control
    characters give the stdlib's message; the stdlib checks only those."""
    match = contains_disallowed_method_pchar(method)
    if match:
        raise ValueError(
            f"method can't contain control characters. {method!r} "
            f"(found at least {match.group()!r})")
    match = _non_token_ascii(method)
    if match:
        raise ValueError(
            f"method must be a token (RFC 9110 s9.1). {method!r} "
            f"(found at least {match.group()!r})")


def validate_url(url: str) -> None:
    """Raise InvalidURL for control characters or spaces (path or host)."""
    match = contains_disallowed_url_pchar(url)
    if match:
        raise InvalidURL(f"URL can't contain control characters. {url!r} "
                         f"(found at least {match.group()!r})")


def encode_text(data: str, name: str = "data") -> bytes:
    """data.encode("latin-1") with the stdlib's clearer error message."""
    try:
        return data.encode("latin-1")
    except UnicodeEncodeError as err:
        raise UnicodeEncodeError(
            err.encoding,
            err.object,
            err.start,
            err.end,
            "%s (%.20r) is not valid Latin-1. Use %s.encode('utf-8') "
            "if you want to send it encoded in UTF-8." %
            (name.title(), data[err.start:err.end], name)) from None


def header_line(header: Any, values: Iterable[Any]) -> bytes:
    """One request field line (no CRLF), validated as above.

    Several values are joined with CRLF HTAB, as the stdlib documents;
    str values are encoded as latin-1, ints in decimal.
    """
    name = header.encode("ascii") if hasattr(header, "encode") else header
    if not is_legal_header_name(name):
        raise ValueError("Invalid header name %r" % (name,))
    encoded: List[bytes] = []
    for one in values:
        if hasattr(one, "encode"):
            value = one.encode("latin-1")
        elif isinstance(one, int):
            value = str(one).encode("ascii")
        else:
            value = one
        if is_illegal_header_value(value):
            raise ValueError("Invalid header value %r" % (value,))
        encoded.append(value)
    return bytes(name + b": " + b"\r\n\t".join(encoded))


_option_separators = re.compile(rb"[,\s]+")


def is_connection_close(line: bytes) -> bool:
    """Whether a request field line (from header_line) is a Connection
    field with the "close" option (RFC 9110 s7.6.1; names and options are
    case-insensitive; several values are joined by CRLF HTAB)."""
    name, _, value = line.partition(b":")
    if name.lower() != b"connection":
        return False
    return b"close" in _option_separators.split(value.lower())


def strip_ipv6_zone(enc_name: bytes) -> bytes:
    """Remove the zone id (RFC 6874) from a bracketed IPv6 address.

    Anything after the closing bracket (":port") is kept: the stdlib drops
    it, breaking RFC 9112 s3.2 (Host MUST match the target's authority).
    """
    enc_name, percent, rest = enc_name.partition(b"%")
    if percent:
        assert enc_name.startswith(b"["), enc_name
        _, bracket, after = rest.partition(b"]")
        enc_name += b"]" + (after if bracket else b"")
    return enc_name


def wrap_ipv6(ip: bytes) -> bytes:
    if b":" in ip and ip[0] != b"["[0]:
        return b"[" + ip + b"]"
    return ip


def _ascii_or_idna(text: str) -> bytes:
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        return text.encode("idna")


def host_header(url: str, host: str, port: int,
                default_port: int) -> object:
    """The Host field value putrequest sends (RFC 9110 s7.2), as the stdlib.

    An absolute URL's authority wins; else host (IPv6 bracketed, zone id
    dropped, IDNA-encoded) with ":port" unless port is the default.
    Returns bytes, or str when a port is appended (as the stdlib passes it).
    """
    netloc = ""
    if url.startswith("http"):
        netloc = urlsplit(url)[1]
    if netloc:
        # RFC 9112 s3.2: the authority without userinfo (the stdlib keeps it).
        netloc = netloc.rpartition("@")[2]
        return strip_ipv6_zone(_ascii_or_idna(netloc))
    host_enc = wrap_ipv6(_ascii_or_idna(host))
    if ":" in host:
        host_enc = strip_ipv6_zone(host_enc)
    if port == default_port:
        return host_enc
    return "%s:%s" % (host_enc.decode("ascii"), port)


def split_hostport(host: str, port: Optional[int],
                   default_port: int) -> Tuple[str, int]:
    """Split "host:port" / "[v6]:port" as the stdlib's _get_hostport."""
    if port is None:
        i = host.rfind(":")
        j = host.rfind("]")  # ipv6 addresses have [...]
        if i > j:
            try:
                port = int(host[i + 1:])
            except ValueError:
                if host[i + 1:] == "":  # http://foo.com:/ == http://foo.com/
                    port = default_port
                else:
                    raise InvalidURL("nonnumeric port: '%s'" % host[i + 1:])
            host = host[:i]
        else:
            port = default_port
    if host and host[0] == "[" and host[-1] == "]":
        host = host[1:-1]
    return host, port
