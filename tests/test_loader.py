"""The fixture loader validates cases and names the file and case id."""
from __future__ import annotations

import textwrap

import pytest

from conformance import cases
from conformance.cases import FixtureError, load_all, version_matches


def write(tmp_path, text, name="response/area.toml"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """
[[case]]
id = "a-case"
title = "t"
level = "api"
reqs = ["r"]
server = ["request", { send = ["HTTP/1.1 200 OK\\r\\n", ["x", 3]] }]
expect = { status = 200 }
"""


def test_valid_file_loads_with_defaults(tmp_path):
    write(tmp_path, GOOD)
    [case] = load_all(tmp_path)
    assert case.area == "area" and case.suite == "response"
    assert case.client == cases.DEFAULT_CLIENT
    assert case.server[1].data == b"HTTP/1.1 200 OK\r\nxxx"
    assert case.source.endswith("response/area.toml")
    assert case.timeout == cases.DEFAULT_TIMEOUT and not case.waits


def test_a_short_timeout_marks_a_waiting_case(tmp_path):
    write(tmp_path, GOOD + "timeout = 0.1\n")
    [case] = load_all(tmp_path)
    assert case.timeout == 0.1 and case.waits


@pytest.mark.parametrize("bad, message", [
    (GOOD.replace('level = "api"', 'level = "nope"'), "level 'nope'"),
    (GOOD.replace('id = "a-case"', 'id = "Bad Id"'), "not a slug"),
    (GOOD.replace("reqs = [\"r\"]", "reqs = []"), "reqs must be"),
    (GOOD.replace("expect = { status = 200 }", "expect = { stauts = 200 }"), "unknown outcome keys"),
    (GOOD.replace('"request", ', '"recieve", '), "unknown step 'recieve'"),
    (GOOD.replace("HTTP/1.1 200 OK", "HTTP/1.1 200 \u20ac"), "above U+00FF"),
    (GOOD + 'client = [{ do = "resp.read", get = "resp.status" }]\n', "exactly one of"),
    (GOOD.replace('title = "t"', ""), "missing 'title'"),
])
def test_invalid_cases_are_reported_with_file_and_id(tmp_path, bad, message):
    write(tmp_path, bad)
    with pytest.raises(FixtureError) as info:
        load_all(tmp_path)
    text = str(info.value)
    assert message in text
    assert "response/area.toml" in text


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, GOOD, "response/one.toml")
    write(tmp_path, GOOD, "request/two.toml")
    with pytest.raises(FixtureError, match="also in"):
        load_all(tmp_path)


def test_version_conditions():
    assert version_matches(">=3.12", (3, 12, 0))
    assert not version_matches(">=3.12", (3, 11, 9))
    assert version_matches(">=3.11.4,<3.12", (3, 11, 4))
    assert not version_matches(">=3.11.4,<3.12", (3, 12, 1))
    assert not version_matches("<3.11.4", (3, 11, 4))
    with pytest.raises(FixtureError):
        version_matches("~=3.1")


def test_project_fixtures_are_valid():
    assert len(load_all()) > 0
