"""Delivery modes: how a `send` step is cut into TCP writes.

Framing must not depend on segmentation (RFC 9112 section 2.2: a recipient
parses a byte stream), so response cases also run with the bytes sent one at
a time and cut at seeded random points. The server sets TCP_NODELAY so each
write leaves as its own segment, and sends the next piece only when the
client has read the last (servers/pacing.py), so that each recv() of the
client returns exactly one piece.
"""
from __future__ import annotations

import random
import zlib
from typing import Iterator, List

MODES = ("whole", "bytewise", "split")
# A bytewise send of more than this is cut in 1-byte pieces only at the
# start; the rest goes whole. Keeps the variant cheap on large bodies while
# still splitting every status line and header section byte by byte.
BYTEWISE_PREFIX = 4096
SPLIT_PIECES = 6


def pieces(data: bytes, mode: str, seed: str) -> Iterator[bytes]:
    """Yield the writes for `data` under `mode`; `seed` fixes the cut points."""
    if mode == "whole" or len(data) <= 1:
        yield data
    elif mode == "bytewise":
        head = data[:BYTEWISE_PREFIX]
        for i in range(len(head)):
            yield head[i : i + 1]
        if len(data) > BYTEWISE_PREFIX:
            yield data[BYTEWISE_PREFIX:]
    elif mode == "split":
        yield from _split(data, seed)
    else:
        raise ValueError(f"unknown delivery mode {mode!r}")


def _split(data: bytes, seed: str) -> List[bytes]:
    # zlib.crc32 rather than hash(): stable across processes (PYTHONHASHSEED).
    rng = random.Random(zlib.crc32(seed.encode("utf-8")) ^ len(data))
    cuts = sorted(rng.sample(range(1, len(data)), min(SPLIT_PIECES - 1, len(data) - 1)))
    out, start = [], 0
    for cut in cuts + [len(data)]:
        out.append(data[start:cut])
        start = cut
    return out
