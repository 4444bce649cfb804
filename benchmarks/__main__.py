"""`make bench`: run every benchmark module in benchmarks/ and print its figures.

Each ``benchmarks/bench_*.py`` module has ``run() -> None`` that prints a block of
figures with ratios against a baseline measured in the same run. A module with
``DEFAULT = False`` (the hour-long scale benchmark) runs only when named; options
after the names (``python -m benchmarks scale --docs 100000``) go to its ``run(argv)``.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(argv: list[str]) -> int:
    """Run the named benchmark modules (default: all with DEFAULT not False), in name order."""
    split = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    chosen, options = argv[:split], argv[split:]
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    wanted = [n for n in names if any(a in n for a in chosen)] if chosen else names
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        if not chosen and not getattr(module, "DEFAULT", True):
            continue
        started = time.perf_counter()
        print(f"\n=== {name} ===", flush=True)
        module.run(options) if options else module.run()
        print(f"--- {name}: {time.perf_counter() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
