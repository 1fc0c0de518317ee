"""Hostile servers: robustness of an implementation against a server that
never ends a protocol element (an endless status line, header section,
stream of 1xx responses, chunk extension or trailer section), declares an
absurd length (Content-Length: 10**30, a chunk size of 2**64, a false length
of 1 GiB), or drips bytes slower than the client's timeout.

Each case passes when the client fails with a documented exception (an
HTTPException subclass of the target, or an OSError from the socket) within
HOSTILE_SECONDS and with less than HOSTILE_BYTES of memory growth, measured
as the tracemalloc peak of Python allocations and the growth of the process
RSS (sampled from /proc/self/statm where it exists). The measurements are
returned as the case's `metrics` (seconds, peak_bytes, rss_growth_bytes,
exception), so the report shows them per implementation; a failing case
states them in its details.

The endless servers are bounded themselves (servers/script.py `endless`
step): they stop after a byte cap or ENDLESS_SECONDS and close, so a client
that never gives up ends with an error after that time, and fails the time
bound instead of hanging the run.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Dict, List, Optional

import pytest

from conformance.codecase import code_case

# PyPy has no tracemalloc: the hostile cases are skipped there, with this reason.
tracemalloc = pytest.importorskip("tracemalloc", reason="hostile-server cases measure memory with tracemalloc")

HOSTILE_SECONDS = 0.25  # a client must have given up by then (the reference takes about 0.01 s)
HOSTILE_BYTES = 64 << 20  # and used less memory than this
ENDLESS_SECONDS = HOSTILE_SECONDS + 0.01  # the endless server's own cap (then it resets):
# just past the bound. The client's clock starts before it connects, the
# server's once the request has arrived, so a client that never gives up always
# measures more than the bound and fails, on a busy machine too, long before
# the case's deadline.
ENDLESS_CAP = 256 << 20
DRIP_TIMEOUT = 0.05  # the client's timeout against a server dripping a byte a second (these cases
# never run ahead, see prefetch.py, so their wait is on the run's critical path)
CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
REQS_LENGTH = ["robust-length-attacks", "robust-documented-errors"]


class BoundExceeded(AssertionError):
    """A hostile case failed; `metrics` keeps what was measured."""

    def __init__(self, message: str, metrics: Dict[str, Any]) -> None:
        super().__init__(message)
        self.metrics = metrics


def _rss() -> Optional[int]:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Meter:
    """Wall time, tracemalloc peak (above the level at entry) and the peak
    RSS growth of the process, sampled every 5 ms by a helper thread."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.peak_bytes: Optional[int] = None
        self.rss_growth: Optional[int] = None
        self._stop = threading.Event()

    def __enter__(self) -> "Meter":
        self._own = not tracemalloc.is_tracing()
        if self._own:
            tracemalloc.start()
        elif hasattr(tracemalloc, "reset_peak"):  # 3.9+
            tracemalloc.reset_peak()
        self._can_peak = self._own or hasattr(tracemalloc, "reset_peak")
        self._base = tracemalloc.get_traced_memory()[0]
        self._rss0 = _rss()
        self._rss_max = self._rss0
        if self._rss0 is not None:
            self._sampler = threading.Thread(target=self._sample, name="hostile-rss", daemon=True)
            self._sampler.start()
        self._t0 = time.perf_counter()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            value = _rss()
            if value is not None and value > (self._rss_max or 0):
                self._rss_max = value

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
        if self._can_peak:
            self.peak_bytes = max(0, tracemalloc.get_traced_memory()[1] - self._base)
        if self._own:
            tracemalloc.stop()
        self._stop.set()
        if self._rss0 is not None:
            self._sampler.join(1.0)
            last = _rss()
            self._rss_max = max(self._rss_max or 0, last or 0)
            self.rss_growth = self._rss_max - self._rss0


def documented(impl: Any, exc: BaseException) -> bool:
    return isinstance(exc, (impl.HTTPException, OSError))


def read_all(impl: Any, host: str, port: int, timeout: float) -> None:
    """The client under attack: GET /, getresponse(), read() to the end."""
    conn = impl.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        try:
            resp.read()
        finally:
            resp.close()
    finally:
        conn.close()


def attack(impl: Any, serve: Callable[..., Any], script: List[Any], *, timeout: float = 3.0,
           client: Callable[..., None] = read_all) -> Dict[str, Any]:
    """Play `script`, run the client under the meter, check the bounds;
    return the metrics (or raise BoundExceeded carrying them)."""
    impl.HTTPException  # noqa: B018 - Unsupported before any server starts
    srv = serve(script)
    error: Optional[BaseException] = None
    with Meter() as m:
        try:
            client(impl, srv.host, srv.port, timeout)
        except Exception as exc:  # noqa: BLE001 - what it raises is the observation
            error = exc
    metrics: Dict[str, Any] = {
        "seconds": round(m.seconds, 4),
        "peak_bytes": m.peak_bytes,
        "rss_growth_bytes": m.rss_growth,
        "exception": None if error is None else type(error).__name__,
    }
    problems = []
    if error is None:
        problems.append("the client finished without an error")
    elif not documented(impl, error):
        problems.append(f"undocumented exception {type(error).__module__}.{type(error).__name__}: {str(error)[:200]}")
    if m.seconds > HOSTILE_SECONDS:
        problems.append(f"took {m.seconds:.2f}s (bound {HOSTILE_SECONDS}s)")
    for label, value in (("tracemalloc peak", m.peak_bytes), ("RSS growth", m.rss_growth)):
        if value is not None and value > HOSTILE_BYTES:
            problems.append(f"{label} {value / (1 << 20):.1f} MiB (bound {HOSTILE_BYTES >> 20} MiB)")
    if problems:
        mem = "/".join("-" if v is None else f"{v / (1 << 20):.1f}" for v in (m.peak_bytes, m.rss_growth))
        raise BoundExceeded(
            "; ".join(problems) + f" [measured {m.seconds:.2f}s, peak/RSS {mem} MiB, raised {metrics['exception']}]",
            metrics,
        )
    return metrics


def endless(pattern: str, cap: int = ENDLESS_CAP) -> Dict[str, Any]:
    return {"endless": pattern, "cap": cap, "seconds": ENDLESS_SECONDS}


# The code case deadline is timeout + DEADLINE_SLACK (7 s), far past ENDLESS_SECONDS.
KW = dict(area="hostile", level="security", timeout=3.0)


@code_case("hostile-endless-header-lines", title="An endless header section fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_header_lines(impl, serve):
    return attack(impl, serve, ["request", {"send": "HTTP/1.1 200 OK\r\n"}, endless("X-Filler: 0123456789\r\n")])


@code_case("hostile-endless-header-line", title="An endless header field line fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_header_line(impl, serve):
    return attack(impl, serve, ["request", {"send": "HTTP/1.1 200 OK\r\nX-Long: "}, endless("a")])


@code_case("hostile-endless-status-line", title="A status line of gigabytes fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_status_line(impl, serve):
    return attack(impl, serve, ["request", {"send": "HTTP/1.1 200 "}, endless("a", cap=2 << 30)])


@code_case("hostile-endless-interim", title="An endless stream of 100 Continue responses fails in bounded time",
           reqs=["robust-interim-bounded", "robust-documented-errors"], **KW)
def test_endless_interim(impl, serve):
    return attack(impl, serve, ["request", endless("HTTP/1.1 100 Continue\r\n\r\n")])


@code_case("hostile-endless-interim-headers",
           title="An endless stream of 100 Continue responses with header fields fails in bounded time",
           reqs=["robust-interim-bounded", "robust-documented-errors"], **KW)
def test_endless_interim_headers(impl, serve):
    return attack(impl, serve, ["request", endless("HTTP/1.1 100 Continue\r\nX-Progress: 1\r\n\r\n")])


@code_case("hostile-endless-chunk-extension", title="An endless chunk extension fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_chunk_extension(impl, serve):
    return attack(impl, serve, ["request", {"send": CHUNKED + "1;"}, endless("ext=value;")])


@code_case("hostile-endless-trailer-fields", title="An endless trailer section fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_trailer_fields(impl, serve):
    return attack(impl, serve, ["request", {"send": CHUNKED + "3\r\nabc\r\n0\r\n"}, endless("X-Trailer: value\r\n")])


@code_case("hostile-endless-trailer-line", title="An endless trailer field line fails in bounded time and memory",
           reqs=REQS_LENGTH, **KW)
def test_endless_trailer_line(impl, serve):
    return attack(impl, serve, ["request", {"send": CHUNKED + "3\r\nabc\r\n0\r\nX-T: "}, endless("a")])


@code_case("hostile-content-length-1e30",
           title="Content-Length: 10**30 then a short body fails with a documented exception, not an overflow",
           reqs=["robust-large-numerals", "robust-documented-errors"], **KW)
def test_content_length_huge(impl, serve):
    head = "HTTP/1.1 200 OK\r\nContent-Length: 1" + "0" * 30 + "\r\n\r\n"
    return attack(impl, serve, ["request", {"send": head + "abc"}, "close"])


@code_case("hostile-content-length-1e30-endless",
           title="Content-Length: 10**30 and an endless body: read() fails in bounded time and memory",
           reqs=["robust-large-numerals", "robust-documented-errors"], **KW)
def test_content_length_huge_endless(impl, serve):
    head = "HTTP/1.1 200 OK\r\nContent-Length: 1" + "0" * 30 + "\r\n\r\n"
    return attack(impl, serve, ["request", {"send": head}, endless("0123456789abcdef")])


@code_case("hostile-content-length-false-1gib",
           title="A false Content-Length of 1 GiB does not make read() allocate ahead of the data",
           reqs=["robust-large-numerals", "robust-documented-errors"], **KW)
def test_content_length_false(impl, serve):
    head = "HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"
    return attack(impl, serve, ["request", {"send": head + "abc"}, "close"])


@code_case("hostile-chunk-size-2-64",
           title="A chunk size of 2**64 fails with a documented exception, not an overflow",
           reqs=["robust-large-numerals", "robust-documented-errors"], **KW)
def test_chunk_size_2_64(impl, serve):
    return attack(impl, serve, ["request", {"send": CHUNKED + "10000000000000000\r\nabc"}, "close"])


@code_case("hostile-chunk-size-false-1gib",
           title="A false chunk size of 1 GiB does not make read() allocate ahead of the data",
           reqs=["robust-large-numerals", "robust-documented-errors"], **KW)
def test_chunk_size_false(impl, serve):
    return attack(impl, serve, ["request", {"send": CHUNKED + "40000000\r\nabc"}, "close"])


@code_case("hostile-slow-drip-status", title="A status line dripped slower than the timeout fails with a timeout",
           reqs=["robust-timeout-per-operation", "robust-documented-errors"], **KW)
def test_slow_drip_status(impl, serve):
    script = ["request", {"trickle": "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "size": 1, "every": 1.0}]
    return attack(impl, serve, script, timeout=DRIP_TIMEOUT)


@code_case("hostile-slow-drip-body", title="A body dripped slower than the timeout fails with a timeout",
           reqs=["robust-timeout-per-operation", "robust-documented-errors"], **KW)
def test_slow_drip_body(impl, serve):
    script = ["request", {"send": "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"},
              {"trickle": "0123456789", "size": 1, "every": 1.0}]
    return attack(impl, serve, script, timeout=DRIP_TIMEOUT)


@code_case("hostile-slow-drip-chunked", title="A chunked body dripped slower than the timeout fails with a timeout",
           reqs=["robust-timeout-per-operation", "robust-documented-errors"], **KW)
def test_slow_drip_chunked(impl, serve):
    script = ["request", {"send": CHUNKED}, {"trickle": "5\r\nhello\r\n0\r\n\r\n", "size": 1, "every": 1.0}]
    return attack(impl, serve, script, timeout=DRIP_TIMEOUT)
