"""Loopback benchmark: reference.client next to the stdlib's http.client.

    python -m reference.bench            # print the table
    python -m reference.bench --write    # also write reports/REFERENCE_BENCHMARK.md

A benchmark, not a timed test: it prints rates, ratios (reference/stdlib)
and whether each target of the project's issue holds, and never fails on
time.  A server process serves every body from memory on 127.0.0.1; the
client runs each row for the stdlib and the reference alternately, and
keeps the best of N repetitions of each.

Rows: keep-alive small GET requests per second; a 64 MiB Content-Length
body via read() and via readinto(); a 64 MiB chunked body (8 KiB chunks)
via read() and via readinto(); a 64 MiB file upload; and a raw socket
recv_into() loop reading the same Content-Length response, the physical
limit that readinto() is compared with.
"""
from __future__ import annotations

import argparse
import http.client as std
import multiprocessing
import os
import platform
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import client as ref

MiB = 1 << 20
CHUNK = 8 * 1024  # chunk size of the chunked body
BUF = 256 * 1024  # readinto() / recv_into() buffer
SMALL = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, world!"
ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "REFERENCE_BENCHMARK.md"


# ----------------------------------------------------------------- server

def _bodies(size: int) -> Dict[bytes, bytes]:
    piece = b"%x\r\n" % CHUNK + b"c" * CHUNK + b"\r\n"
    return {
        b"/small": SMALL,
        b"/fixed": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size
        + b"f" * size,
        b"/chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + piece * (size // CHUNK) + b"0\r\n\r\n",
    }


def _handle(conn: socket.socket, bodies: Dict[bytes, bytes]) -> None:
    buf = b""
    sink = bytearray(MiB)
    with conn:
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            head, _, buf = buf.partition(b"\r\n\r\n")
            target = head.split(b" ", 2)[1]
            if target == b"/upload":
                length = int(head.lower().split(b"content-length:")[1]
                             .split(b"\r\n")[0])
                length -= len(buf)
                buf = b""
                while length > 0:
                    n = conn.recv_into(sink, min(length, len(sink)))
                    if not n:  # pragma: no cover (client gone: a broken run)
                        return
                    length -= n
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            else:
                conn.sendall(bodies[target])


def _serve(size: int, ready: Any) -> None:
    bodies = _bodies(size)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    ready.send(srv.getsockname()[1])
    while True:
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_handle, args=(conn, bodies),
                         daemon=True).start()


# ----------------------------------------------------------------- client

Row = Callable[[Any, int], float]  # (module, port) -> seconds


def _small(n: int) -> Row:
    def run(impl: Any, port: int) -> float:
        conn = impl.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/small")  # connect outside the timing
        conn.getresponse().read()
        t = time.perf_counter()
        for _ in range(n):
            conn.request("GET", "/small")
            conn.getresponse().read()
        t = time.perf_counter() - t
        conn.close()
        return t
    return run


def _body(target: str, how: str, size: int) -> Row:
    def run(impl: Any, port: int) -> float:
        conn = impl.HTTPConnection("127.0.0.1", port)
        conn.connect()
        t = time.perf_counter()
        conn.request("GET", target)
        resp = conn.getresponse()
        if how == "read":
            got = len(resp.read())
        else:
            buf = bytearray(BUF)
            got = 0
            while True:
                n = resp.readinto(buf)
                if not n:
                    break
                got += n
        t = time.perf_counter() - t
        conn.close()
        assert got == size, (got, size)
        return t
    return run


def _upload(path: str, size: int) -> Row:
    def run(impl: Any, port: int) -> float:
        conn = impl.HTTPConnection("127.0.0.1", port)
        conn.connect()
        with open(path, "rb") as f:
            t = time.perf_counter()
            conn.request("PUT", "/upload", body=f,
                         headers={"Content-Length": str(size)})
            conn.getresponse().read()
            t = time.perf_counter() - t
        conn.close()
        return t
    return run


def _raw(size: int) -> Callable[[int], float]:
    """recv_into() a BUF-sized buffer until the whole response is in."""
    total = size + len(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)

    def run(port: int) -> float:
        sock = socket.create_connection(("127.0.0.1", port))
        buf = bytearray(BUF)
        t = time.perf_counter()
        sock.sendall(b"GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n")
        got = 0
        while got < total:
            n = sock.recv_into(buf)
            if not n:  # pragma: no cover (server gone: a broken run)
                break
            got += n
        t = time.perf_counter() - t
        sock.close()
        assert got == total
        return t
    return run


def measure(size: int, reps: int, requests: int, thread: bool = False
            ) -> Tuple[List[Dict[str, Any]], float]:
    """Run every row; return the rows and the raw recv_into rate (MB/s).

    The server runs in its own process, or with thread=True in a daemon
    thread of this one (for tests: the GIL then skews the timings).
    """
    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded test
    parent, child = ctx.Pipe()
    server: Any
    if thread:
        server = threading.Thread(target=_serve, args=(size, child),
                                  daemon=True)
    else:
        server = ctx.Process(target=_serve, args=(size, child), daemon=True)
    server.start()
    port = parent.recv()
    fd, path = tempfile.mkstemp(prefix="refbench-")
    with os.fdopen(fd, "wb") as f:
        f.write(os.urandom(MiB) * (size // MiB))
    rows: List[Tuple[str, str, Row, float]] = [
        ("keep-alive small GET", "req/s", _small(requests), requests),
        ("Content-Length body, read()", "MB/s", _body("/fixed", "read", size),
         size / 1e6),
        ("Content-Length body, readinto()", "MB/s",
         _body("/fixed", "readinto", size), size / 1e6),
        ("chunked body (8 KiB chunks), read()", "MB/s",
         _body("/chunked", "read", size), size / 1e6),
        ("chunked body (8 KiB chunks), readinto()", "MB/s",
         _body("/chunked", "readinto", size), size / 1e6),
        ("file upload (request body)", "MB/s", _upload(path, size),
         size / 1e6),
    ]
    results = []
    raw = _raw(size)
    raw_best = float("inf")
    try:
        for name, unit, run, work in rows:
            best = {"stdlib": float("inf"), "reference": float("inf")}
            pair = [("stdlib", std), ("reference", ref)]
            for _ in range(reps):  # alternate, so noise hits both alike
                for label, impl in pair:
                    best[label] = min(best[label], run(impl, port))
                pair.reverse()
                if name == "Content-Length body, readinto()":
                    # The physical limit, measured in the same stretch.
                    raw_best = min(raw_best, raw(port))
            results.append({"row": name, "unit": unit,
                            "stdlib": work / best["stdlib"],
                            "reference": work / best["reference"]})
    finally:
        if not thread:
            server.terminate()
        os.unlink(path)
    return results, size / 1e6 / raw_best


# ------------------------------------------------------------------ report

def targets(results: List[Dict[str, Any]], raw: float
            ) -> List[Tuple[str, float, bool]]:
    """(target, measured, holds) for each target of the issue."""
    ratio = {r["row"]: r["reference"] / r["stdlib"] for r in results}
    out = [("%s >= 1.0x stdlib" % name, value, value >= 1.0)
           for name, value in ratio.items()]
    chunked = ratio["chunked body (8 KiB chunks), read()"]
    out.append(("chunked read() >= 2.0x stdlib", chunked, chunked >= 2.0))
    fixed = [r for r in results if r["row"] == "Content-Length body, readinto()"]
    share = fixed[0]["reference"] / raw
    out.append(("Content-Length readinto() >= 80% of raw recv_into",
                share, share >= 0.8))
    return out


def table(results: List[Dict[str, Any]], raw: float, size: int, reps: int,
          requests: int) -> str:
    lines = [
        "| row | unit | stdlib | reference | reference/stdlib |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append("| %s | %s | %.0f | %.0f | %.2fx |" % (
            r["row"], r["unit"], r["stdlib"], r["reference"],
            r["reference"] / r["stdlib"]))
    fixed = [r for r in results if r["row"] == "Content-Length body, readinto()"]
    lines.append("| raw socket recv_into() loop (physical limit) | MB/s | "
                 "%.0f | %.0f | reference readinto() at %.0f%% of it |" % (
                     raw, raw, 100 * fixed[0]["reference"] / raw))
    lines += ["", "| target | measured | holds |", "|---|---:|---|"]
    for name, value, ok in targets(results, raw):
        shown = "%.1f%%" % (100 * value) if "%" in name else "%.3fx" % value
        lines.append("| %s | %s | %s |" % (name, shown, "yes" if ok else "NO"))
    lines += ["", "Bodies of %d MiB, %d small requests per repetition, best "
              "of %d repetitions, readinto()/recv_into() buffer %d KiB, "
              "upload blocksize 8192 (the default)." % (
                  size // MiB, requests, reps, BUF // 1024)]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m reference.bench",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true",
                    help="write %s" % REPORT.relative_to(ROOT))
    ap.add_argument("--reps", type=int, default=7,
                    help="repetitions per row (best kept); default 7")
    ap.add_argument("--size", type=int, default=64,
                    help="body size in MiB; default 64")
    ap.add_argument("--requests", type=int, default=2000,
                    help="small GET requests per repetition; default 2000")
    ap.add_argument("--thread", action="store_true",
                    help="serve from a thread of this process (for tests)")
    args = ap.parse_args(argv)
    size = args.size * MiB
    load = "%.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else "?"
    results, raw = measure(size, args.reps, args.requests, args.thread)
    text = table(results, raw, size, args.reps, args.requests)
    print(text)
    if args.write:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(
            "# reference.client benchmark\n\n"
            "Loopback, reference.client next to the stdlib's http.client in "
            "one run (`reference/bench.py`; a benchmark, not a timed test)."
            "\n\n" + text + "\n\n"
            "Measured with Python %s on %s (%s, %d CPUs), %s, load average "
            "%s at the start.  Timings on a shared machine move by 10-20%% "
            "between runs; rerun to compare.\n\n"
            "Reproduce: `python -m reference.bench --write` (from the "
            "repository root; `--reps`, `--size` and `--requests` change "
            "the work).\n" % (
                platform.python_version(), platform.platform(),
                platform.machine(), os.cpu_count() or 0,
                time.strftime("%Y-%m-%d"), load))
        print("wrote", REPORT.relative_to(ROOT))
    return 0


if __name__ == "__main__":  # pragma: no cover (python -m reference.bench)
    sys.exit(main())
