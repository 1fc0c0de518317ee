"""The differential machinery (conformance/diff.py), the endless server step,
and the property helpers."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import diff
from servers.script import Endless, ScriptError, parse_script
from servers.scripted import ScriptedServer

ROOT = Path(__file__).resolve().parent.parent


def obs(**kw):
    base = {"outcome": "done", "responses": [{"status": 200, "reason": "OK", "version": 11, "headers": [],
                                              "body": {"bytes": "abc"}}],
            "connections": 1, "sent": ["GET / HTTP/1.1\r\n\r\n"], "values": {}}
    base.update(kw)
    return base


def classes(a, b):
    return [c for c, _ in diff.classify(a, b)]


def test_same_observation_no_divergence():
    assert diff.classify(obs(), obs()) == []


def test_classes_most_severe_first():
    exc = {"name": "IncompleteRead", "step": 2, "args": [{"bytes": "ab"}]}
    assert classes(obs(), obs(exception=exc)) == ["accept-reject"]
    assert classes(obs(connections=1), obs(connections=2))[0] == "boundary"
    other = dict(exc, name="ValueError")
    assert classes(obs(exception=exc), obs(exception=other)) == ["exception"]
    assert classes(obs(exception=exc), obs(exception=dict(exc, args=[{"bytes": "a"}]))) == ["exception-attrs"]
    r = obs()["responses"][0]
    assert classes(obs(), obs(responses=[dict(r, body={"bytes": "abcd"})])) == ["body"]
    assert classes(obs(), obs(responses=[dict(r, headers=[["A", "b"]])])) == ["headers"]
    assert classes(obs(), obs(responses=[dict(r, reason="ok")])) == ["status"]
    assert classes(obs(), obs(sent=["GET /x HTTP/1.1\r\n\r\n"])) == ["request"]
    assert classes(obs(), obs(outcome="timeout")) == ["outcome"]


def test_scrub_ports_and_addresses_only():
    text = "Host: 127.0.0.1:43121 <obj at 0x7f00ab> Content-Length: 0x10"
    assert diff.scrub(text) == "Host: 127.0.0.1:{port} <obj at 0x?> Content-Length: 0x10"


def test_benign_entries_match_class_case_and_text(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text('[[benign]]\nclass = "body"\ncase = "gen-*"\nmatch = "abc"\nreason = "harmless"\n')
    [entry] = diff.load_benign(path)
    assert entry.covers(diff.Divergence("gen-0001", "body", "abc vs abd"))
    assert not entry.covers(diff.Divergence("fixture-x", "body", "abc vs abd"))
    assert not entry.covers(diff.Divergence("gen-0001", "headers", "abc vs abd"))
    path.write_text('[[benign]]\nclass = "nonsense"\nreason = "x"\n')
    with pytest.raises(SystemExit):
        diff.load_benign(path)


def test_generation_is_reproducible():
    assert diff.generate(8) == diff.generate(8)


def test_reproducer_is_a_valid_fixture_case():
    from conformance.cases import tomllib

    [ex] = diff.generate(1)
    doc = tomllib.loads(diff.reproducer(ex))
    [case] = doc["case"]
    parse_script(case["server"])
    assert case["client"][0]["do"] == "conn.request"


def test_diff_finds_a_planted_divergence(tmp_path):
    """stdlib vs a copy of http.client that lowercases reasons: 'status'."""
    import http.client

    src = Path(http.client.__file__).read_text(encoding="utf-8")
    patched = src.replace("self.reason = reason.strip()", "self.reason = reason.strip().lower()")
    assert patched != src
    mutant = tmp_path / "lower_reason.py"
    mutant.write_text(patched, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "diff", "--impl", str(mutant), "--against", "stdlib",
         "--cases", "none", "--examples", "6", "--no-shrink", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    [report] = tmp_path.glob("*.json")
    doc = json.loads(report.read_text())
    assert doc["ran"]["generated"] == 6
    assert any(d["cls"] == "status" and "reason" in d["summary"] for d in doc["divergences"])


def test_endless_step_parses_and_is_bounded():
    [step] = parse_script([{"endless": "ab", "cap": 10, "seconds": 1}])
    assert step == Endless(b"ab", 10, 1.0)
    for bad in ({"endless": ""}, {"endless": "a", "cap": 0}, {"endless": "a", "seconds": 99}):
        with pytest.raises(ScriptError):
            parse_script([bad])


def test_endless_step_keeps_the_pattern_and_stops_at_its_cap():
    srv = ScriptedServer(parse_script([{"endless": "0123456789", "cap": 1_000_003, "seconds": 5}])).start()
    try:
        with socket.create_connection((srv.host, srv.port), timeout=5) as s:
            data = bytearray()
            while True:
                got = s.recv(65536)
                if not got:
                    break
                data += got
    finally:
        srv.stop()
    assert len(data) == 1_000_003
    assert bytes(data) == (b"0123456789" * 100_001)[:1_000_003]
    assert any(e.kind == "note" and b"cap reached" in e.data for e in srv.transcript)
    assert sum(len(e.data) for e in srv.transcript if e.kind == "s>c") <= 4096
