"""The memoised functions of diffing, in one registry with one :func:`clear_caches`.

Comparing a tracked plan with many documents re-parses the same plan text and
re-folds the same clause keys again and again, so the pure functions doing that are
memoised (``functools.lru_cache`` with a bound). The caches hold only results of pure
functions of their arguments — no settings, no time, nothing that could go stale — so
nothing but memory and timing depends on them, and nothing needs to reset them for
correctness. They are declared with :func:`memoised` so they are all known here:
:func:`clear_caches` forgets every one at once (benchmarks time cold runs with it) and
:func:`cache_sizes` says what they hold.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

#: Every memoised function of diffing, by qualified name.
_REGISTRY: dict[str, _lru_cache_wrapper[Any]] = {}


def memoised(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """``functools.lru_cache(maxsize)``, registered so :func:`clear_caches` forgets it too."""

    def register(function: Callable[..., T]) -> _lru_cache_wrapper[T]:
        cached = lru_cache(maxsize=maxsize)(function)
        _REGISTRY[f"{function.__module__}.{function.__qualname__}"] = cached
        return cached

    return register


def clear_caches() -> None:
    """Forget every memoised parse, key and figure (benchmarks use it to time cold runs)."""
    for cached in _REGISTRY.values():
        cached.cache_clear()


def cache_sizes() -> dict[str, int]:
    """How many results each memoised function holds now, by qualified name."""
    return {name: cached.cache_info().currsize for name, cached in _REGISTRY.items()}
