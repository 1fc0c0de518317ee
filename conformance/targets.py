"""Resolve `--impl TARGET` into the module under test.

TARGET is `stdlib` (this interpreter's http.client), `reference`, an
importable dotted module name, or a path to a .py file. Every name a case
uses (classes, exceptions, constants) is looked up on that module, so a
copied implementation is judged with its own exception classes.
"""
from __future__ import annotations

import builtins
import importlib
import importlib.util
import os
import platform
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Tuple

ALIASES = {"stdlib": "http.client", "reference": "reference.client"}


class TargetError(Exception):
    """The target cannot be loaded; the message is one line for the user."""


class Unsupported(Exception):
    """The target lacks a name the case needs."""


@dataclass(frozen=True)
class Target:
    spec: str  # what the user typed
    module: ModuleType
    label: str  # e.g. 'stdlib (cpython-3.11.7)'

    @property
    def api_version(self) -> Tuple[int, ...]:
        """The http.client version whose documented behaviour the target
        follows: cases marked `python = ">=3.12"` are judged against it. The
        stdlib (and a copy of it) follows this interpreter; an implementation
        may declare another with `__conformance_api_version__ = (3, 13)`."""
        declared = getattr(self.module, "__conformance_api_version__", None)
        if isinstance(declared, tuple) and all(isinstance(x, int) for x in declared):
            return declared
        return tuple(sys.version_info[:3])

    def name(self, dotted: str) -> Any:
        """Look up a (possibly dotted) name on the target; Unsupported if absent."""
        obj: Any = self.module
        for part in dotted.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise Unsupported(f"{self.spec} has no {dotted}") from None
        return obj

    def exception(self, dotted: str) -> type:
        """An exception class by name: the target's own first, then builtins
        (ValueError, TimeoutError...), then a module path (ssl.SSLError)."""
        head = dotted.split(".", 1)[0]
        if hasattr(self.module, head):
            obj = self.name(dotted)
        elif "." not in dotted and hasattr(builtins, dotted):
            obj = getattr(builtins, dotted)
        elif "." in dotted:
            mod, _, attr = dotted.rpartition(".")
            try:
                obj = getattr(importlib.import_module(mod), attr)
            except (ImportError, AttributeError):
                raise Unsupported(f"no exception class {dotted}") from None
        else:
            raise Unsupported(f"{self.spec} has no {dotted}")
        if not (isinstance(obj, type) and issubclass(obj, BaseException)):
            raise Unsupported(f"{dotted} is not an exception class")
        return obj


def interpreter_tag() -> str:
    """`cpython-3.11.7`, `pypy-3.9.18`: the expectation files' naming."""
    impl = sys.implementation.name
    return f"{impl}-{platform.python_version()}"


def load(spec: str) -> Target:
    spec = spec.strip()
    if not spec:
        raise TargetError("--impl needs a value: stdlib, reference, a dotted module or a .py path")
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        module = _load_path(spec)
    else:
        dotted = ALIASES.get(spec, spec)
        try:
            module = importlib.import_module(dotted)
        except Exception as exc:  # noqa: BLE001 - any import failure is a usage error
            raise TargetError(f"cannot import implementation {spec!r} ({dotted}): {type(exc).__name__}: {exc}") from None
    if spec == "stdlib":
        label = f"stdlib ({interpreter_tag()})"
    else:
        label = spec
    return Target(spec, module, label)


def _load_path(path: str) -> ModuleType:
    if not os.path.isfile(path):
        raise TargetError(f"implementation file not found: {path}")
    # A unique module name per file: two copies can be loaded side by side.
    name = "conformance_target_" + "".join(c if c.isalnum() else "_" for c in os.path.abspath(path))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"cannot load implementation file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001
        del sys.modules[name]
        raise TargetError(f"cannot import implementation file {path}: {type(exc).__name__}: {exc}") from None
    return module

