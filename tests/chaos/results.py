"""Figures the chaos tests measured, kept as JSON for ``python -m benchmarks.reliability_report``.

Each scenario writes ``<results dir>/<scenario>-<variant>.json`` (variant ``short`` in
``make test``, ``long`` in ``make chaos``); the report reads the newest of each. The
directory is ``.chaos-results/`` at the repository root, or ``POLICYWATCH_CHAOS_RESULTS``.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def results_dir() -> Path:
    """Where the figures go (created on demand)."""
    path = Path(os.environ.get("POLICYWATCH_CHAOS_RESULTS") or ROOT / ".chaos-results")
    path.mkdir(parents=True, exist_ok=True)
    return path


def record(scenario: str, variant: str, figures: dict[str, Any]) -> Path:
    """Write one scenario's figures atomically (a concurrent reader never sees half a file)."""
    path = results_dir() / f"{scenario}-{variant}.json"
    data = {"scenario": scenario, "variant": variant, "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                 time.gmtime()), **figures}
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    partial.replace(path)
    return path
