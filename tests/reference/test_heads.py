"""Sans-I/O tests of reference.heads (status lines, fields, request heads)."""
from __future__ import annotations

import pytest

from reference import heads, limits
from reference.errors import (BadStatusLine, HTTPException, InvalidHeader,
                              InvalidURL, LineTooLong)


def test_status_line_split() -> None:
    assert heads.parse_status_line("HTTP/1.1 200 OK\r\n") == \
        ("HTTP/1.1", 200, "OK")
    assert heads.parse_status_line("HTTP/1.1 404\r\n") == \
        ("HTTP/1.1", 404, "")
    assert heads.parse_status_line("HTTP/1.0  301   Moved  Away\r\n") == \
        ("HTTP/1.0", 301, "Moved  Away")
    assert heads.parse_status_line("HTTP/1.1 200 \r\n") == \
        ("HTTP/1.1", 200, "")


def test_status_line_bare_cr_becomes_sp() -> None:
    # RFC 9112 s2.2: a bare CR is invalid or replaced by SP.
    assert heads.parse_status_line("HTTP/1.1 200 OK\rX: 1\r\n") == \
        ("HTTP/1.1", 200, "OK X: 1")
    assert heads.parse_status_line("HTTP/1.1\r200\rOK\n") == \
        ("HTTP/1.1", 200, "OK")
    assert heads.parse_status_line("HTTP/1.1 204\r") == ("HTTP/1.1", 204, "")


@pytest.mark.parametrize("line", [
    "garbage\r\n", "HTTP/1.1\r\n", "HTTP/1.1 +200 OK\r\n",
    "HTTP/1.1 2_00 OK\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n",
    "HTTP/1.1 099 X\r\n", "ICY 200 OK\r\n",
])
def test_bad_status_lines(line: str) -> None:
    with pytest.raises(BadStatusLine) as info:
        heads.parse_status_line(line)
    assert info.value.args == (line,)


def test_version_numbers() -> None:
    assert heads.version_number("HTTP/1.0") == 10
    assert heads.version_number("HTTP/0.9") == 10
    assert heads.version_number("HTTP/1.1") == 11
    assert heads.version_number("HTTP/1.7") == 11
    assert heads.version_number("HTTP/2.0") is None


def test_fields_basic_and_ows() -> None:
    lines = [b"A: 1  \r\n", b"B:\t2\t\r\n", b"C:\r\n", b"a: 3\n", b"\r\n"]
    assert heads.parse_field_lines(lines) == [
        ("A", "1"), ("B", "2"), ("C", ""), ("a", "3")]


def test_obs_fold_replaced_by_space() -> None:
    lines = [b"X: a  \r\n", b"   b \r\n", b"\tc\r\n", b"Y: z\r\n", b"\r\n"]
    assert heads.parse_field_lines(lines) == [("X", "a b c"), ("Y", "z")]


def test_obs_fold_on_empty_value() -> None:
    assert heads.parse_field_lines([b"X:\r\n", b" a\r\n"]) == [("X", "a")]


@pytest.mark.parametrize("line", [
    b"no colon here\r\n", b": empty name\r\n", b"Name : v\r\n",
    b"Na me: v\r\n", b"Name\t: v\r\n", b"A: b\rc\r\n", b"A: b\x00c\r\n",
    b" folded first\r\n", b"\xe9t\xe9: v\r\n", b"A\x01: v\r\n",
])
def test_invalid_field_lines(line: bytes) -> None:
    with pytest.raises(InvalidHeader) as info:
        heads.parse_field_lines([line, b"\r\n"])
    assert isinstance(info.value, HTTPException)
    assert info.value.line == line


def test_latin1_values_kept() -> None:
    assert heads.parse_field_lines([b"X: caf\xe9\r\n"]) == [("X", "caf\xe9")]


def test_read_lines_check_limits() -> None:
    lines: list = []
    assert not heads.read_lines_check(lines, b"A: b\r\n")
    assert heads.read_lines_check(lines, b"\r\n")
    with pytest.raises(LineTooLong) as info:
        heads.read_lines_check([], b"x" * (limits.MAX_LINE + 1))
    assert str(info.value) == "got more than 65536 bytes when reading header line"
    lines = []
    for _ in range(limits.MAX_HEADERS):
        heads.read_lines_check(lines, b"A: b\r\n")
    with pytest.raises(HTTPException, match="got more than 100 headers"):
        heads.read_lines_check(lines, b"\r\n")


def test_build_message() -> None:
    msg = heads.build_message([b"A: 1\r\n", b"a: 2\r\n", b"\r\n"],
                              heads.HTTPMessage)
    assert isinstance(msg, heads.HTTPMessage)
    assert msg.get_all("A") == ["1", "2"]
    assert msg.get_payload() == ""


def test_header_line() -> None:
    assert heads.header_line("X", ["a"]) == b"X: a"
    assert heads.header_line(b"X", [b"a", "b", 3]) == b"X: a\r\n\tb\r\n\t3"
    with pytest.raises(ValueError, match="Invalid header name"):
        heads.header_line("X:", ["a"])
    with pytest.raises(ValueError, match="Invalid header value"):
        heads.header_line("X", ["a\r\nY: b"])
    with pytest.raises(UnicodeEncodeError):
        heads.header_line("X", ["\u20ac"])


def test_validation() -> None:
    heads.validate_method("GET")
    with pytest.raises(ValueError, match="method can't contain control"):
        heads.validate_method("GET\r\n")
    heads.validate_url("/a?b=c")
    with pytest.raises(InvalidURL, match="URL can't contain control"):
        heads.validate_url("/a b")


def test_encode_text_message() -> None:
    with pytest.raises(UnicodeEncodeError) as info:
        heads.encode_text("a\u20ac", "body")
    assert "Body ('\u20ac') is not valid Latin-1. Use body.encode('utf-8')" \
        in str(info.value)


@pytest.mark.parametrize("url,host,port,expected", [
    ("/", "example.com", 80, b"example.com"),
    ("/", "example.com", 8080, "example.com:8080"),
    ("/", "::1", 80, b"[::1]"),
    ("/", "fe80::1%eth0", 8080, "[fe80::1]:8080"),
    ("/", "b\xfccher.example", 80, b"xn--bcher-kva.example"),
    ("http://other:81/x", "example.com", 80, b"other:81"),
    ("http://[fe80::1%25eth0]:81/x", "h", 80, b"[fe80::1]:81"),
    ("http://[fe80::1%25eth0]/x", "h", 80, b"[fe80::1]"),
    ("http://user:pw@other:81/x", "h", 80, b"other:81"),
])
def test_host_header(url: str, host: str, port: int, expected: object) -> None:
    assert heads.host_header(url, host, port, 80) == expected


def test_split_hostport() -> None:
    assert heads.split_hostport("h:81", None, 80) == ("h", 81)
    assert heads.split_hostport("h:", None, 80) == ("h", 80)
    assert heads.split_hostport("[::1]:81", None, 80) == ("::1", 81)
    assert heads.split_hostport("[::1]", None, 80) == ("::1", 80)
    assert heads.split_hostport("h:1", 5, 80) == ("h:1", 5)
    with pytest.raises(InvalidURL, match="nonnumeric port: 'x'"):
        heads.split_hostport("h:x", None, 80)
