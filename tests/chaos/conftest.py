"""Records the outcome of every security check (and every known finding) for the reliability report.

Each process that runs a ``tests/chaos/test_security_*.py`` test (an xdist worker, or
pytest itself) writes one small results file per test as soon as its outcome is known,
so the figures are complete however the tests were distributed.
"""
from __future__ import annotations

import re

import pytest

from tests.chaos.results import record

_VARIANT = {"name": "short"}


def pytest_configure(config: pytest.Config) -> None:
    """``long`` when only the chaos variants run (make chaos), else ``short``."""
    marks = config.getoption("markexpr") or ""
    _VARIANT["name"] = "long" if "chaos" in marks and "not chaos" not in marks else "short"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record a security test's outcome, or any chaos test's known finding (an xfail)."""
    if "tests/chaos/" not in report.nodeid:
        return
    if report.when != "call" and not (report.failed or report.skipped):
        return
    outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
    if "tests/chaos/test_security_" not in report.nodeid and outcome != "xfailed":
        return
    path, _, test = report.nodeid.partition("::")
    group = path.rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_").removeprefix("security_")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", test).strip("-")[:90]
    record(f"check-{group}-{slug}", _VARIANT["name"], {"group": group, "outcome": outcome})
