"""Server scripts: what a scripted server does, step by step, as plain data.

A script is a list of steps played over the accepted connections in order.
Steps are small frozen dataclasses so a script can be shown in a report and
checked before any socket exists. `parse_script` turns the fixture form
(strings and tables, see fixtures/README.md) into steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple, Union

# A byte expression in a fixture: a string (each char one ISO-8859-1 octet),
# or a list of strings and [string, count] repetitions.
ByteExpr = Union[str, Sequence[Any]]


class ScriptError(ValueError):
    """A script in a fixture is malformed."""


@dataclass(frozen=True)
class Recv:
    """Read from the client: 'request' (head plus body framed by
    Content-Length or chunked), 'head' (up to the blank line), or an exact
    number of bytes."""

    what: Union[str, int]


@dataclass(frozen=True)
class Send:
    data: bytes


@dataclass(frozen=True)
class Trickle:
    """Send `data` in pieces of `size` bytes with `every` seconds between
    them: a slow server on purpose (the pause is the behaviour under test,
    not a synchronisation)."""

    data: bytes
    size: int
    every: float


@dataclass(frozen=True)
class Action:
    """A step without arguments.

    close       close the connection (FIN)
    half-close  shut down the write side; keep reading
    reset       close with SO_LINGER 0 so the client sees RST
    eof         wait until the client closes its side
    hold        keep the connection open, silent, until the case ends
    accept      close the current connection and accept the next one
    starttls    TLS server handshake on the current connection (the server's
                starttls= context; e.g. inside a CONNECT tunnel)
    """

    name: str


@dataclass(frozen=True)
class Endless:
    """Send `data` over and over until the client closes the connection, or
    `cap` bytes or `seconds` have gone by, then close: a hostile server (an
    endless header section, endless interim responses, a status line of
    gigabytes). Bounded on purpose; only the first bytes are transcribed."""

    data: bytes
    cap: int
    seconds: float


Step = Union[Recv, Send, Trickle, Action, Endless]

ACTIONS = ("close", "half-close", "reset", "eof", "hold", "accept", "starttls")
RECV_FORMS = ("request", "head")
MAX_EXPR_BYTES = 64 * 1024 * 1024  # a script larger than this is a typo
ENDLESS_MAX_CAP = 4 << 30  # an endless step sends at most this much
ENDLESS_MAX_SECONDS = 30.0


def byte_expr(expr: ByteExpr, where: str = "send") -> bytes:
    """Compile a byte expression to bytes."""
    if isinstance(expr, str):
        return _latin1(expr, where)
    if not isinstance(expr, (list, tuple)):
        raise ScriptError(f"{where}: expected a string or a list, got {type(expr).__name__}")
    parts: List[bytes] = []
    total = 0
    for item in expr:
        if isinstance(item, str):
            piece = _latin1(item, where)
        elif (
            isinstance(item, (list, tuple))
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], int)
            and item[1] >= 0
        ):
            piece = _latin1(item[0], where) * item[1]
        else:
            raise ScriptError(f"{where}: list items are strings or [string, count], got {item!r}")
        total += len(piece)
        if total > MAX_EXPR_BYTES:
            raise ScriptError(f"{where}: more than {MAX_EXPR_BYTES} bytes")
        parts.append(piece)
    return b"".join(parts)


def _latin1(text: str, where: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ScriptError(
            f"{where}: character {text[exc.start]!r} is above U+00FF; "
            "write octets as \\u00XX"
        ) from None


def parse_step(raw: Any) -> Step:
    """One fixture step: a bare action/recv name, or a one-key table."""
    if isinstance(raw, str):
        if raw in ACTIONS:
            return Action(raw)
        if raw in RECV_FORMS:
            return Recv(raw)
        raise ScriptError(f"unknown step {raw!r}; expected one of {ACTIONS + RECV_FORMS}")
    if not isinstance(raw, dict):
        raise ScriptError(f"a step is a string or a table, got {raw!r}")
    keys = set(raw)
    if keys == {"send"}:
        return Send(byte_expr(raw["send"]))
    if keys == {"recv"}:
        what = raw["recv"]
        if what in RECV_FORMS or (isinstance(what, int) and what > 0):
            return Recv(what)
        raise ScriptError(f"recv takes 'request', 'head' or a byte count, got {what!r}")
    if "trickle" in keys and keys <= {"trickle", "size", "every"}:
        size = raw.get("size", 1)
        every = raw.get("every", 0.01)
        if not isinstance(size, int) or size < 1 or not isinstance(every, (int, float)) or not 0 <= every <= 1:
            raise ScriptError("trickle: size is a positive int, every is 0..1 seconds")
        return Trickle(byte_expr(raw["trickle"], "trickle"), size, float(every))
    if "endless" in keys and keys <= {"endless", "cap", "seconds"}:
        data = byte_expr(raw["endless"], "endless")
        cap = raw.get("cap", 256 << 20)
        seconds = raw.get("seconds", 10.0)
        if not data or not isinstance(cap, int) or not 0 < cap <= ENDLESS_MAX_CAP:
            raise ScriptError(f"endless: a non-empty pattern and 0 < cap <= {ENDLESS_MAX_CAP}")
        if not isinstance(seconds, (int, float)) or not 0 < seconds <= ENDLESS_MAX_SECONDS:
            raise ScriptError(f"endless: 0 < seconds <= {ENDLESS_MAX_SECONDS}")
        return Endless(data, cap, float(seconds))
    raise ScriptError(f"unknown step {raw!r}")


def parse_script(raw: Any) -> Tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScriptError("server script must be a non-empty list of steps")
    return tuple(parse_step(s) for s in raw)

