"""Verdicts: exact types and classes, alternatives, timeouts, unsupported."""
from __future__ import annotations

import http.client
import types

import pytest

from conformance import runner
from conformance.cases import Case
from conformance.driver import Observation, ResponseObs
from conformance.targets import Target, load
from conformance.verdict import Checker
from servers.script import parse_script

STDLIB = load("stdlib")


def checker(obs, received=(b"",), connections=1, target=STDLIB):
    return Checker(target, obs, list(received), connections, lambda v: v)


def obs_with(body=b"hi", exc=None):
    o = Observation()
    o.responses.append(ResponseObs(200, "OK", 11, [["A", "1"]], bytearray(body) if body is not None else None))
    o.exception = exc
    return o


def test_body_type_counts():
    assert checker(obs_with(b"hi")).check({"body": "hi"}) == []
    o = obs_with(b"hi")
    o.values["v"] = "hi"
    assert checker(o).check({"values": {"v": {"bytes": "hi"}}})  # str where bytes are due
    o.values["v"] = b"hi"
    assert checker(o).check({"values": {"v": {"bytes": "hi"}}}) == []


def test_unread_body_does_not_match_empty_body():
    assert checker(obs_with(None)).check({"body": ""})


def test_exception_class_is_exact_unless_starred():
    exc = http.client.RemoteDisconnected("x")
    c = checker(obs_with(exc=exc))
    assert c.check({"raises": "RemoteDisconnected"}) == []
    assert c.check({"raises": "BadStatusLine"})  # a subclass is not the class
    assert c.check({"raises": "BadStatusLine*"}) == []
    assert c.check({"raises": "ConnectionResetError*"}) == []


def test_unexpected_exception_fails_an_outcome_without_raises():
    assert checker(obs_with(exc=ValueError("x"))).check({"status": 200})


def test_exception_attributes():
    exc = http.client.IncompleteRead(b"ab", 3)
    c = checker(obs_with(exc=exc))
    assert c.check({"raises": "IncompleteRead", "attrs": {"partial": "ab", "expected": 3}}) == []
    assert c.check({"raises": "IncompleteRead", "attrs": {"expected": 4}})
    assert c.check({"raises": "IncompleteRead", "attrs": {"repr": "IncompleteRead(2 bytes read, 3 more expected)"}}) == []


def test_any_outcome_may_hold():
    c = checker(obs_with(b"x"))
    assert c.best(({"body": "y"}, {"body": "x"})) == (True, [])
    passed, problems = c.best(({"body": "y"}, {"status": 500, "body": "z"}))
    assert not passed and len(problems) == 1  # the closest outcome is shown


def test_sent_bytes_and_connections():
    c = checker(obs_with(), received=[b"GET / HTTP/1.1\r\n\r\n"], connections=1)
    assert c.check({"sent": "GET / HTTP/1.1\r\n\r\n", "connections": 1}) == []
    assert c.check({"sent": ["GET / HTTP/1.1\r\n\r\n", ""]})
    assert c.check({"connections": 2})


def test_missing_exception_name_is_unsupported():
    fake = Target("fake", types.ModuleType("fake"), "fake")
    from conformance.targets import Unsupported

    with pytest.raises(Unsupported):
        checker(obs_with(), target=fake).check({"raises": "IncompleteRead"})


def case(client, timeout=0.3):
    return Case(id="t", title="t", level="api", area="a", reqs=("r",), server=parse_script(["request", {"send": "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}]),
                client=tuple(client), outcomes=({"status": 200},), source="x", suite="response", timeout=timeout)


def test_hanging_implementation_gets_timeout(monkeypatch, tmp_path):
    monkeypatch.setattr(runner, "DEADLINE_SLACK", 0.3)
    mod = tmp_path / "hangs.py"
    mod.write_text("class HTTPConnection:\n    def __init__(self, *a, **k): pass\n"
                   "    def request(self, *a, **k):\n        while True: pass\n")
    result = runner.run_case(load(str(mod)), case([{"do": "conn.request", "args": ["GET", "/"]}]))
    assert result.verdict == "timeout"
    assert result.duration < 3


def test_missing_method_is_unsupported(tmp_path):
    mod = tmp_path / "partial.py"
    mod.write_text("class HTTPConnection:\n    def __init__(self, *a, **k): pass\n    def close(self): pass\n")
    result = runner.run_case(load(str(mod)), case([{"do": "conn.request", "args": ["GET", "/"]}]))
    assert result.verdict == "unsupported" and "request" in result.details[0]


def test_stdlib_passes_a_simple_case():
    result = runner.run_case(STDLIB, case(list(__import__("conformance.cases").cases.DEFAULT_CLIENT)))
    assert result.verdict == "pass", result.details


def test_catch_step_records_the_class_and_goes_on():
    steps = [
        {"do": "conn.request", "args": ["GET", "/"]},
        {"do": "conn.getresponse", "catch": "RemoteDisconnected", "as": "first"},
        {"do": "conn.request", "args": ["GET", "/"]},
        {"do": "conn.getresponse"},
        {"body": "read"},
    ]
    c = Case(id="t", title="t", level="api", area="a", reqs=("r",),
             server=parse_script(["request", "close", "request", {"send": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}]),
             client=tuple(steps), outcomes=({"values": {"first": "RemoteDisconnected"}, "body": "ok", "connections": 2},),
             source="x", suite="response", timeout=1.0)
    result = runner.run_case(STDLIB, c)
    assert result.verdict == "pass", result.details
