"""Run ``policywatch`` and SIGKILL it at an exact point: the Nth call of a named function.

    python -m tests.chaos.crashpoint store.plans:PlansMixin.save_comparison 2 -- --db a.db run --once …

Random kills (test_crash_consistency) rarely land in the few milliseconds between two
writes; this launcher lands there every time, so each window between two writes of
the pipeline is proven safe (or shown unsafe) deterministically. The process kills
itself with SIGKILL — no handler, no ``finally``, exactly like the OOM killer.
"""
from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def arm(target: str, nth: int) -> None:
    """Replace ``module:Class.method`` (or ``module:function``) by a wrapper that dies on call ``nth``."""
    module_name, _, attribute = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original: Callable[..., Any] = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def main(argv: list[str]) -> None:
    """``TARGET NTH -- policywatch arguments…``."""
    separator = argv.index("--")
    target, nth = argv[0], int(argv[1])
    arm(target, nth)
    from policywatch.cli import main as policywatch_main

    sys.argv = ["policywatch", *argv[separator + 1:]]
    policywatch_main()


if __name__ == "__main__":
    main(sys.argv[1:])
