"""The client driver: play a case's client steps against the target module
and record what is observable (return values, responses, the exception).

It only uses the public API; every method and attribute is looked up on the
target's objects, so a missing one becomes `unsupported`, not a crash.
"""
from __future__ import annotations

import array
import io
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .targets import Target, Unsupported

# A body loop that has not ended after this many calls is broken (a read
# method that keeps returning data it should not); stop it.
MAX_READ_CALLS = 1_000_000
BODY_METHODS = ("read", "read1", "readinto", "readline", "readlines")


@dataclass
class ResponseObs:
    status: Any = None
    reason: Any = None
    version: Any = None
    headers: Any = None
    body: Optional[bytearray] = None
    obj: Any = field(default=None, repr=False)


@dataclass
class Observation:
    responses: List[ResponseObs] = field(default_factory=list)
    values: Dict[str, Any] = field(default_factory=dict)
    exception: Optional[BaseException] = None
    exc_step: Optional[int] = None
    exc_name: str = ""  # the `as` name of the step that raised, if any
    steps_done: int = 0


class Driver:
    def __init__(self, target: Target, host: str, port: int, timeout: float) -> None:
        self.target = target
        self.host = host
        self.port = port
        self.timeout = timeout
        self.obs = Observation()
        self.conn: Any = None

    # -- placeholders and argument values ------------------------------------
    def expand(self, value: Any) -> Any:
        """Fixture values to Python: '{port}'/'{host}' substituted, tagged
        tables ({bytes=...}, {eval=...}, {none=true}) turned into objects."""
        if isinstance(value, str):
            if value == "{port}":
                return self.port
            return value.replace("{port}", str(self.port)).replace("{host}", self.host)
        if isinstance(value, list):
            return [self.expand(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"bytes"}:
                return self.expand(value["bytes"]).encode("latin-1")
            if set(value) == {"bytearray"}:
                return bytearray(self.expand(value["bytearray"]).encode("latin-1"))
            if set(value) == {"none"}:
                return None
            if set(value) == {"tuple"}:
                return tuple(self.expand(value["tuple"]))
            if set(value) == {"eval"}:
                return self.evaluate(value["eval"])
            return {k: self.expand(v) for k, v in value.items()}
        return value

    def namespace(self) -> Dict[str, Any]:
        resp = self.obs.responses[-1].obj if self.obs.responses else None
        return {
            "impl": self.target.module, "conn": self.conn, "resp": resp,
            "responses": [r.obj for r in self.obs.responses], "values": self.obs.values,
            "io": io, "array": array, "port": self.port, "host": self.host,
        }

    def evaluate(self, expr: str) -> Any:
        # Fixtures are the project's own data; eval keeps rare checks in data.
        return eval(expr, {"__builtins__": __builtins__}, self.namespace())  # noqa: S307

    # -- running ---------------------------------------------------------------
    def connect(self, spec: Dict[str, Any]) -> None:
        cls = self.target.name(spec.get("class", "HTTPConnection"))
        args = self.expand(spec.get("args", ["{host}", "{port}"]))
        kwargs = self.expand(spec.get("kwargs", {}))
        kwargs.setdefault("timeout", self.timeout)
        self.conn = cls(*args, **kwargs)

    def run(self, connection: Dict[str, Any], steps: Any) -> Observation:
        try:
            self.connect(connection)
        except Unsupported:
            raise
        except Exception as exc:  # noqa: BLE001 - the constructor's own error is observable
            self._record_exc(exc, -1, "")
            return self.obs
        try:
            for i, step in enumerate(steps):
                try:
                    self.step(step)
                except Unsupported:
                    raise
                except Exception as exc:  # noqa: BLE001
                    if self.caught(step, exc):
                        continue
                    self._record_exc(exc, i, step.get("as", ""))
                    break
                self.obs.steps_done = i + 1
        finally:
            self.cleanup()
        return self.obs

    def caught(self, step: Dict[str, Any], exc: Exception) -> bool:
        """A step with `catch = "Name"` (or "Name*" for subclasses) expects
        that exception: its `as` value becomes the class name and the program
        goes on. Any other exception stops the program as usual."""
        name = step.get("catch")
        if not name:
            return False
        cls = self.target.exception(name.rstrip("*"))
        if not (isinstance(exc, cls) if name.endswith("*") else type(exc) is cls):
            return False
        if "as" in step:
            self.obs.values[step["as"]] = type(exc).__name__
        return True

    def _record_exc(self, exc: BaseException, index: int, name: str) -> None:
        self.obs.exception = exc
        self.obs.exc_step = index
        self.obs.exc_name = name

    def step(self, step: Dict[str, Any]) -> None:
        if "body" in step:
            self.read_body(step["body"], step.get("n", 3))
            return
        if "eval" in step:
            result = self.evaluate(step["eval"])
        else:
            owner, _, attr = (step.get("do") or step["get"]).partition(".")
            obj = self.owner(owner)
            try:
                member = getattr(obj, attr)
            except AttributeError:
                raise Unsupported(f"{owner} has no attribute {attr}") from None
            if "do" in step:
                args = self.expand(step.get("args", []))
                kwargs = self.expand(step.get("kwargs", {}))
                result = member(*args, **kwargs)
                if owner == "conn" and attr == "getresponse":
                    self.add_response(result)
                elif owner == "resp" and attr in BODY_METHODS:
                    self.add_body(attr, result, args)
            else:
                result = member
        if "as" in step:
            self.obs.values[step["as"]] = result

    def owner(self, name: str) -> Any:
        if name == "conn":
            return self.conn
        if name == "impl":
            return self.target.module
        if not self.obs.responses:
            raise RuntimeError("harness: resp.X used before conn.getresponse")
        return self.obs.responses[-1].obj

    def add_response(self, resp: Any) -> None:
        """Record the status line and header list as soon as we have them."""
        obs = ResponseObs(obj=resp)
        self.obs.responses.append(obs)
        obs.status = getattr(resp, "status", None)
        obs.reason = getattr(resp, "reason", None)
        obs.version = getattr(resp, "version", None)
        getheaders = getattr(resp, "getheaders", None)
        obs.headers = [list(p) for p in getheaders()] if getheaders else None

    def add_body(self, method: str, result: Any, args: List[Any]) -> None:
        body = self.obs.responses[-1].body
        if body is None:
            body = self.obs.responses[-1].body = bytearray()
        if method == "readinto":
            buf = args[0]
            body += bytes(buf[:result])
        elif method == "readlines":
            for line in result:
                body += line
        else:
            body += result

    def read_body(self, mode: str, n: int) -> None:
        """Read the current response's body to its end with one read API."""
        resp = self.owner("resp")
        obs = self.obs.responses[-1]
        if obs.body is None:
            obs.body = bytearray()
        method = {"read-n": "read", "iter": "__iter__", "peek-read": "peek"}.get(mode, mode)
        if not hasattr(resp, method):
            raise Unsupported(f"response has no {method}")
        if mode == "read":
            obs.body += resp.read()
        elif mode == "readlines":
            for line in resp.readlines():
                obs.body += line
        elif mode == "iter":
            for count, line in enumerate(resp):
                obs.body += line
                if count > MAX_READ_CALLS:
                    raise RuntimeError("iteration did not end")
        else:
            for _ in range(MAX_READ_CALLS):
                if mode == "readinto":
                    buf = bytearray(n)
                    got = resp.readinto(buf)
                    chunk = bytes(buf[:got])
                elif mode == "peek-read":
                    resp.peek(n)  # must not consume: what follows still reads it all
                    chunk = resp.read(n)
                elif mode == "readline":
                    chunk = resp.readline()
                else:
                    chunk = getattr(resp, method)(n)
                if not chunk:
                    return
                obs.body += chunk
            raise RuntimeError(f"{mode} did not reach the end of the body")

    def cleanup(self) -> None:
        """Close what the case opened so the server sees EOF at once."""
        for r in self.obs.responses:
            close = getattr(r.obj, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - cleanup only
                    pass
        close = getattr(self.conn, "close", None)
        if close is not None:
            try:
                close()
            except Exception:  # noqa: BLE001
                pass
