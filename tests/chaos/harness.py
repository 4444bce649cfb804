"""Drive real ``policywatch`` processes against the misbehaving site, and kill them.

A :class:`World` is one archive, its sources file (the site's feed and MIIT column,
``allow_private = true``, due every second so every restart crawls again) and a config
whose only channel is a webhook to the local :class:`~tests.chaos.receiver.Receiver`.
``run_once()`` starts ``policywatch run --once`` as a subprocess and, when asked,
SIGKILLs it after a given delay; its stderr goes to a log file kept for the secret grep.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.chaos import pages
from tests.support import processes

ROOT = Path(__file__).resolve().parents[2]
#: Bounded, fast crawl settings for a loopback site (politeness off via --fast).
CRAWL_SETTINGS = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.05",
                  "-s", "RETRY_BACKOFF_MAX=0.2", "-s", "DOWNLOAD_MAXSIZE=1500000", "-s", "ROBOTSTXT_OBEY=False")
#: A secret the config holds; it must never reach a log line or the archive.
WEBHOOK_SECRET = "chaos-signing-secret-5f1e9a7c"
HEADER_TOKEN = "Bearer chaos-header-token-0b7d2e44"


@dataclass
class RunOutcome:
    """One process: whether it was killed, its exit status, how long it lived."""

    killed: bool
    returncode: int | None
    seconds: float


class World:
    """An archive, a sources file and a config around one site and one receiver."""

    def __init__(self, directory: Path, *, feed_url: str, miit_url: str, hook_url: str | None) -> None:
        self.directory = directory
        self.db = directory / "chaos.db"
        self.log = directory / "policywatch.log"
        self.sources = directory / "sources.toml"
        self.config = directory / "policywatch.toml"
        #: How long the latest run that was not killed took: where the next kill is aimed.
        self.last_run_seconds = 0.0
        self.sources.write_text(_sources(feed_url, miit_url), encoding="utf-8")
        self.config.write_text(_config(hook_url), encoding="utf-8")
        self.track_plan()

    def track_plan(self) -> None:
        """Track the seed plan in the archive (what an analyst does first)."""
        from crawler.normalise import load
        from store.archive import Archive

        with Archive(self.db) as archive:
            archive.track_plan(pages.PLAN_NAME, load(str(pages.SEED_PLAN)))

    def command(self, *args: str) -> list[str]:
        """``python -m policywatch --db DB --config CFG ARGS…``."""
        return [sys.executable, "-m", "policywatch", "--db", str(self.db), "--config", str(self.config), *args]

    def run_once(self, *, kill_after: float | None = None, crash_at: tuple[str, int] | None = None,
                 timeout: float = 180) -> RunOutcome:
        """``policywatch run --once`` to completion, SIGKILLed after ``kill_after`` seconds, or
        killing itself at the ``crash_at = (target, nth)`` call (see tests.chaos.crashpoint)."""
        args = self.command("run", "--once", "--sources", str(self.sources), "--fast", *CRAWL_SETTINGS)
        if crash_at is not None:
            args = [sys.executable, "-m", "tests.chaos.crashpoint", crash_at[0], str(crash_at[1]), "--", *args[3:]]
        started = time.monotonic()
        with open(self.log, "ab") as log:
            process = processes.start(args, stdout=log, stderr=log, cwd=ROOT, env=_env())
            try:
                process.wait(timeout=kill_after if kill_after is not None else timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                if kill_after is None:
                    raise
        outcome = RunOutcome(process.returncode == -signal.SIGKILL, process.returncode, time.monotonic() - started)
        if not outcome.killed:
            self.last_run_seconds = outcome.seconds
        return outcome

    def kill_moment(self, rng: random.Random) -> float:
        """A seeded moment inside a run: between 10 % and 90 % of the latest run that completed.

        Later runs have less to do than earlier ones, so each completed run re-aims the next
        kill; aiming at a fixed window would let short runs finish before their kill.
        """
        return rng.uniform(0.1, 0.9) * self.last_run_seconds


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "POLICYWATCH_HOOK_SECRET": WEBHOOK_SECRET,
            "POLICYWATCH_HOOK_TOKEN": HEADER_TOKEN}


def _sources(feed_url: str, miit_url: str) -> str:
    return f"""
[[source]]
name = "chaos-feed"
kind = "feed"
url = "{feed_url}"
every = "1s"
recheck = "30d"
allow_private = true

[[source]]
name = "chaos-miit"
kind = "miit"
url = "{miit_url}"
every = "1s"
recheck = "30d"
max_pages = 1
allow_private = true
"""


def _config(hook_url: str | None) -> str:
    schedule = """
[schedule]
retry_base = "1s"
retry_max = "2s"
delivery_lease = "2s"
shutdown_grace = "2s"
"""
    if hook_url is None:
        return schedule
    return schedule + f"""
[[channel]]
name = "chaos-hook"
kind = "webhook"
url = "{hook_url}"
secret = "${{POLICYWATCH_HOOK_SECRET}}"
headers = {{ Authorization = "${{POLICYWATCH_HOOK_TOKEN}}" }}
timeout = "3s"
"""
