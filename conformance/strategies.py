"""Hypothesis strategies for HTTP/1.1 responses, from the RFC 9112 grammar.

    status-line  = HTTP-version SP status-code SP [ reason-phrase ] CRLF
    reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
    field-line   = field-name ":" OWS field-value OWS
    field-name   = token ; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+"
                   / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    field-value  = *field-content ; VCHAR / obs-text with interior SP / HTAB
    chunked-body = *chunk last-chunk trailer-section CRLF
    chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
    chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
    chunk-ext-val = token / quoted-string
    last-chunk   = 1*("0") [ chunk-ext ] CRLF

Valid messages come as `Message` (the raw bytes plus what a client must
observe: status, body); `near_valid_responses` mutates valid ones into
inputs a client must reject or tolerate, but never crash on. Sizes are kept
small: every example is a real loopback exchange.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from hypothesis import strategies as st

TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
VCHAR = bytes(range(0x21, 0x7F))
OBS_TEXT = bytes(range(0x80, 0x100))
# Fields whose presence changes framing or persistence: generated on purpose only.
FRAMING_FIELDS = {"content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade"}
# Status codes whose responses have a body (no 1xx, 204, 205, 304).
BODY_CODES = [c for c in range(200, 600) if c not in (204, 205, 304)]


@dataclass(frozen=True)
class Message:
    """A response as raw bytes, and what reading it must give."""

    raw: bytes
    status: int
    body: bytes
    framing: str  # 'length' or 'chunked'
    version: str = "HTTP/1.1"

    def __repr__(self) -> str:  # Hypothesis prints this for a falsifying example
        return f"Message(raw={self.raw!r}, status={self.status}, body={self.body!r}, framing={self.framing!r})"


# -- lexical pieces ---------------------------------------------------------
tokens = st.text(alphabet=TCHAR, min_size=1, max_size=12)
ows = st.sampled_from(["", " ", "\t", "  ", " \t"])
bws = ows


def _latin1(s: str) -> bytes:
    return s.encode("latin-1")


field_names = tokens.filter(lambda n: n.lower() not in FRAMING_FIELDS)
_field_char = st.sampled_from(list(VCHAR + OBS_TEXT))


@st.composite
def field_values(draw: st.DrawFn, max_size: int = 30) -> bytes:
    """field-content: VCHAR/obs-text, single SP/HTAB only inside."""
    words = draw(st.lists(st.lists(_field_char, min_size=1, max_size=8).map(bytes), max_size=4))
    seps = [draw(st.sampled_from([b" ", b"\t", b"  "])) for _ in words]
    out = b""
    for i, w in enumerate(words):
        out += (seps[i] if i else b"") + w
    return out[:max_size].rstrip(b" \t")


@st.composite
def field_lines(draw: st.DrawFn, max_fields: int = 6) -> List[bytes]:
    fields = draw(st.lists(st.tuples(field_names, ows, field_values(), ows), max_size=max_fields))
    return [_latin1(n) + b":" + _latin1(a) + v + _latin1(b) + b"\r\n" for n, a, v, b in fields]


reasons = st.lists(st.sampled_from(list(VCHAR + OBS_TEXT + b" \t")), max_size=20).map(bytes)


@st.composite
def status_lines(draw: st.DrawFn, codes: Sequence[int] = tuple(BODY_CODES)) -> Tuple[bytes, int, str]:
    code = draw(st.sampled_from(list(codes)))
    version = draw(st.sampled_from(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0"]))
    reason = draw(reasons)
    if reason[:1] in (b" ", b"\t"):
        reason = b"OK" + reason
    return _latin1(f"{version} {code} ") + reason + b"\r\n", code, version


# Mostly short bodies rich in line ends (readline), sometimes longer binary ones.
bodies = st.one_of(
    st.lists(st.sampled_from([b"a", b"\n", b"\r\n", b"\x00", b"\xff", b"0\r\n\r\n", b"HTTP/1.1 200 OK\r\n"]), max_size=12)
    .map(b"".join),
    st.binary(max_size=2048),
)


# -- chunked ------------------------------------------------------------------
quoted_strings = st.lists(
    st.one_of(
        st.sampled_from(list(b"\t !" + bytes(range(0x23, 0x5C)) + bytes(range(0x5D, 0x7F)) + OBS_TEXT)).map(lambda c: bytes([c])),
        st.sampled_from(list(b"\t " + VCHAR + OBS_TEXT)).map(lambda c: b"\\" + bytes([c])),  # quoted-pair
    ),
    max_size=8,
).map(lambda parts: b'"' + b"".join(parts) + b'"')


@st.composite
def chunk_exts(draw: st.DrawFn) -> bytes:
    out = b""
    for _ in range(draw(st.integers(0, 3))):
        out += _latin1(draw(bws)) + b";" + _latin1(draw(bws)) + _latin1(draw(tokens))
        if draw(st.booleans()):
            value = draw(st.one_of(tokens.map(_latin1), quoted_strings))
            out += _latin1(draw(bws)) + b"=" + _latin1(draw(bws)) + value
    return out


@st.composite
def chunk_sizes(draw: st.DrawFn, size: int) -> bytes:
    digits = f"{size:x}"
    digits = "".join(c.upper() if draw(st.booleans()) else c for c in digits)
    return _latin1("0" * draw(st.integers(0, 3)) + digits)


@st.composite
def chunked_bodies(draw: st.DrawFn, body: bytes) -> bytes:
    """A chunked encoding of `body`: random chunk boundaries, extensions,
    leading zeros and hex case, last-chunk and trailer fields."""
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(body) - 1)), max_size=6)))) if len(body) > 1 else []
    bounds = [0] + [c for c in cuts if 0 < c < len(body)] + [len(body)]
    out = b""
    for a, b in zip(bounds, bounds[1:]):
        if b > a:
            out += draw(chunk_sizes(b - a)) + draw(chunk_exts()) + b"\r\n" + body[a:b] + b"\r\n"
    out += b"0" * draw(st.integers(1, 3)) + draw(chunk_exts()) + b"\r\n"
    out += b"".join(draw(field_lines(max_fields=3)))  # trailer section
    return out + b"\r\n"


# -- whole responses ----------------------------------------------------------
@st.composite
def length_responses(draw: st.DrawFn, body: Optional[bytes] = None) -> Message:
    line, code, version = draw(status_lines())
    body = draw(bodies) if body is None else body
    fields = draw(field_lines())
    cl = _latin1(draw(st.sampled_from(["Content-Length", "content-length", "CONTENT-LENGTH"])) + ":" + draw(ows)) \
        + str(len(body)).encode() + _latin1(draw(ows)) + b"\r\n"
    fields.insert(draw(st.integers(0, len(fields))), cl)
    return Message(line + b"".join(fields) + b"\r\n" + body, code, body, "length", version)


@st.composite
def chunked_responses(draw: st.DrawFn, body: Optional[bytes] = None) -> Message:
    line, code, _ = draw(status_lines())
    line = line.replace(b"HTTP/1.0", b"HTTP/1.1", 1)  # chunked needs 1.1
    body = draw(bodies) if body is None else body
    fields = draw(field_lines())
    te = _latin1(draw(st.sampled_from(["Transfer-Encoding", "transfer-encoding"])) + ":" + draw(ows)
                 + draw(st.sampled_from(["chunked", "Chunked", "CHUNKED"]))) + b"\r\n"
    # (no trailing OWS here: the stdlib then ignores the coding, a known
    # deviation that prop-header-fields and the fixtures report on their own)
    fields.insert(draw(st.integers(0, len(fields))), te)
    return Message(line + b"".join(fields) + b"\r\n" + draw(chunked_bodies(body)), code, body, "chunked")


responses = st.one_of(length_responses(), chunked_responses())


def persistent(msg: Message) -> bool:
    """Whether a connection stays open after `msg` (HTTP/1.1 framed)."""
    return msg.version == "HTTP/1.1"


@st.composite
def segmentations(draw: st.DrawFn, data: bytes, max_pieces: int = 6) -> List[bytes]:
    """`data` cut into TCP writes at random points."""
    if len(data) < 2:
        return [data]
    cuts = sorted(set(draw(st.lists(st.integers(1, len(data) - 1), max_size=max_pieces - 1))))
    bounds = [0] + cuts + [len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


# -- how the client reads -------------------------------------------------------
# ('read', n) read(n); ('read', None) read(); ('read1', n); ('read1', None) read1();
# ('readinto', n); ('readline', None); ('readline', n) readline(limit); ('peek', n)
CONSUMING = ("read", "read1", "readinto", "readline")
_sizes = st.one_of(st.integers(1, 8), st.integers(1, 300))
read_ops = st.one_of(
    st.tuples(st.sampled_from(["read", "read1", "readinto", "readline", "peek"]), _sizes),
    st.tuples(st.sampled_from(["read", "read1", "readline"]), st.none()),
)


@st.composite
def read_plans(draw: st.DrawFn) -> List[Tuple[str, Optional[int]]]:
    """A mix of read calls, played in a cycle until the body ends; at least
    one call consumes."""
    plan = draw(st.lists(read_ops, min_size=1, max_size=6))
    if not any(op in CONSUMING for op, _ in plan):
        plan.append(("read", draw(st.integers(1, 300))))
    return plan


# -- near-valid input -------------------------------------------------------------
BAD_LENGTHS = ["-1", "+5", "0x10", "1_0", "abc", "5 5", "5, 6", "1e3", "", " ", "\u00b2", "\u00bd",
               "99999999999999999999999999", "5\x00", "-0", "0" * 70]
BAD_CHUNK_SIZES = ["g", "-1", "+5", "0x5", "5_0", "", " ", "\u00b2", "f" * 20, "1 2", "5\x00", ";a=b", "0" * 70]
BAD_STATUS_LINES = ["HTTP/1.1 2000 OK", "HTTP/1.1 20 OK", "HTTP/1.1 -200 OK", "HTTP/1.1 +20 OK",
                    "HTTP/1.1 2x0 OK", "HTTP/1.1 1_0 OK", "HTTP/1.1 \u00b200 OK", "HTTP/1.1", "HTTP/1.1 ",
                    "HTTP/9.9 200 OK", "HTTP/1.1\t200 OK", "ICY 200 OK", "HTTP/1.1 200\x00OK", "http/1.1 200 OK",
                    "HTTP/1 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 099 OK", "HTTP/1.1 600 OK", "\x00"]
BAD_FIELD_LINES = ["No-Colon", ": empty-name", "Sp ace: x", "X-A : y", "X-A:\x00", "X-A: a\rb", "\tfolded",
                   " folded", "X-\x80: y", "\x00: y", "X-A" + ": " + "a" * 70000]
BAD_CODINGS = ["gzip", "chunked, gzip", "gzip, chunked", "identity", "chunked, chunked", "", "x-unknown", "chunked;q=1"]


@st.composite
def near_valid_responses(draw: st.DrawFn) -> Tuple[str, bytes]:
    """(mutation, raw): a valid response with one thing broken."""
    kind = draw(st.sampled_from(["length", "chunk-size", "status", "field", "coding", "truncate",
                                  "conflicting-length", "chunk-data-crlf", "bare-cr", "nul"]))
    body = draw(st.binary(max_size=64))
    if kind == "length":
        bad = _latin1(draw(st.sampled_from(BAD_LENGTHS)))
        return kind, b"HTTP/1.1 200 OK\r\nContent-Length: " + bad + b"\r\n\r\n" + body
    if kind == "conflicting-length":
        a, b = draw(st.integers(0, 64)), draw(st.integers(0, 64))
        return kind, _latin1(f"HTTP/1.1 200 OK\r\nContent-Length: {a}\r\nContent-Length: {b}\r\n\r\n") + body
    if kind == "chunk-size":
        bad = _latin1(draw(st.sampled_from(BAD_CHUNK_SIZES)))
        good = b"3\r\nabc\r\n" if draw(st.booleans()) else b""
        return kind, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + good + bad + b"\r\n" + body + b"\r\n0\r\n\r\n"
    if kind == "chunk-data-crlf":
        n = len(body) + draw(st.integers(-3, 3))
        sep = draw(st.sampled_from([b"", b"\n", b"\r", b"XX", b"\r\n\r\n"]))
        return kind, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + f"{max(n, 1):x}".encode() + b"\r\n" + body + sep + b"0\r\n\r\n"
    if kind == "status":
        bad = _latin1(draw(st.sampled_from(BAD_STATUS_LINES)))
        return kind, bad + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    if kind == "field":
        bad = _latin1(draw(st.sampled_from(BAD_FIELD_LINES)))
        return kind, b"HTTP/1.1 200 OK\r\n" + bad + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    if kind == "coding":
        coding = _latin1(draw(st.sampled_from(BAD_CODINGS)))
        return kind, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\n" + _latin1(f"{len(body):x}") + b"\r\n" + body + b"\r\n0\r\n\r\n"
    msg = draw(responses)
    if kind == "truncate":
        return kind, msg.raw[: draw(st.integers(0, max(0, len(msg.raw) - 1)))]
    pos = draw(st.integers(0, len(msg.raw)))
    junk = b"\r" if kind == "bare-cr" else b"\x00"
    return kind, msg.raw[:pos] + junk + msg.raw[pos:]
