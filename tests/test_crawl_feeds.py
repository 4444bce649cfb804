"""Real crawls of WeChat-style feeds on a loopback site: quirks, follow hosts, provisional documents,
deleted articles, conditional requests and a feed that changes between crawls.

Pages served are real saved WeChat pages (provenance: tests/fixtures/real/MANIFEST.md).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support import Response, serve_site
from tests.support.crawl import crawl_counts, write_sources

SITES = Path(__file__).parent / "fixtures" / "real"
SUIDE = (SITES / "wechat" / "magichtml_suide_tuiyijunren_2022.html").read_bytes()
JIAGOU = (SITES / "wechat" / "goscraper_jiagoushi_2018.html").read_bytes()
DELETED = (SITES / "wechat" / "wae_deleted01.html").read_bytes()
#: Another article: the 2018 page under a different canonical link (its own sn).
OTHER = JIAGOU.replace(b"595842fb2dc75aa505f544b956f2d65c", b"0123456789abcdef0123456789abcdef").replace(
    "动静分离".encode(), "前后分离".encode())


def item(title: str, link: str, *, summary: str = "", author: str = "赛博研究院",
         date: str = "2026-04-23T13:46:36") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><author>{author}</author>"
            f"<description>{summary}</description><pubDate>{date}</pubDate></item>")


def rss(*items: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>洞见微信聚合</title>'
            f'<link>https://wechat.doonsec.com/</link>{"".join(items)}</channel></rss>')


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def etag_feed(state: dict):
    """A feed honouring If-None-Match; ``state["body"]`` / ``state["etag"]`` may change between crawls."""
    def serve(request):
        if request.headers.get("If-None-Match") == state["etag"]:
            return Response(304, b"", headers={"ETag": state["etag"]})
        return Response(200, state["body"], headers={"ETag": state["etag"]}, content_type="application/rss+xml")
    return serve


@pytest.fixture
def feed_site():
    with serve_site() as site:
        base = site.base_url
        state = {"etag": '"v1"', "body": rss(
            item("绥德：33名退役军人被表彰", f"{base}/s/suide?chksm=ab12&scene=21#rd",
                 summary=r"表彰大会\x26amp;座谈会\x0a第二行"),
            item("一分钟了解互联网动静分离架构", f"{base}/s/jiagou#wechat_redirect"),
            item("被删除的文章", f"{base}/s/gone"),
            item("暂时打不开的文章", f"{base}/s/broken", summary="工信部印发行动方案，摘要在此。"),
            item("外站文章", "http://localhost:1/elsewhere", summary="只在订阅源里的摘要"),
            item("外站仅标题", "http://localhost:1/title-only"),
        )}
        site.route("/rss.xml", etag_feed(state))
        site.route("/s/suide", SUIDE)
        site.route("/s/jiagou", JIAGOU)
        site.route("/s/gone", OTHER)
        site.route("/s/broken", "oops", status=500, content_type="text/plain")
        site.state = state
        yield site


def sources(tmp_path, site, **extra):
    return write_sources(tmp_path, [{"name": "wechat-test", "kind": "feed", "url": site.url("/rss.xml"),
                                     "allow_private": True, **extra}])


def test_feed_articles_are_fetched_cleaned_and_kept(tmp_path, feed_site):
    db = tmp_path / "a.db"
    counts = crawl_counts(sources(tmp_path, feed_site), db)
    assert counts["new"] == 5, counts
    docs = {url: (title, account, meta) for url, title, account, meta in rows(
        db, "SELECT d.url, v.title, v.account, v.meta FROM documents d JOIN versions v ON v.id = d.latest_version_id")}
    base = feed_site.base_url
    # tracking parameters and fragments are gone: one document per article
    assert f"{base}/s/suide" in docs and f"{base}/s/jiagou" in docs
    assert docs[f"{base}/s/suide"][0] == "绥德：33名退役军人被表彰"
    assert docs[f"{base}/s/suide"][1] == "掌上绥德"
    # the article that answers 500 is kept from the feed, marked provisional
    title, account, meta = docs[f"{base}/s/broken"]
    assert title == "暂时打不开的文章" and account == "赛博研究院" and '"provisional": true' in meta
    # an item outside the follow hosts is kept from its summary but never fetched; a title-only one is dropped
    assert '"provisional": true' in docs["http://localhost:1/elsewhere"][2]
    assert "http://localhost:1/title-only" not in docs
    assert feed_site.hits("/elsewhere") == 0
    [(body,)] = rows(db, "SELECT v.body FROM versions v JOIN documents d ON d.id = v.document_id WHERE d.url = ?",
                     f"{base}/s/broken")
    assert body == "工信部印发行动方案，摘要在此。"


def test_unchanged_feed_answers_304_and_nothing_is_stored(tmp_path, feed_site):
    db = tmp_path / "a.db"
    src = sources(tmp_path, feed_site)
    crawl_counts(src, db)
    feed_site.route("/s/broken", SUIDE.replace(b"33", b"34"))  # now reachable: upgraded on the next full read
    versions = rows(db, "SELECT count(*) FROM versions")[0][0]
    feed_site.reset_hits()
    counts = crawl_counts(src, db)
    # the broken article made the crawler forget the feed's ETag → full read, only the provisional one re-fetched
    assert counts["changed"] == 1 and counts["new"] == 0, counts
    assert feed_site.hits("/s/suide") == 0 and feed_site.hits("/s/broken") == 1
    assert rows(db, "SELECT count(*) FROM versions")[0][0] == versions + 1
    [(meta,)] = rows(db, "SELECT v.meta FROM versions v JOIN documents d ON d.latest_version_id = v.id "
                         "WHERE d.url = ?", feed_site.url("/s/broken"))
    assert "provisional" not in meta
    feed_site.reset_hits()
    counts = crawl_counts(src, db)
    assert counts["not_modified"] == 1 and counts["pages"] == 1, counts
    assert (counts["new"], counts["changed"], counts["alerts"]) == (0, 0, 0)
    assert rows(db, "SELECT count(*) FROM versions")[0][0] == versions + 1


def test_feed_that_changes_between_crawls(tmp_path, feed_site):
    db = tmp_path / "a.db"
    src = sources(tmp_path, feed_site)
    crawl_counts(src, db)
    fresh = SUIDE.replace(b"d625de357b53f96d710aca4e6ec7f57c", b"fedcba9876543210fedcba9876543210")
    feed_site.route("/s/new", fresh.replace("表彰".encode(), "嘉奖".encode()))
    feed_site.state.update(etag='"v2"', body=rss(item("新文章", f"{feed_site.base_url}/s/new?scene=1"),
                                                 item("绥德：33名退役军人被表彰", f"{feed_site.base_url}/s/suide")))
    feed_site.reset_hits()
    counts = crawl_counts(src, db)
    assert counts["new"] == 1 and counts["changed"] == 0, counts
    assert feed_site.hits("/s/new") == 1 and feed_site.hits("/s/suide") == 0


def test_deleted_article_is_a_status_change_keeping_the_last_text(tmp_path, feed_site):
    db = tmp_path / "a.db"
    src = sources(tmp_path, feed_site, recheck="0s")
    crawl_counts(src, db)
    feed_site.route("/s/gone", DELETED)
    counts = crawl_counts(src, db)
    assert counts["status_changed"] == 1, counts
    [(doc_id, status, versions)] = rows(db, "SELECT id, status, version_count FROM documents WHERE url = ?",
                                        feed_site.url("/s/gone"))
    assert status == "deleted" and versions == 1
    [(body,)] = rows(db, "SELECT body FROM versions WHERE document_id = ?", doc_id)
    assert "前后分离" in body
    assert rows(db, "SELECT new_status FROM document_events WHERE document_id = ?", doc_id)[-1] == ("deleted",)


def test_real_title_only_feed_from_an_unfollowed_host_stores_nothing(tmp_path):
    with serve_site({"/feed.xml": (SITES / "feeds" / "wechatfeeds_gongxinweibao_MjM5OTUwMTc2OA.xml").read_bytes()}) as site:
        src = write_sources(tmp_path, [{"name": "gxwb", "kind": "feed", "url": site.url("/feed.xml"),
                                        "allow_private": True}])
        counts = crawl_counts(src, tmp_path / "a.db")
        assert counts["new"] == 0 and counts["errors"] == 0 and counts["pages"] == 1


def test_blocked_article_is_kept_provisionally_and_retried_next_crawl(tmp_path):
    violation = (SITES / "wechat" / "wae_violation01.html").read_bytes()
    with serve_site() as site:
        state = {"etag": '"v1"', "body": rss(item("暂被拦截的文章", f"{site.base_url}/s/held",
                                                  summary="订阅源里的摘要"))}
        site.route("/rss.xml", etag_feed(state))
        site.route("/s/held", violation)
        db = tmp_path / "a.db"
        src = sources(tmp_path, site)
        first = crawl_counts(src, db)
        assert first["new"] == 1
        [(meta,)] = rows(db, "SELECT v.meta FROM versions v")
        assert '"provisional": true' in meta
        site.route("/s/held", SUIDE)
        second = crawl_counts(src, db)
        assert second["changed"] == 1 and second["not_modified"] == 0, second
        assert [r.headers.get("If-None-Match") for r in site.requests if r.path == "/rss.xml"] == [None, None]
        third = crawl_counts(src, db)
        assert third["not_modified"] == 1, third
