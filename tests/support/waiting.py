"""Waiting for something a real process or server does (never for time itself to pass)."""
from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float, *, every: float = 0.2) -> bool:
    """Poll ``condition`` every ``every`` seconds until it is true (True) or ``timeout`` runs out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False
