"""Crawl health: real crawls of a loopback site that breaks and recovers, seen in `sources`, the page and alerts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from policywatch.cli import group
from policywatch.web import create_app
from store.archive import Archive
from store.health import FAILING_AFTER, outcome, streak
from tests.support import serve_site
from tests.support.crawl import run_crawl, write_sources

PAGE = ("<html><head><title>工业和信息化部通知</title></head><body><h1>工业和信息化部通知</h1><div id=content>"
        "<p>为深入贯彻落实党中央、国务院决策部署，加快推进新型工业化，现就有关工作通知如下。</p></div></body></html>")


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def health(db: Path) -> dict:
    code, out, err = cli(db, "sources", "--format", "json")
    assert code == 0, err
    return {row["source"]: row for row in json.loads(out)}


def alert_kinds(db: Path) -> list[str]:
    with Archive(db) as archive:
        return [a.kind for a in reversed(archive.alerts(limit=100))]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    """A source crawled once fine, FAILING_AFTER times while its server answers 500, then fine again."""
    folder = tmp_path_factory.mktemp("health")
    db = folder / "a.db"
    with serve_site({"/notice": PAGE}) as site:
        sources = write_sources(folder, [{"name": "watched", "kind": "page", "url": site.url("/notice"),
                                          "allow_private": True, "every": "2h"}])
        assert run_crawl(sources, db).returncode == 0
        site.route("/notice", "server error", status=500)
        for _ in range(FAILING_AFTER):
            assert run_crawl(sources, db).returncode == 1
        (folder / "failing.json").write_text(json.dumps(health(db)), encoding="utf-8")
        (folder / "failing-kinds.json").write_text(json.dumps(alert_kinds(db)), encoding="utf-8")
        site.route("/notice", PAGE)
        assert run_crawl(sources, db).returncode == 0
    return db


def test_failing_source_is_marked_and_alerted_once(crawled: Path) -> None:
    row = json.loads((crawled.parent / "failing.json").read_text(encoding="utf-8"))["watched"]
    assert row["failing"] is True and row["failing_runs"] == FAILING_AFTER and row["outcome"] == "failed"
    assert row["errors"] >= 1 and "500" in (row["last_error"] or "")
    assert row["documents"] == 1  # what the source held before it broke is still there
    kinds = json.loads((crawled.parent / "failing-kinds.json").read_text(encoding="utf-8"))
    assert kinds.count("source_failing") == 1


def test_recovery_is_reported_and_alerted(crawled: Path) -> None:
    row = health(crawled)["watched"]
    assert row["failing"] is False and row["outcome"] == "ok" and row["pages"] >= 1
    assert row["last_started"] <= row["last_finished"] < row["next_due"]
    assert alert_kinds(crawled).count("source_failing") == 1 and alert_kinds(crawled)[-1] == "source_recovered"
    code, out, _ = cli(crawled, "alerts", "list", "--kind", "source_recovered")
    assert code == 0 and "watched: crawling works again" in out


def test_sources_text_and_page(crawled: Path) -> None:
    code, out, _ = cli(crawled, "sources")
    assert code == 0 and out.startswith("watched") and "1 documents held" in out and "+08:00" in out
    with TestClient(create_app(crawled)) as client:
        page = client.get("/sources").text
        assert 'data-source="watched"' in page and "not modified" not in page
        api = client.get("/api/sources").json()
        assert [r["source"] for r in api] == ["watched"] and api[0]["failing"] is False
        inbox = client.get("/").text
        assert "watched: crawling works again" in inbox


def test_streak_rules() -> None:
    done = {"finished_at": "t", "counts": {"pages": 3}, "error_count": 0, "status": "finished"}
    broken = {"finished_at": "t", "counts": {"pages": 1}, "error_count": 1, "status": "finished"}
    died = {"finished_at": None, "counts": {}, "error_count": 0, "status": "running"}
    assert outcome(done, latest=True) == "ok" and outcome(broken, latest=True) == "failed"
    assert outcome({**broken, "counts": {"pages": 5}}, latest=True) == "errors"
    assert outcome(died, latest=True) == "running" and outcome(died, latest=False) == "interrupted"
    assert streak([died, broken, died, broken, done, broken]) == 3  # the running one is skipped
