"""A page may not rewrite another page's history by claiming its canonical URL.

A WeChat page names its own address in ``msg_link`` (generic pages: ``rel=canonical``);
the archive keys documents by that canonical URL. A page fetched from one host that
claims the canonical URL of an article on another host would otherwise become a new
"version" of that article — a forged revision, and a false alert to analysts.
"""
from __future__ import annotations

from datetime import UTC, datetime

from crawler.ingest import Ingestor
from crawler.items import Page
from store.archive import Archive
from tests.chaos import pages

OFFICIAL = "https://mp.weixin.qq.com/s/official-notice"


def _page(url: str, paragraphs: tuple[str, ...]) -> Page:
    article = pages.Article("X1", "官方原文", paragraphs, True, datetime(2026, 1, 1, tzinfo=UTC))
    body = pages.wechat_article(article, OFFICIAL).encode()
    return Page(url=url, final_url=url, status=200, body=body, fetched_at="2026-01-02T00:00:00+00:00", source="s")


def test_the_same_host_may_update_its_own_article(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        ingestor = Ingestor(archive)
        first = ingestor.ingest_page(_page(OFFICIAL, ("工业互联网正文第一段。",)))
        second = ingestor.ingest_page(_page(OFFICIAL, ("工业互联网正文第一段，已修订。",)))
        assert (first.outcome, second.outcome) == ("new", "new_version")
        assert second.document_id == first.document_id


def test_a_page_from_another_host_cannot_add_a_version_to_an_article(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        ingestor = Ingestor(archive)
        official = ingestor.ingest_page(_page(OFFICIAL, ("工业互联网正文第一段。",)))
        forged = ingestor.ingest_page(_page("https://mirror.example.org/a/1", ("篡改后的正文。",)))
        history = archive.history(official.document_id)
    assert forged.document_id != official.document_id
    assert [v.body for v in history] == ["工业互联网正文第一段。"]
