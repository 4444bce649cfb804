"""Run real crawls in a subprocess (a Twisted reactor cannot restart inside one pytest process).

    write_sources(tmp_path, [{"name": "t", "kind": "miit", "url": site.url(...), "allow_private": True}])
    result = run_crawl(tmp_path / "sources.toml", tmp_path / "a.db", "--fast")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support import processes

ROOT = Path(__file__).resolve().parents[2]
#: Fast, still bounded settings for loopback test sites.
TEST_SETTINGS = ("-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.05")


def write_sources(directory: Path, sources: list[dict[str, Any]], name: str = "sources.toml") -> Path:
    """Write a sources.toml with one [[source]] table per dict (strings, bools, ints, lists)."""
    lines = []
    for source in sources:
        lines.append("[[source]]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" if not isinstance(value, bool)
                  else f"{key} = {'true' if value else 'false'}" for key, value in source.items()]
        lines.append("")
    path = directory / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def crawl_command(sources: Path, db: Path, *args: str, fast: bool = True, fmt: str = "json") -> list[str]:
    """``python -m policywatch --db DB crawl --sources FILE --format json --fast TEST_SETTINGS ARGS…``.

    ``fast=False`` keeps the real politeness settings (delays, one request per host at a time).
    """
    return [sys.executable, "-m", "policywatch", "--db", str(db), "crawl", "--sources", str(sources),
            "--format", fmt, *(["--fast"] if fast else []), *TEST_SETTINGS, *args]


def run_crawl(sources: Path, db: Path, *args: str, timeout: float = 120, fast: bool = True,
              fmt: str = "json") -> subprocess.CompletedProcess:
    """Run :func:`crawl_command` to completion in its own process, output captured."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return processes.run(crawl_command(sources, db, *args, fast=fast, fmt=fmt), capture_output=True, text=True,
                         timeout=timeout, cwd=ROOT, env=env)


def crawl_counts(sources: Path, db: Path, *args: str, fast: bool = True) -> dict[str, Any]:
    """Run a crawl that must succeed and return its JSON counts."""
    result = run_crawl(sources, db, *args, fast=fast)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
