"""The one ingest path, in process: Page/Document → archive → comparisons with tracked plans → alert outbox."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from crawler.ingest import Ingestor
from crawler.items import Page
from crawler.normalise import load
from store.archive import Archive
from tests.support import processes
from tests.support.crawl import ROOT

SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_ID = "n7KDbwouzT893Fc-sFrtCg"


def repost(article_id: str, *, figure: str = "50000", lead: str | None = None) -> bytes:
    """The seed export as another account's repost: its own URL, optionally a changed figure or lead."""
    text = SEED_TEXT.replace(SEED_ID, article_id).replace("不少于50000家企业实施", f"不少于{figure}家企业实施")
    if lead is not None:
        text = text.replace("近日，工业和信息化部印发", f"{lead}近日，工业和信息化部印发", 1)
    return text.encode("utf-8")


def page(body: bytes, url: str, **meta) -> Page:
    return Page(url=url, final_url=url, status=200, body=body, fetched_at="2026-01-08T10:00:00+08:00",
                source="test", headers={"Content-Type": "text/plain; charset=utf-8"}, meta=meta)


@pytest.fixture
def archive(archive):
    """The shared empty archive, tracking the seed plan."""
    archive.track_plan("ai-plan", load(str(SEED)))
    return archive


def test_changed_plan_figure_is_a_high_priority_alert_with_the_figure_first(archive):
    url = "https://mp.weixin.qq.com/s/changedfigure000000001"
    result = Ingestor(archive).ingest_page(page(repost("changedfigure000000001", figure="60000"), url))
    assert result.outcome == "new" and result.error is None
    assert result.relations["ai-plan"] != "unrelated"
    assert result.alerts == 1
    [alert] = archive.alerts()
    assert alert.priority == "high"
    summary = alert.summary.to_dict()
    assert summary["figures"][0] == {"context": summary["figures"][0]["context"], "plan": "不少于50000家",
                                     "doc": "不少于60000家"}
    assert summary["url"] == url and summary["plan"] == "ai-plan" and summary["relation"] == result.relations["ai-plan"]
    [comparison] = archive.comparisons(version_id=result.version_id)
    assert comparison["relation"] == result.relations["ai-plan"]


def test_same_page_again_stores_and_alerts_nothing(archive):
    ingestor = Ingestor(archive)
    body = repost("again00000000000000001", figure="60000")
    first = ingestor.ingest_page(page(body, "https://mp.weixin.qq.com/s/again00000000000000001"))
    second = ingestor.ingest_page(page(body, "https://mp.weixin.qq.com/s/again00000000000000001"))
    assert (second.outcome, second.alerts, second.relations) == ("unchanged", 0, {})
    assert second.document_id == first.document_id
    assert len(archive.comparisons(document_id=first.document_id)) == 1
    assert len(archive.alerts()) == 1


def test_faithful_reposts_with_different_leads_share_one_alert(archive):
    ingestor = Ingestor(archive)
    results = [ingestor.ingest_page(page(repost(f"faithful{i:014d}", lead=f"第{i}个账号的按语。"),
                                         f"https://mp.weixin.qq.com/s/faithful{i:014d}")) for i in range(4)]
    assert len({r.document_id for r in results}) == 4
    assert sum(r.alerts for r in results) == 1, "one alert, the other reposts attached to it"
    [alert] = archive.alerts()
    grouped = archive.alert(alert.id).documents
    assert sorted(d["document_id"] for d in grouped) == sorted(r.document_id for r in results)


def test_unrelated_page_is_compared_but_not_alerted(archive):
    html = ("<html><head><title>工信部召开安全生产工作会议</title></head><body><h1>工信部召开安全生产工作会议</h1>"
            "<div class='content'><p>会议强调，要压实安全生产责任，防范化解重大风险。</p>"
            "<p>会议要求各单位认真排查隐患，确保行业安全稳定运行。</p></div></body></html>").encode()
    result = Ingestor(archive).ingest_page(page(html, "https://news.example.cn/2026/x.html"))
    assert result.outcome == "new" and result.relations == {"ai-plan": "unrelated"} and result.alerts == 0
    assert archive.alerts() == []
    assert archive.comparisons(version_id=result.version_id)[0]["relation"] == "unrelated"


def test_unreadable_page_is_an_error_and_stores_nothing(archive):
    result = Ingestor(archive).ingest_page(page(b"\x00\x01\x02binary", "https://x.example/a"))
    assert result.outcome == "error" and "https://x.example/a" in result.error
    assert archive.find_document("https://x.example/a") is None


def test_provisional_feed_copy_is_upgraded_by_the_real_article(archive):
    ingestor = Ingestor(archive)
    url = "https://mp.weixin.qq.com/s/" + SEED_ID
    feed = {"feed_title": "工信部印发《工业互联网和人工智能融合赋能行动方案》", "feed_summary": "行动方案摘要。",
            "feed_content": "", "feed_account": "赛博研究院", "feed_published": "2026-01-07T09:00:00+08:00"}
    provisional = Page(url=url, final_url=url, status=0, body=b"", fetched_at="2026-01-07T10:00:00+08:00",
                       source="feed", kind_hint="feed", meta={**feed, "provisional": True})
    first = ingestor.ingest_page(provisional)
    assert first.outcome == "new"
    stored = archive.get(first.document_id).version.to_dict()
    assert stored["meta"]["provisional"] is True and stored["body"] == "行动方案摘要。"
    real = ingestor.ingest_page(page(SEED_TEXT.encode(), url, **feed))
    assert real.outcome == "new_version" and real.document_id == first.document_id
    assert real.relations["ai-plan"] in ("identical", "repost")
    assert "provisional" not in archive.get(first.document_id).version.meta


def test_page_json_round_trip_for_the_cluster_coordinator(archive):
    original = page(repost("roundtrip0000000000001"), "https://mp.weixin.qq.com/s/roundtrip0000000000001")
    result = Ingestor(archive).ingest_page(Page.from_json(json.loads(json.dumps(original.to_json()))))
    assert result.outcome == "new" and result.relations["ai-plan"] in ("identical", "repost")


def test_policywatch_add_goes_through_ingest(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.track_plan("ai-plan", load(str(SEED)))
    changed = tmp_path / "changed.txt"
    changed.write_bytes(repost("addcommand000000000001", figure="60000"))
    run = [sys.executable, "-m", "policywatch", "--db", str(db), "add"]
    result = processes.run([*run, str(changed)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("new") and "ai-plan:" in result.stdout and "1 alert" in result.stdout
    missing = processes.run([*run, str(tmp_path / "nope.html"), str(changed)], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "nope.html" in missing.stderr
    assert missing.stdout.startswith("unchanged")
    with Archive(db) as archive:
        assert len(archive.alerts()) == 1


def test_import_rules_hold():
    """crawler imports store and diffing; never policywatch (docs/design.md)."""
    for path in (ROOT / "crawler").rglob("*.py"):
        text = Path(path).read_text(encoding="utf-8")
        assert "import policywatch" not in text and "from policywatch" not in text, path


VIOLATION = (ROOT / "tests" / "fixtures" / "real" / "wechat" / "wae_violation01.html").read_bytes()
FEED_META = {"feed_title": "被屏蔽的文章", "feed_summary": "订阅源里的摘要。", "feed_content": "",
             "feed_account": "某账号", "feed_published": "2026-01-07T09:00:00+08:00"}


def test_blocked_article_unknown_keeps_the_feed_copy_known_keeps_its_text(archive):
    ingestor = Ingestor(archive)
    url = "https://mp.weixin.qq.com/s/blockedarticle000000001"
    first = ingestor.ingest_page(page(VIOLATION, url, **FEED_META))
    assert first.outcome == "new" and first.provisional
    assert archive.get(first.document_id).version.body == "订阅源里的摘要。"
    real = ingestor.ingest_page(page(repost("blockedarticle000000001"), url, **FEED_META))
    assert real.outcome == "new_version" and not real.provisional
    again = ingestor.ingest_page(page(VIOLATION, url, **FEED_META))
    assert again.outcome == "status_changed" and again.document_id == first.document_id
    stored = archive.get(first.document_id)
    assert stored.status == "blocked" and "不少于50000家" in stored.version.body


def test_feed_copy_never_overwrites_a_real_article(archive):
    ingestor = Ingestor(archive)
    url = "https://mp.weixin.qq.com/s/realarticle0000000000001"
    real = ingestor.ingest_page(page(repost("realarticle0000000000001"), url))
    failed = Page(url=url, final_url=url, status=0, body=b"", fetched_at="2026-01-09T10:00:00+08:00", source="feed",
                  kind_hint="feed", meta={**FEED_META, "provisional": True})
    result = ingestor.ingest_page(failed)
    assert result.outcome == "unchanged" and result.document_id == real.document_id
    assert len(archive.history(real.document_id)) == 1


def test_feed_item_with_nothing_to_keep_is_an_error_not_a_crash(archive):
    url = "https://mp.weixin.qq.com/s/emptyitem0000000000001"
    empty = {**FEED_META, "feed_title": "", "feed_summary": ""}
    failed = Page(url=url, final_url=url, status=0, body=b"", fetched_at="2026-01-09T10:00:00+08:00", source="feed",
                  kind_hint="feed", meta={**empty, "provisional": True})
    assert Ingestor(archive).ingest_page(failed).outcome == "error"
    unreadable = Ingestor(archive).ingest_page(page(b"\x00\x01binary", url, **empty))
    assert unreadable.outcome == "error" and url in unreadable.error
    assert archive.find_document(url) is None
