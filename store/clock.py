"""What time it is: the one clock every part of policywatch reads "now" from.

The archive's timestamps (:func:`store.base.now`), the crawler's ``fetched_at``, the
scheduler's due times (``policywatch.schedule``) and delivery's retry times
(``policywatch.alerts``) all call :func:`now`, which asks the installed :class:`Clock`.
The real one reads the system clock. Tests install a :class:`ManualClock` with
:func:`using` (the ``clock`` fixture in ``tests/conftest.py``) and :meth:`ManualClock.advance`
it instead of sleeping, so "an hour later" takes no time and never depends on the
machine's load. (How times are *shown* — the display zone — is ``policywatch.clock``.)

The store sits on the lowest floor, so every floor above may import this module.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


class Clock:
    """The system's clock, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that stands still until told to move: time passes only by :meth:`advance`."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._lock = threading.Lock()  # the scheduler's delivery pass reads it from a worker thread

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move forward by ``seconds`` (and/or ``minutes=``, ``hours=``, ``days=``); the new time."""
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += step
            return self._now


_installed: Clock = Clock()


def now() -> datetime:
    """The current time by the installed clock (UTC)."""
    return _installed.now()


def current() -> Clock:
    """The installed clock."""
    return _installed


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Install ``clock`` for the duration of the block, then put the previous one back."""
    global _installed
    previous, _installed = _installed, clock
    try:
        yield clock
    finally:
        _installed = previous
