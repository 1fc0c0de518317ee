"""Property cases: generated exchanges (conformance/strategies.py) checked
for every implementation, each property one code case (ids `prop-...`).

  prop-body-length / prop-body-chunked
      the body read is the body sent, whatever the TCP segmentation and
      whatever mix of read(n) / read() / read1 / readinto / readline / peek
      the client uses (peek never consumes and shows the next bytes)
  prop-header-fields
      getheaders() gives the field lines sent, OWS stripped, in order
  prop-pipelined-boundary
      a second response sent right behind the first is never consumed by
      the first; it is either the second response, exactly, or the client
      drops it with a documented error
  prop-invalid-documented-errors
      near-valid input ends in success or an HTTPException subclass or an
      OSError, never another exception

Reproducible: Hypothesis runs derandomized (a fixed seed per property),
without an example database, MAX_EXAMPLES examples per property. Set
CONFORMANCE_HYPOTHESIS_PROFILE=long for many more examples. On failure
Hypothesis shrinks the input; the details show the minimal reproducer as a
server script plus the client's read plan.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conformance import strategies as S
from conformance.codecase import code_case
from servers.script import Action, Recv, Send
from servers.scripted import ScriptedServer

PROFILE = os.environ.get("CONFORMANCE_HYPOTHESIS_PROFILE", "default")
MAX_EXAMPLES = {"default": 40, "long": 1000}.get(PROFILE, 40)
CASE_TIMEOUT = 60.0 if PROFILE == "default" else 1200.0
CLIENT_TIMEOUT = 0.5
SHRINK_BUDGET = 20.0 if PROFILE == "default" else 300.0  # seconds of shrinking, then the smallest so far
MAX_CALLS = 100_000


def prop_settings() -> settings:
    return settings(
        max_examples=MAX_EXAMPLES, deadline=None, report_multiple_bugs=False, derandomize=True, database=None, print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


class PropertyFailed(AssertionError):
    pass


def run_property(strategy: Any, check: Callable[..., None], render: Callable[..., str],
                 examples: Sequence[Any] = ()) -> Dict[str, Any]:
    """Run `check` over `strategy` under Hypothesis (first the explicit
    `examples`: pinned regressions, the same under every Hypothesis
    version); on failure raise an AssertionError naming the shrunk
    (minimal) example."""
    state: Dict[str, Any] = {"n": 0, "last": None}
    failed: Dict[str, BaseException] = {}  # repr(example) -> its error
    started = time.perf_counter()

    def prop(ex: Any) -> None:
        state["n"] += 1
        state["last"] = ex
        key = repr(ex)
        if failed and time.perf_counter() - started > SHRINK_BUDGET:
            # Out of time: stop exploring; known failures fail again at
            # once so Hypothesis ends with the smallest one found so far.
            if key in failed:
                raise failed[key]
            return
        try:
            check(ex)
        except Exception as exc:
            failed[key] = exc
            raise

    for pinned in reversed(examples):
        prop = example(pinned)(prop)
    prop = prop_settings()(given(strategy)(prop))

    try:
        prop()
    except Exception as exc:  # noqa: BLE001 - Hypothesis re-raises the minimal example's error
        what = f"{type(exc).__name__}: {str(exc)[:600]}"
        raise PropertyFailed(f"{what}\nminimal reproducer (after {state['n']} examples):\n{render(state['last'])}") from None
    return {"examples": state["n"], "seconds": round(time.perf_counter() - started, 3)}


# -- one exchange -----------------------------------------------------------------
def serve_pieces(pieces: Sequence[bytes], then: Sequence[Any] = ()) -> ScriptedServer:
    steps = [Recv("request")] + [Send(p) for p in pieces] + list(then) + [Action("close")]
    return ScriptedServer(steps).start()


def script_text(pieces: Sequence[bytes], then: Sequence[str] = ()) -> str:
    """The server script in fixture form (for a report or a fixture file)."""
    steps = ['"request"'] + ["{ send = %s }" % _toml_bytes(p) for p in pieces] + [f'"{t}"' for t in then] + ['"close"']
    return "server = [\n  " + ",\n  ".join(steps) + ",\n]"


def _toml_bytes(data: bytes) -> str:
    out = []
    for b in data:
        c = chr(b)
        if c == "\r":
            out.append("\\r")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\u%04X" % b)
    return '"' + "".join(out) + '"'


def read_body(resp: Any, plan: Sequence[Tuple[str, Optional[int]]], expected: Optional[bytes] = None) -> bytes:
    """Read to the end cycling through `plan`. Checks on the way: a sized
    call returns at most n bytes; peek never consumes and shows a prefix
    of what follows (checked against `expected` when given)."""
    out = bytearray()
    peeks: List[Tuple[int, bytes]] = []
    available = {op: hasattr(resp, op) for op in ("read1", "readinto", "readline", "peek")}
    for count in range(MAX_CALLS):
        op, n = plan[count % len(plan)]
        if op != "read" and not available[op]:
            op = "read"
        if op == "peek":
            peeks.append((len(out), bytes(resp.peek(n))))
            continue
        if op == "readinto":
            buf = bytearray(n or 1)
            k = resp.readinto(buf)
            chunk = bytes(buf[:k])
        else:
            fn = getattr(resp, op)
            chunk = fn() if n is None else fn(n)
        assert isinstance(chunk, bytes), f"{op}({n if n is not None else ''}) returned {type(chunk).__name__}"
        if n is not None and len(chunk) > n:
            raise AssertionError(f"{op}({n}) returned {len(chunk)} bytes")
        if not chunk:
            break
        out += chunk
    else:
        raise AssertionError("the body did not end")
    if expected is not None:
        for pos, peeked in peeks:
            if peeked != expected[pos : pos + len(peeked)]:
                raise AssertionError(f"peek at offset {pos} returned {peeked[:80]!r}, the body there is "
                                     f"{expected[pos : pos + len(peeked)][:80]!r}")
    return bytes(out)


def render_plan(plan: Sequence[Tuple[str, Optional[int]]]) -> str:
    return "client reads with, in a cycle: " + ", ".join(f"{op}({'' if n is None else n})" for op, n in plan)


def body_exchange(impl: Any, msg: S.Message, pieces: Sequence[bytes], plan: Any) -> None:
    srv = serve_pieces(pieces)
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert resp.status == msg.status, f"status {resp.status!r}, sent {msg.status}"
        body = read_body(resp, plan, msg.body)
        assert body == msg.body, f"read {len(body)} bytes {body[:100]!r}..., sent {len(msg.body)} bytes {msg.body[:100]!r}..."
        resp.close()
    finally:
        conn.close()
        srv.stop()


@st.composite
def body_examples(draw: Any, messages: Any) -> Tuple[S.Message, List[bytes], Any]:
    msg = draw(messages)
    return msg, draw(S.segmentations(msg.raw)), draw(S.read_plans())


def render_body_example(ex: Any) -> str:
    if ex is None:
        return "(no example ran)"
    msg, pieces, plan = ex
    return f"{script_text(pieces)}\n{render_plan(plan)}\nexpected status {msg.status}, body {msg.body!r}"


KW = dict(area="properties", timeout=CASE_TIMEOUT)

# Pinned examples (run first, whatever the Hypothesis version): shapes that
# random generation finds only in the long profile.
_CHUNKED_RAW = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n3;x=y\r\nb\nc\r\n0\r\nT: v\r\n\r\n"
_CHUNKED = S.Message(_CHUNKED_RAW, 200, b"ab\nc", "chunked")
PINNED_CHUNKED = [
    (_CHUNKED, [_CHUNKED_RAW], [("readline", 2)]),
    (_CHUNKED, [_CHUNKED_RAW], [("peek", 5), ("read1", 5)]),
    (_CHUNKED, [_CHUNKED_RAW[:-9], _CHUNKED_RAW[-9:]], [("readinto", 3)]),
]
_LENGTH_RAW = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab\ncd"
_LENGTH = S.Message(_LENGTH_RAW, 200, b"ab\ncd", "length")
PINNED_LENGTH = [
    (_LENGTH, [_LENGTH_RAW], [("readline", 2)]),
    (_LENGTH, [_LENGTH_RAW[:-3], _LENGTH_RAW[-3:]], [("peek", 10), ("read1", 10)]),
]


def _needs(impl: Any) -> None:
    impl.HTTPConnection, impl.HTTPException  # noqa: B018 - Unsupported early, not inside Hypothesis


@code_case("prop-body-length", level="rfc-must", reqs=["prop-body-integrity"],
           title="Content-Length bodies read exactly, whatever the segmentation and the mix of read APIs", **KW)
def test_prop_body_length(impl, serve):
    _needs(impl)
    return run_property(body_examples(S.length_responses()), lambda ex: body_exchange(impl, *ex), render_body_example,
                        PINNED_LENGTH)


@code_case("prop-body-chunked", level="rfc-must", reqs=["prop-body-integrity"],
           title="Chunked bodies (extensions, trailers) read exactly, whatever the segmentation and the mix of read APIs",
           **KW)
def test_prop_body_chunked(impl, serve):
    _needs(impl)
    return run_property(body_examples(S.chunked_responses()), lambda ex: body_exchange(impl, *ex), render_body_example,
                        PINNED_CHUNKED)


# -- header fields ---------------------------------------------------------------------
def expected_fields(raw: bytes) -> List[List[str]]:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    out = []
    for line in head:
        name, _, value = line.partition(b":")
        out.append([name.decode("latin-1"), value.strip(b" \t").decode("latin-1")])
    return out


def header_exchange(impl: Any, msg: S.Message, pieces: Sequence[bytes]) -> None:
    srv = serve_pieces(pieces)
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        got = [list(p) for p in resp.getheaders()]
        want = expected_fields(msg.raw)
        assert got == want, f"getheaders() {got!r}, sent {want!r}"
        resp.read()
        resp.close()
    finally:
        conn.close()
        srv.stop()


@st.composite
def header_examples(draw: Any) -> Tuple[S.Message, List[bytes]]:
    msg = draw(S.length_responses(body=b""))
    return msg, draw(S.segmentations(msg.raw))


@code_case("prop-header-fields", level="rfc-must", reqs=["prop-header-fields-exact"],
           title="getheaders() gives the field lines sent, in order, values without leading or trailing OWS", **KW)
def test_prop_header_fields(impl, serve):
    _needs(impl)
    raw = b"HTTP/1.1 200 OK\r\nX-A: \tv w\t \r\nContent-Length:0 \r\n\r\n"
    pinned = [(S.Message(raw, 200, b"", "length"), [raw])]
    return run_property(header_examples(), lambda ex: header_exchange(impl, *ex),
                        lambda ex: "(no example ran)" if ex is None else script_text(ex[1]), pinned)


# -- pipelining / message boundary ---------------------------------------------------------
def pipelined_exchange(impl: Any, first: S.Message, second: S.Message, pieces: Sequence[bytes],
                       plan1: Any, plan2: Any) -> None:
    srv = serve_pieces(pieces, then=[Recv("request")])
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", "/1")
        r1 = conn.getresponse()
        assert r1.status == first.status, f"first response: status {r1.status!r}, sent {first.status}"
        body1 = read_body(r1, plan1, first.body)
        assert body1 == first.body, f"first response: read {body1[:100]!r}, sent {first.body[:100]!r}"
        conn.request("GET", "/2")
        try:
            r2 = conn.getresponse()
            body2 = read_body(r2, plan2, second.body)
        except (impl.HTTPException, OSError):
            return  # the early bytes were dropped: allowed
        assert r2.status == second.status, f"second response: status {r2.status!r}, sent {second.status}"
        assert body2 == second.body, f"second response: read {body2[:100]!r}, sent {second.body[:100]!r}"
    finally:
        conn.close()
        srv.stop()


http11 = st.one_of(S.length_responses(), S.chunked_responses()).filter(S.persistent)


@st.composite
def pipelined_examples(draw: Any) -> Tuple[Any, ...]:
    first, second = draw(http11), draw(S.responses)
    return first, second, draw(S.segmentations(first.raw + second.raw)), draw(S.read_plans()), draw(S.read_plans())


def render_pipelined(ex: Any) -> str:
    if ex is None:
        return "(no example ran)"
    first, second, pieces, plan1, plan2 = ex
    return (f"{script_text(pieces, then=['request'])}\nfirst response {render_plan(plan1)}; second {render_plan(plan2)}\n"
            f"expected bodies {first.body!r} then {second.body!r}")


@code_case("prop-pipelined-boundary", level="security", reqs=["prop-message-boundary"],
           title="A second response sent right behind the first is never consumed by the first", **KW)
def test_prop_pipelined(impl, serve):
    _needs(impl)
    first = S.Message(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab", 200, b"ab", "length")
    second = S.Message(b"HTTP/1.1 201 OK\r\nContent-Length: 1\r\n\r\nc", 201, b"c", "length")
    raw = first.raw + second.raw
    pinned = [(first, second, [raw], [("peek", 20), ("read", 1)], [("read", None)]),
              (_CHUNKED, second, [_CHUNKED_RAW + second.raw], [("peek", 20), ("read1", 20)], [("read", None)])]
    return run_property(pipelined_examples(), lambda ex: pipelined_exchange(impl, *ex), render_pipelined, pinned)


# -- invalid input ------------------------------------------------------------------------------
def invalid_exchange(impl: Any, kind: str, pieces: Sequence[bytes], plan: Any) -> None:
    srv = serve_pieces(pieces)
    conn = impl.HTTPConnection(srv.host, srv.port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        read_body(resp, plan)
    except (impl.HTTPException, OSError):
        pass  # documented
    except AssertionError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"{kind}: undocumented exception {type(exc).__module__}.{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
        srv.stop()


@st.composite
def invalid_examples(draw: Any) -> Tuple[str, List[bytes], Any]:
    kind, raw = draw(S.near_valid_responses())
    return kind, draw(S.segmentations(raw, max_pieces=3)), draw(S.read_plans())


def render_invalid(ex: Any) -> str:
    if ex is None:
        return "(no example ran)"
    kind, pieces, plan = ex
    return f"mutation {kind}\n{script_text(pieces)}\n{render_plan(plan)}"


@code_case("prop-invalid-documented-errors", level="api", reqs=["robust-documented-errors"],
           title="Near-valid responses end in success, an HTTPException subclass or an OSError, never another exception",
           **KW)
def test_prop_invalid(impl, serve):
    _needs(impl)
    head = b"HTTP/1.1 200 OK\r\n"
    pinned = [
        ("chunk-size", [head + b"Transfer-Encoding: chunked\r\n\r\n" + b"f" * 20 + b"\r\nabc\r\n0\r\n\r\n"], [("read", None)]),
        ("length", [head + b"Content-Length: " + b"9" * 26 + b"\r\n\r\nabc"], [("read", None)]),
        ("chunk-size", [head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"], [("read", 2)]),
        ("chunk-size", [head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"], [("peek", 2), ("read1", 2)]),
    ]
    return run_property(invalid_examples(), lambda ex: invalid_exchange(impl, *ex), render_invalid, pinned)
