"""One clock on screen: stored UTC, shown in one labelled zone (Asia/Shanghai unless [display] timezone)."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crawler.normalise import finish
from policywatch.cli import group
from policywatch.clock import shown
from policywatch.config import ConfigError, parse_config
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document

STORED = "2026-03-02T11:26:00+00:00"


def test_shown_converts_and_labels() -> None:
    assert shown(STORED) == "2026-03-02 19:26 +08:00"
    assert shown("2026-03-02T11:26:00") == "2026-03-02 19:26 +08:00"  # naive means UTC, as stored
    assert shown("2026-03-02T19:26:00+08:00", "UTC") == "2026-03-02 11:26 +00:00"
    assert shown(STORED, "America/New_York") == "2026-03-02 06:26 -05:00"
    assert shown("2026-01-07") == "2026-01-07" and shown(None) == "–" and shown("soon") == "soon"


def test_display_timezone_setting() -> None:
    assert parse_config({}).display_timezone == "Asia/Shanghai"
    assert parse_config({"display": {"timezone": "Europe/Berlin"}}).display_timezone == "Europe/Berlin"
    with pytest.raises(ConfigError, match=r"\[display\] timezone: unknown time zone 'Mars/Base'"):
        parse_config({"display": {"timezone": "Mars/Base"}})
    with pytest.raises(ConfigError, match=r"\[display\]"):
        parse_config({"display": {"zone": "UTC"}})


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """An archive with one document whose times are set to STORED, and one alert."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        plan = archive.track_plan("方案", finish(Document(kind="export", url="file:plan", title="方案", body="算力。")))
        saved = archive.save(Document(kind="miit", url="https://www.miit.gov.cn/a", title="关于算力的通知",
                                      published_at=STORED, source="miit", body="算力。", content_hash="a"))
        comparison = archive.save_comparison(saved.version_id, plan.plan_version_id, {"relation": "revision"})
        archive.enqueue_alert(group_key="g1", priority="high", plan_id=plan.plan_id, document_id=saved.document_id,
                              version_id=saved.version_id, comparison_id=comparison, relation="revision",
                              title="关于算力的通知", summary={"title": "关于算力的通知"})
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE documents SET first_seen = ?, last_seen = ?", (STORED, STORED))
        conn.execute("UPDATE versions SET fetched_at = ?, created_at = ?", (STORED, STORED))
        conn.execute("UPDATE alerts SET created_at = ?", (STORED,))
    conn.close()
    return path


def test_cli_shows_the_display_zone(archive_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    show = runner.invoke(group, ["--db", str(archive_path), "show", "1"])
    assert "published:   2026-03-02 19:26 +08:00" in show.stdout and "first seen 2026-03-02 19:26 +08:00" in show.stdout
    history = runner.invoke(group, ["--db", str(archive_path), "history", "1"])
    assert "2026-03-02 19:26 +08:00" in history.stdout and "11:26" not in history.stdout
    alerts = runner.invoke(group, ["--db", str(archive_path), "alerts", "list"])
    assert alerts.exit_code == 0, alerts.output
    assert "2026-03-02 19:26 +08:00" in alerts.stdout
    config = tmp_path / "policywatch.toml"
    config.write_text('[display]\ntimezone = "UTC"\n', encoding="utf-8")
    alerts = runner.invoke(group, ["--db", str(archive_path), "--config", str(config), "alerts", "list"])
    assert "2026-03-02 11:26 +00:00" in alerts.stdout
    show = runner.invoke(group, ["--db", str(archive_path), "--config", str(config), "show", "1"])
    assert "published:   2026-03-02 11:26 +00:00" in show.stdout


def test_pages_and_feed_use_the_same_zone(archive_path: Path) -> None:
    with TestClient(create_app(archive_path)) as client:
        page = client.get("/documents/1").text
        assert "2026-03-02 19:26 +08:00" in page and "Times are Asia/Shanghai (UTC+08:00)" in page
        inbox = client.get("/").text
        assert "2026-03-02 19:26 +08:00" in inbox
        feed = client.get("/alerts.atom").text
        assert "<updated>2026-03-02T19:26:00+08:00</updated>" in feed
    with TestClient(create_app(archive_path, timezone="UTC")) as client:
        page = client.get("/documents/1").text
        assert "2026-03-02 11:26 +00:00" in page and not re.search(r"19:26", page)
