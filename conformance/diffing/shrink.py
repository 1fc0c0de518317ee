"""Shrinking: Hypothesis (hypothesis.find) searches for the smallest
generated exchange that still shows a given class of divergence, replaying
each candidate on both live sides."""
from __future__ import annotations

import json
import sys
import time
from typing import Any, Dict, Optional

from .classify import classify
from .generate import exchange_strategy
from .worker import Side, ask_both


def shrink(a: Side, b: Side, cls: str, budget: float) -> Optional[Dict[str, Any]]:
    """The smallest generated exchange whose divergence has class `cls`."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    started = time.monotonic()
    seen: Dict[str, bool] = {}  # replays give the same answer (no flakiness)

    def diverges(ex: Dict[str, Any]) -> bool:
        key = json.dumps(ex, sort_keys=True)
        if key not in seen:
            if time.monotonic() - started > budget:
                return False  # out of time: the smallest so far stands
            oa, ob = ask_both(a, b, dict(ex, id="shrink"))
            seen[key] = "obs" in oa and "obs" in ob and cls in dict(classify(oa["obs"], ob["obs"]))
        return seen[key]

    try:
        ex = find(exchange_strategy(), diverges, settings=settings(
            max_examples=200, derandomize=True, database=None, deadline=None, report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None
    except Exception as exc:  # noqa: BLE001 - shrinking is best effort
        print(f"  (shrinking {cls} failed: {type(exc).__name__})", file=sys.stderr)
        return None
    return dict(ex)
