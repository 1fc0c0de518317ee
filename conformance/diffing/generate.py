"""Generated exchanges: a Hypothesis strategy over whole exchanges (valid,
near-valid and pipelined responses cut into random TCP writes, read with one
of the driver's body modes, then a second request on the same connection), a
fixed sample of them, and each one as a paste-ready fixture case."""
from __future__ import annotations

import json
from typing import Any, Dict, List

GEN_TIMEOUT = 1.0  # client socket timeout in generated exchanges


def exchange_strategy() -> Any:
    from hypothesis import strategies as st

    from .. import strategies as S

    modes = st.sampled_from(["read", "read-n", "read1", "readinto", "readline", "readlines", "peek-read"])

    @st.composite
    def exchanges(draw: Any) -> Dict[str, Any]:
        kind = draw(st.sampled_from(["valid", "near-valid", "pipelined"]))
        if kind == "near-valid":
            first = draw(S.near_valid_responses())[1]
        else:
            first = draw(S.responses).raw
        second = draw(S.length_responses(body=draw(st.binary(max_size=8)))).raw
        mode1, mode2, n = draw(modes), draw(modes), draw(st.integers(1, 64))
        if kind == "pipelined":
            pieces = draw(S.segmentations(first + second, max_pieces=4))
            server: List[Any] = ["request"] + [{"send": p.decode("latin-1")} for p in pieces] + ["request", "close"]
        else:
            pieces = draw(S.segmentations(first, max_pieces=4))
            server = ["request"] + [{"send": p.decode("latin-1")} for p in pieces] + [
                "request", {"send": second.decode("latin-1")}, "close"]
        client = [
            {"do": "conn.request", "args": ["GET", "/1"]}, {"do": "conn.getresponse"}, {"body": mode1, "n": n},
            {"do": "conn.request", "args": ["GET", "/2"]}, {"do": "conn.getresponse"}, {"body": mode2, "n": n},
        ]
        return {"kind": "exchange", "server": server, "client": client, "timeout": GEN_TIMEOUT}

    return exchanges()


def generate(count: int) -> List[Dict[str, Any]]:
    """`count` exchanges, the same on every run (derandomized, no shrinking)."""
    from hypothesis import HealthCheck, Phase, given, settings

    out: List[Dict[str, Any]] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(exchange_strategy())
    def collect(ex: Dict[str, Any]) -> None:
        out.append(ex)

    collect()
    for i, ex in enumerate(out):
        ex["id"] = f"gen-{i:04d}"
    return out


def reproducer(ex: Dict[str, Any]) -> str:
    """A paste-ready fixture case."""
    def step(s: Any) -> str:
        return json.dumps(s) if isinstance(s, str) else "{ send = %s }" % json.dumps(s["send"], ensure_ascii=True)

    def cstep(s: Dict[str, Any]) -> str:
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in s.items()) + " }"

    return "\n".join([
        "[[case]]", f'id = "{ex["id"]}"', 'title = "TODO"', 'level = "rfc-must"', "reqs = []",
        "server = [\n  " + ",\n  ".join(step(s) for s in ex["server"]) + ",\n]",
        "client = [\n  " + ",\n  ".join(cstep(s) for s in ex["client"]) + ",\n]",
        f"timeout = {ex.get('timeout', GEN_TIMEOUT)}",
    ])
