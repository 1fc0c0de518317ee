"""tox plugin: find the pyenv-built interpreters without hand steps.

tox looks for `python3.X` on PATH; pyenv keeps each version in
$(pyenv root)/versions/X.Y.Z/bin, and its shims only answer for the
versions selected in pyenv. Put every installed version's bin folder on PATH
(newest patch release first) when pyenv is present; elsewhere nothing changes
and missing interpreters are skipped.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path


def _pyenv_bins() -> list:
    root = os.environ.get("PYENV_ROOT")
    if not root:
        try:
            root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return []
    versions = Path(root or "~/.pyenv").expanduser() / "versions"
    if not versions.is_dir():
        return []
    found = []
    for d in versions.iterdir():
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", d.name)
        if m and (d / "bin").is_dir():
            found.append((tuple(int(x) for x in m.groups()), str(d / "bin")))
    return [b for _, b in sorted(found, reverse=True)]


_bins = _pyenv_bins()
if _bins:
    os.environ["PATH"] = os.pathsep.join(_bins + [os.environ.get("PATH", "")])
