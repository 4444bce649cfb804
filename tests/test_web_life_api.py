"""A policy's life over the JSON API: /api/plans/{id}/timeline and /api/consultations, as the CLI prints them."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crawler.ingest import Ingestor
from crawler.lifecycle import today
from crawler.normalise import finish
from policywatch.cli import group
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document
from tests.support.plans import BODY, NAME, miit


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> Path:
    """A draft with an open deadline, its final (a plan by itself), a repost with a changed figure, another draft."""
    path = tmp_path_factory.mktemp("lifeapi") / "a.db"
    soon = today() + timedelta(days=10)
    with Archive(path) as archive:
        ingest = Ingestor(archive).ingest_document
        ingest(miit("d", f"关于公开征求《{NAME}（征求意见稿）》意见的通知",
                    f"现将《{NAME}（征求意见稿）》向社会公开征求意见。意见反馈截止时间：2026年1月20日。\n\n{BODY}",
                    "2026-01-05"))
        ingest(miit("f", f"关于印发《{NAME}》的通知", BODY, "2026-03-01"))
        ingest(finish(Document(kind="wechat", url="https://mp.weixin.qq.com/s/copy", account="工信微报",
                        title=f"转发：{NAME}<script>", body=BODY.replace("5000家", "6000家"),
                        published_at="2026-03-02")))
        other = "数据中心绿色低碳发展专项行动计划"
        ingest(miit("o", f"关于公开征求《{other}（征求意见稿）》意见的通知",
                    f"现将《{other}（征求意见稿）》公开征求意见。意见反馈截止时间：{soon.year}年{soon.month}月{soon.day}日。"
                    "\n\n一、总体要求\n\n到2030年，数据中心电能利用效率降至1.25以下。", today().isoformat()))
    return path


def cli_json(path: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(group, ["--db", str(path), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_timeline_api_gives_what_the_cli_gives(archive_path: Path) -> None:
    with Archive(archive_path) as archive:
        plan = archive.plan(NAME)
    assert plan is not None
    with TestClient(create_app(archive_path)) as client:
        events = client.get(f"/api/plans/{plan['id']}/timeline").json()
        missing = client.get("/api/plans/999/timeline")
    assert [e["event"] for e in events][:2] == ["draft", "final"]
    copy = events[2]
    assert copy["event"] in ("altered_repost", "revision")  # a copy with a changed target, never an implementation
    assert copy["title"] == f"转发：{NAME}<script>" and copy["latency_hours"] is not None
    assert any("6000家" in json.dumps(f, ensure_ascii=False) for f in copy["figures"])
    cli = cli_json(archive_path, "timeline", NAME)
    assert [{k: e[k] for k in cli[0]} for e in events] == cli
    assert missing.status_code == 404 and missing.json()["error"] == "no plan 999"


def test_the_consultations_api_counts_days_from_today_in_china(archive_path: Path) -> None:
    with TestClient(create_app(archive_path)) as client:
        every = client.get("/api/consultations").json()
        still_open = client.get("/api/consultations", params={"open": "true"}).json()
        bad = client.get("/api/consultations", params={"open": "maybe"})
    assert len(every) == 2 and [row["days_left"] for row in still_open] == [10]
    finished = next(row for row in every if row["final_document_id"])
    assert finished["deadline"] == "2026-01-20" and finished["url"].endswith("/d.html")
    cli = cli_json(archive_path, "consultations")
    assert [{k: row[k] for k in cli[0]} for row in every] == cli
    assert bad.status_code == 400
