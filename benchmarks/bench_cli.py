"""CLI start-up: ``policywatch --help`` and a ``diff`` of two small files, against ``python -c pass``.

Each command runs as a fresh process (what a user waits for), ROUNDS times; the
median wall time is reported with its ratio to the interpreter's own start-up
measured in the same run. Targets: --help <= 0.25 s, diff <= 0.45 s.

The commands run with Python's bytecode cache on, as on a user's machine (the
warm-up run writes it); a PYTHONDONTWRITEBYTECODE in the environment would make
every run recompile our sources and measure the compiler instead.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 7
TARGETS = {"policywatch --help": 0.25, "policywatch diff a.txt b.txt": 0.45}
PLAN = "一、总体目标\n到2027年，培育不少于50000家企业。\n二、重点任务\n（一）建设算力网络。\n"
REPOST = "一、总体目标\n到2027年，培育不少于60000家企业。\n二、重点任务\n（一）建设算力网络。\n"


def median_wall(command: list[str], rounds: int = ROUNDS) -> float:
    """Median wall seconds of running ``command`` to completion (one warm-up run first)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=True, env=env)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure() -> dict[str, float]:
    """Median wall seconds of the baseline and of each measured command."""
    with tempfile.TemporaryDirectory() as folder:
        old, new = Path(folder) / "a.txt", Path(folder) / "b.txt"
        old.write_text(PLAN, encoding="utf-8")
        new.write_text(REPOST, encoding="utf-8")
        cli = [sys.executable, "-m", "policywatch"]
        return {
            "python -c pass": median_wall([sys.executable, "-c", "pass"]),
            "policywatch --help": median_wall([*cli, "--help"]),
            "policywatch diff a.txt b.txt": median_wall([*cli, "--db", str(Path(folder) / "none.db"), "diff",
                                                          str(old), str(new)]),
        }


def run() -> None:
    """Print each command's median wall time, its ratio to ``python -c pass`` and its target."""
    figures = measure()
    base = figures["python -c pass"]
    print(f"python -c pass: {base * 1000:.0f} ms (baseline)")
    for name, target in TARGETS.items():
        seconds = figures[name]
        verdict = "ok" if seconds <= target else "OVER"
        print(f"{name}: {seconds * 1000:.0f} ms = {seconds / base:.1f}x python -c pass"
              f" (target <= {target * 1000:.0f} ms: {verdict})")
