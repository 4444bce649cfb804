"""A document's own change through the ingest path (no crawl): which changes alert, which do not."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.ingest import Ingestor
from crawler.normalise import finish
from store.archive import Archive
from store.model import Document

URL = "https://mp.weixin.qq.com/s/watched"
BODY = "一、到2028年，推动不少于50000家企业实施改造。\n\n二、各地要加强组织实施。"


def _doc(body: str = BODY, *, title: str = "算力解读", **fields: object) -> Document:
    return finish(Document(kind="wechat", url=URL, title=title, account="公众号", body=body, **fields))


def _gone(status: str, message: str = "") -> Document:
    return finish(Document(kind="wechat", url=URL, status=status, meta={"message": message} if message else {}))


@pytest.fixture
def archive(tmp_path: Path):
    with Archive(tmp_path / "a.db") as archive:
        yield archive


def _kinds(archive: Archive) -> list[tuple[str, str]]:
    return [(a.kind, a.priority) for a in reversed(archive.alerts(limit=100))]


def test_formatting_only_is_no_version_and_no_alert(archive):
    ingest = Ingestor(archive)
    reformatted = BODY.replace("，", ",").replace("一、", "一、 ")
    ingest.ingest_document(finish(_doc()))
    assert ingest.ingest_document(finish(_doc(reformatted))).outcome == "unchanged"
    # a text hashed without the normaliser's folding is a new version, but its diff is empty: no alert
    ingest.ingest_document(_doc(reformatted))
    assert archive.alerts() == []


def test_wording_is_normal_figures_and_added_clauses_are_high_and_the_title_is_named(archive):
    ingest = Ingestor(archive)
    ingest.ingest_document(_doc())
    ingest.ingest_document(_doc(BODY.replace("各地要加强", "各地要切实加强")))
    ingest.ingest_document(_doc(BODY.replace("各地要加强", "各地要切实加强") + "\n\n三、本通知自印发之日起施行。"))
    ingest.ingest_document(_doc(BODY.replace("各地要加强", "各地要切实加强") + "\n\n三、本通知自印发之日起施行。",
                                title="算力解读（更新）"))
    assert _kinds(archive) == [("revised", "normal"), ("revised", "high"), ("revised", "normal")]
    latest = archive.alerts(limit=1)[0].summary
    assert latest.title_change == {"old": "算力解读", "new": "算力解读（更新）"}
    assert (latest.from_version, latest.to_version) == (3, 4)


def test_a_provisional_feed_copy_upgraded_is_not_a_revision(archive):
    ingest = Ingestor(archive)
    ingest.ingest_document(_doc("公众号摘要：到2028年推动企业改造。", meta={"provisional": True}))
    upgraded = ingest.ingest_document(_doc())
    assert upgraded.outcome == "new_version" and archive.alerts() == []


def test_deleted_then_restored_alerts_twice_and_official_pages_are_high(archive):
    ingest = Ingestor(archive)
    ingest.ingest_document(_doc())
    ingest.ingest_document(_gone("deleted", "该内容已被发布者删除"))
    ingest.ingest_document(_gone("deleted", "该内容已被发布者删除"))
    ingest.ingest_document(_doc())
    assert _kinds(archive) == [("status", "normal"), ("status", "normal")]
    events = [(a.summary.status_from, a.summary.status_to) for a in reversed(archive.alerts())]
    assert events == [("ok", "deleted"), ("deleted", "ok")]
    official = "https://www.miit.gov.cn/zwgk/a.html"
    ingest.ingest_document(finish(Document(kind="miit", url=official, title="通知", body=BODY)))
    ingest.ingest_document(Document(kind="miit", url=official, status="unavailable"))
    assert archive.alerts(limit=1)[0].priority == "high"


def test_a_short_anti_bot_spell_is_silent_but_a_deletion_after_it_is_not(archive):
    ingest = Ingestor(archive, unreachable_after=3)
    ingest.ingest_document(_doc())
    ingest.ingest_document(_gone("unreachable", "环境异常"))
    ingest.ingest_document(_doc())
    assert archive.alerts() == [], "back before it persisted: nothing to say"
    ingest.ingest_document(_gone("unreachable", "环境异常"))
    ingest.ingest_document(_gone("deleted", "该内容已被发布者删除"))
    (alert,) = archive.alerts()
    assert (alert.summary.status_from, alert.summary.status_to) == ("ok", "deleted")
