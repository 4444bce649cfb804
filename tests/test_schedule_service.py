"""``policywatch run`` as a real subprocess: the real Scrapy crawl on the asyncio reactor,
against a loopback site, with a 1-second interval.

It runs; one source never runs twice at once (a page slower than the interval);
SIGTERM exits 0 within 10 s; a restart catches up with the run missed while it was
down; a second ``policywatch run`` on the same archive is refused.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from store.archive import Archive
from tests.support import processes
from tests.support.alerts import plan_page
from tests.support.site import Response, serve_site
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
PAGE = ("<html><head><meta charset='utf-8'><title>关于推进工业互联网的通知</title></head><body>"
        "<h1>关于推进工业互联网的通知</h1><p>到2028年，推动不少于50000家企业实施新型工业网络改造升级。</p>"
        "</body></html>")


SECRETS = {"WECOM_KEY": "wecom-key-must-not-leak-123", "SMTP_PASSWORD": "smtp-Password-must-not-leak"}


class SlowPage:
    """A page that takes ``delay`` seconds to answer and records how many requests overlap."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            time.sleep(self.delay)
            return Response(200, PAGE, content_type="text/html; charset=utf-8")
        finally:
            with self.lock:
                self.active -= 1


def _start(tmp_path, sources_file, log_name, env=None):
    log = open(tmp_path / log_name, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    command = [sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"), "--config",
               str(tmp_path / "policywatch.toml"), "run", "--sources", str(sources_file), "--fast"]
    process = processes.start(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, **(env or {})})
    return process, log


def _runs(tmp_path):
    if not (tmp_path / "pw.db").exists():
        return []
    with Archive(tmp_path / "pw.db") as archive:
        return sorted((r for r in archive.runs(limit=100) if r["source"] == "loop"), key=lambda r: r["started_at"])


def _an_hour_passes(tmp_path):
    """Time passes for a stopped service by moving its archive's last runs an hour back (no sleeping)."""
    def back(stamp):
        return (datetime.fromisoformat(stamp) - timedelta(hours=1)).isoformat(timespec="microseconds")

    conn = sqlite3.connect(tmp_path / "pw.db")
    with conn:
        for run_id, started, finished in conn.execute("SELECT id, started_at, finished_at FROM crawl_runs").fetchall():
            conn.execute("UPDATE crawl_runs SET started_at = ?, finished_at = ? WHERE id = ?",
                         (back(started), back(finished), run_id))
    conn.close()


def _stop(process, log):
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    try:
        status = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    return status, time.monotonic() - started


def test_run_service_end_to_end(tmp_path):
    (tmp_path / "policywatch.toml").write_text("[schedule]\nshutdown_grace = \"5s\"\n", encoding="utf-8")
    slow = SlowPage(delay=1.5)  # longer than the interval
    with serve_site({"/policy.html": slow}) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "loop"\nkind = "page"\nurl = "{site.url("/policy.html")}"\n'
                           'every = "1s"\nallow_private = true\n', encoding="utf-8")
        process, log = _start(tmp_path, sources, "first.log")
        try:
            assert wait_for(lambda: len([r for r in _runs(tmp_path) if r["finished_at"]]) >= 2, 40), \
                (tmp_path / "first.log").read_text()
            second = _start(tmp_path, sources, "second.log")[0]
            assert second.wait(timeout=30) == 2  # the archive is taken
        finally:
            status, seconds = _stop(process, log)
        first_log = (tmp_path / "first.log").read_text()
        assert status == 0, first_log
        assert seconds < 10
        assert "already using" in (tmp_path / "second.log").read_text()
        assert slow.max_active == 1  # never two fetches of the source at once
        runs = _runs(tmp_path)
        assert all(r["finished_at"] for r in runs)  # SIGTERM let the running crawl finish
        for earlier, later in zip(runs, runs[1:], strict=False):
            assert later["started_at"] >= earlier["finished_at"]
        assert "loop: crawl started" in first_log and "loop: crawl finished" in first_log
        assert "stopped" in first_log and "Traceback" not in first_log

        _an_hour_passes(tmp_path)  # the next run falls due while the service is down
        slow.delay = 0.2
        count = len(runs)
        started = time.monotonic()
        process, log = _start(tmp_path, sources, "restart.log")
        try:
            assert wait_for(lambda: len(_runs(tmp_path)) > count, 20)
            caught_up_after = time.monotonic() - started
        finally:
            status, _ = _stop(process, log)
    restart_log = (tmp_path / "restart.log").read_text()
    assert status == 0, restart_log
    assert "loop: missed while stopped" in restart_log
    assert caught_up_after < 15  # at start-up, not a full interval later


def test_changed_page_reaches_the_webhook_once(tmp_path):
    """The service end to end: a repost of the plan gives one alert, an unchanged re-fetch
    none, and the page's figure changing (50000 → 60000) one high-priority alert."""
    with serve_site({"/repost.html": plan_page()}) as site:
        site.route("/hook", "{}", content_type="application/json")
        (tmp_path / "policywatch.toml").write_text(
            f'[schedule]\ndelivery_every = "1s"\n[[channel]]\nname = "hook"\nkind = "webhook"\n'
            f'url = "{site.url("/hook")}"\n'
            '[[channel]]\nname = "dead-bot"\nkind = "wecom"\nurl = "http://127.0.0.1:9/send?key=${WECOM_KEY}"\n'
            '[[channel]]\nname = "dead-mail"\nkind = "email"\nurl = "smtp://127.0.0.1:9"\nfrom = "a@b.org"\n'
            'to = "c@d.org"\nusername = "pw"\npassword = "${SMTP_PASSWORD}"\n', encoding="utf-8")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "loop"\nkind = "page"\nurl = "{site.url("/repost.html")}"\n'
                           'every = "1s"\nallow_private = true\n', encoding="utf-8")
        tracked = processes.run([sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"), "track",
                                 str(ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"), "--name", "ai-plan"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert tracked.returncode == 0, tracked.stderr

        def hooks():
            return [json.loads(r.body) for r in site.requests if r.path == "/hook"]

        process, log = _start(tmp_path, sources, "service.log", env=SECRETS)
        try:
            assert wait_for(lambda: len(hooks()) == 1, 30), (tmp_path / "service.log").read_text()
            assert wait_for(lambda: len(_runs(tmp_path)) >= 3, 20)  # re-fetched, unchanged
            assert len(hooks()) == 1
            site.route("/repost.html", plan_page(figure="60000"))  # the page's own revision, and its plan alert
            assert wait_for(lambda: len(hooks()) == 3, 30), (tmp_path / "service.log").read_text()
        finally:
            status, _ = _stop(process, log)
    assert status == 0
    service_log = (tmp_path / "service.log").read_text()
    assert "dead-bot: alert 1 not delivered" in service_log and "dead-mail: alert 1 not delivered" in service_log
    for secret in SECRETS.values():
        assert secret not in service_log  # a failing channel's token and password never reach the log
    with Archive(tmp_path / "pw.db") as archive:
        stored = str([archive.alert(a.id).deliveries for a in archive.alerts()])
    assert "dead-bot" in stored and not any(secret in stored for secret in SECRETS.values())
    sent = [h["alerts"][0] for h in hooks()]
    (revised,) = [a for a in sent if a["kind"] == "revised"]
    assert "不少于50000家 → 不少于60000家" in revised["headline"]
    first, second = (a for a in sent if a["kind"] == "plan")
    assert first["relation"] in ("repost", "identical") and first["priority"] == "low"
    assert second["priority"] == "high" and second["relation"] in ("altered_repost", "revision")
    assert {"plan": "不少于50000家", "doc": "不少于60000家"}.items() <= second["summary"]["figures"][0].items()


def test_once_from_cron_crawls_what_is_due_delivers_and_exits(tmp_path):
    with serve_site({"/repost.html": plan_page(figure="70000")}) as site:
        site.route("/hook", "{}", content_type="application/json")
        (tmp_path / "policywatch.toml").write_text(
            f'[[channel]]\nname = "hook"\nkind = "webhook"\nurl = "{site.url("/hook")}"\n', encoding="utf-8")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "loop"\nkind = "page"\nurl = "{site.url("/repost.html")}"\n'
                           'every = "1h"\nallow_private = true\n', encoding="utf-8")
        base = [sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"),
                "--config", str(tmp_path / "policywatch.toml")]
        processes.run([*base, "track", str(ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"), "--name", "ai-plan"],
                      cwd=ROOT, check=True, capture_output=True, timeout=60)
        once = [*base, "run", "--once", "--sources", str(sources), "--fast"]
        first = processes.run(once, cwd=ROOT, capture_output=True, text=True, timeout=60)
        second = processes.run(once, cwd=ROOT, capture_output=True, text=True, timeout=60)
        page_fetches = site.hits("/repost.html")
        hooks = [json.loads(r.body) for r in site.requests if r.path == "/hook"]
    assert first.returncode == 0, first.stderr
    assert "done: 1 of 1 sources crawled (0 failed), 1 alert message(s) delivered" in first.stderr
    assert second.returncode == 0 and "not due yet: loop" in second.stderr
    assert page_fetches == 1  # the second run, within the hour, fetched nothing
    assert len(hooks) == 1 and hooks[0]["alerts"][0]["priority"] == "high"
