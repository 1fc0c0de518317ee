"""Quick loopback speed comparison of reference.client with http.client.

Run: python tests/reference/perf_compare.py  (not a pytest test).
"""
from __future__ import annotations

import http.client as std
import os
import socket
import sys
import threading
import time
from typing import Any, Callable, Dict, List

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from reference import client as ref  # noqa: E402

MiB = 1 << 20


def chunked(total: int, size: int) -> bytes:
    piece = b"%x\r\n" % size + b"x" * size + b"\r\n"
    return (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + piece * (total // size) + b"0\r\n\r\n")


def fixed(total: int) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % total \
        + b"x" * total


def serve(raw: bytes) -> int:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def run() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                buf = b""
                while True:
                    while b"\r\n\r\n" not in buf:
                        d = conn.recv(65536)
                        if not d:
                            break
                        buf += d
                    if b"\r\n\r\n" not in buf:
                        break
                    buf = buf.split(b"\r\n\r\n", 1)[1]
                    try:
                        conn.sendall(raw)
                    except OSError:
                        break

    threading.Thread(target=run, daemon=True).start()
    return int(srv.getsockname()[1])


def read_all(r: Any) -> int:
    return len(r.read())


def read_8k(r: Any) -> int:
    n = 0
    while True:
        s = r.read(8192)
        if not s:
            return n
        n += len(s)


def readinto_64k(r: Any) -> int:
    buf = bytearray(65536)
    n = 0
    while True:
        k = r.readinto(buf)
        if not k:
            return n
        n += k


def lines(r: Any) -> int:
    return sum(len(x) for x in r)


def bench(impl: Any, port: int, reader: Callable[[Any], int],
          reps: int) -> float:
    conn = impl.HTTPConnection("127.0.0.1", port, timeout=30)
    best = 1e9
    for _ in range(reps):
        t = time.perf_counter()
        conn.request("GET", "/")
        reader(conn.getresponse())
        best = min(best, time.perf_counter() - t)
    conn.close()
    return best


def main() -> None:
    line_body = (b"x" * 79 + b"\n") * (8 * MiB // 80)
    cases: List[Dict[str, Any]] = [
        dict(name="chunked 64MiB/8KiB read()", raw=chunked(64 * MiB, 8192),
             reader=read_all, reps=5),
        dict(name="chunked 64MiB/8KiB read(8192)",
             raw=chunked(64 * MiB, 8192), reader=read_8k, reps=5),
        dict(name="chunked 64MiB/8KiB readinto(64K)",
             raw=chunked(64 * MiB, 8192), reader=readinto_64k, reps=5),
        dict(name="chunked 64MiB/1MiB read()", raw=chunked(64 * MiB, MiB),
             reader=read_all, reps=5),
        dict(name="fixed 64MiB read()", raw=fixed(64 * MiB),
             reader=read_all, reps=5),
        dict(name="fixed 64MiB read(8192)", raw=fixed(64 * MiB),
             reader=read_8k, reps=5),
        dict(name="fixed 64MiB readinto(64K)", raw=fixed(64 * MiB),
             reader=readinto_64k, reps=5),
        dict(name="fixed 8MiB lines", raw=fixed(len(line_body))[:-len(
            line_body)] + line_body, reader=lines, reps=5),
        dict(name="small 100B x 2000", raw=fixed(100), reader=read_all,
             reps=2000),
    ]
    for case in cases:
        port = serve(case["raw"])
        t_std = bench(std, port, case["reader"], case["reps"])
        t_ref = bench(ref, port, case["reader"], case["reps"])
        if case["reps"] > 100:  # report per-request totals for small ones
            t_std *= case["reps"]
            t_ref *= case["reps"]
        print("%-36s std %8.2f ms  ref %8.2f ms  speedup %.2fx" % (
            case["name"], t_std * 1e3, t_ref * 1e3, t_std / t_ref))


if __name__ == "__main__":
    main()
