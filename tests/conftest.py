"""Suite-wide settings: hypothesis runs derandomised in `make test`, exploring in `make chaos`.

`make test` must never fail by chance, so the default profile ("ci") draws the same
examples on every run and keeps no example database. `make chaos` sets
HYPOTHESIS_PROFILE=explore: random seeds, more examples, failures printed with their
reproduction blob so what it finds can be pinned as an `@example`.

The `archive` fixture (a fresh archive file in the test's tmp_path) is shared here; a
module that needs more in it (a tracked plan) extends it under the same name. Fixtures
that several modules share live in tests/support/ and are loaded here as plugins
(``smtp_server``: a real SMTP server); helpers there are imported by name.

Time passes by the ``clock`` fixture, never by sleeping: it installs a
:class:`store.clock.ManualClock` (the archive, the crawler, the scheduler and delivery
all read it) that the test moves with ``clock.advance(minutes=5)``.
"""
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from store.archive import Archive
from store.clock import ManualClock, using

pytest_plugins = ["tests.support.smtp"]

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", derandomize=False, max_examples=500, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive file, closed after the test."""
    with Archive(tmp_path / "pw.db") as opened:
        yield opened


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """The process's one clock, standing still at the real time until the test advances it."""
    manual = ManualClock()
    with using(manual):
        yield manual
