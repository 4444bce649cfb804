"""Running a property as a counted fuzz target: a 1 s deadline per input, figures recorded.

    VARIANTS = fuzz_variants()            # short in make test, long (@chaos) in make chaos
    @pytest.mark.parametrize("variant", VARIANTS)
    def test_fold_is_idempotent(variant):
        fuzz("fold", variant, [TEXT], lambda text: ...)

``fuzz`` runs the check under hypothesis with ``deadline=1 s`` (a hang or a slow input
fails), counts the inputs tried and writes ``fuzz-<target>-<variant>.json`` for the
reliability report, including a failure when the property broke.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.chaos.results import record

#: Examples per target: a quick pass in make test, a deep one in make chaos.
EXAMPLES = {"short": 60, "long": 3000}
DEADLINE_MS = 1000


def fuzz_variants() -> list[Any]:
    """``short`` and ``long`` (marked chaos) as pytest parameters."""
    return ["short", pytest.param("long", marks=pytest.mark.chaos)]


def fuzz(target: str, variant: str, strategies: Sequence[st.SearchStrategy[Any]],
         check: Callable[..., None]) -> int:
    """Run ``check`` on generated inputs; record how many ran and whether it failed. Returns the count."""
    cases = 0

    @settings(max_examples=EXAMPLES[variant], deadline=DEADLINE_MS, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(st.tuples(*strategies))
    def prop(args: tuple[Any, ...]) -> None:
        nonlocal cases
        cases += 1
        check(*args)

    try:
        prop()
    except BaseException as exc:
        record(f"fuzz-{target}", variant, {"target": target, "cases": cases, "failures": 1,
                                           "error": f"{type(exc).__name__}: {str(exc)[:300]}"})
        raise
    record(f"fuzz-{target}", variant, {"target": target, "cases": cases, "failures": 0})
    return cases
