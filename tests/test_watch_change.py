"""Watching change itself, end to end: real Scrapy crawls of loopback sites, a real archive,
real SMTP (aiosmtpd) and webhook receivers.

- an MIIT article whose figure changes between two crawls gives exactly one ``revised``
  alert naming old and new figure, delivered on every channel; a third crawl gives none;
- a WeChat article turning into the deleted template gives one ``status`` alert; one behind
  the anti-bot page gives none until it persists for ``unreachable_after`` checks.
"""
from __future__ import annotations

import email
import json
import sqlite3
from collections.abc import Iterator
from email import policy
from pathlib import Path

from policywatch.alerts import deliver
from policywatch.channels import build_channels
from policywatch.config import parse_config
from store.archive import Archive
from tests.support import serve_site
from tests.support.alerts import receiver
from tests.support.crawl import crawl_counts, write_sources
from tests.support.miit import Article, MiitSite
from tests.support.site import Response

REVISED_TITLE = "关于推进工业互联网平台建设的通知"
WECHAT_PATH = "/s/watched-article"
FEED_PATH = "/feed.xml"


def _article(figure: str) -> Article:
    return Article("0" * 31 + "1", REVISED_TITLE, "2026-03-02",
                   ["为加快工业互联网发展，现将有关事项通知如下。",
                    f"一、到2028年，推动不少于{figure}家企业实施新型工业网络改造升级。",
                    "二、各地要加强组织实施，确保各项任务落到实处。"])


def _alerts(db: Path, kind: str | None = None) -> list[dict]:
    with Archive(db) as archive:
        return archive.alerts(kind=kind, limit=100)


def _channels_config(tmp_path: Path, smtp_port: int, hooks: dict[str, str]) -> dict:
    channels = [{"name": "mail", "kind": "email", "url": f"smtp://127.0.0.1:{smtp_port}",
                 "from": "pw@example.org", "to": "analyst@example.org"},
                {"name": "atom", "kind": "atom", "path": str(tmp_path / "alerts.atom")}]
    channels += [{"name": kind, "kind": kind, "url": url} for kind, url in hooks.items()]
    return {"web": {"base_url": "https://pw.example.org"}, "channel": channels}


def test_a_changed_figure_gives_one_revised_alert_on_every_channel(tmp_path, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    db = tmp_path / "a.db"
    with serve_site() as site:
        column = MiitSite(site, [_article("50000")])
        sources = write_sources(tmp_path, [{"name": "miit-test", "kind": "miit", "url": column.url,
                                            "allow_private": True, "recheck": "0s"}])
        first = crawl_counts(sources, db)
        assert first["new"] == 1 and first["alerts"] == 0, first
        column.articles = [_article("60000")]
        column.mount_articles()
        second = crawl_counts(sources, db)
        assert second["changed"] == 1 and second["alerts"] == 1, second
        third = crawl_counts(sources, db)
        assert (third["changed"], third["alerts"]) == (0, 0), third
    (alert,) = _alerts(db)
    assert alert.kind == "revised" and alert.priority == "high"
    summary = alert.summary
    assert any(f["old"].endswith("50000家") or f["old"] == "50000" for f in summary.figures), summary
    assert any("60000" in f["new"] for f in summary.figures)
    assert summary.title_change is None and summary.changes[0]["kind"] == "changed"

    hooks = {}
    with receiver() as wecom, receiver() as dingtalk, receiver() as feishu, receiver() as webhook:
        hooks = {"wecom": wecom.url, "dingtalk": dingtalk.url, "feishu": feishu.url, "webhook": webhook.url}
        config = parse_config(_channels_config(tmp_path, controller.port, hooks))
        channels = build_channels(config)
        with Archive(db) as archive:
            report = deliver(archive, config, channels)
            assert report.sent == len(channels) and report.failed == 0, [c.line() for c in report.channels]
            again = deliver(archive, config, channels)
            assert again.sent == 0
        for channel in channels:
            channel.close()
        texts = {
            "wecom": wecom.bodies()[0]["markdown"]["content"],
            "dingtalk": dingtalk.bodies()[0]["markdown"]["text"],
            "feishu": json.dumps(feishu.bodies()[0], ensure_ascii=False),
            "webhook": json.dumps(webhook.bodies()[0], ensure_ascii=False),
        }
        assert webhook.bodies()[0]["alerts"][0]["kind"] == "revised"
    (_, _, raw), = inbox.messages
    mail = email.message_from_bytes(raw, policy=policy.default)
    texts["mail"] = str(mail["Subject"]) + mail.get_body(("plain",)).get_content()
    texts["atom"] = (tmp_path / "alerts.atom").read_text(encoding="utf-8")
    for name, text in texts.items():
        assert "修订" in text and "50000" in text and "60000" in text, (name, text[:400])
    assert str(mail["Subject"]).index("60000") < str(mail["Subject"]).index(REVISED_TITLE)


def _wechat_article(figure: str = "50000") -> str:
    return (f"<html><head><meta charset='utf-8'><meta property='og:title' content='算力行动解读'>"
            f"<link rel='canonical' href='https://mp.weixin.qq.com{WECHAT_PATH}'></head><body>"
            "<div id='js_content'><h1 class='rich_media_title' id='activity-name'>算力行动解读</h1>"
            f"<p>到2028年，推动不少于{figure}家企业实施新型工业网络改造升级。</p>"
            "<p>各地要加强组织实施，确保各项任务落到实处。</p></div></body></html>")


def _status_page(message: str) -> str:
    """WeChat's own error template (its script host marks the page as WeChat's, as on the real site)."""
    return (f"<html><head><meta charset='utf-8'><script src='https://res.wx.qq.com/mmbizwap/zh_CN/htmledition/js/"
            f"appmsg.js'></script></head><body><div class='weui-msg'><div class='weui-msg__title'>"
            f"{message}</div></div></body></html>")


def _feed(url: str) -> str:
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>公众号</title>"
            f"<item><title>算力行动解读</title><link>{url}</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0800</pubDate>"
            "</item></channel></rss>")


def _wechat_crawls(tmp_path: Path, pages: list[str], *extra: str) -> Iterator[tuple[Path, dict]]:
    """Crawl a feed linking one article once per page body in ``pages``: (archive, counts) after each crawl."""
    db = tmp_path / "w.db"
    with serve_site() as site:
        article_url = site.url(WECHAT_PATH)
        site.route(FEED_PATH, _feed(article_url), content_type="application/rss+xml")
        sources = write_sources(tmp_path, [{"name": "wechat-test", "kind": "feed", "url": site.url(FEED_PATH),
                                            "allow_private": True, "recheck": "0s"}])
        for body in pages:
            site.route(WECHAT_PATH, body, content_type="text/html; charset=utf-8")
            yield db, crawl_counts(sources, db, *extra)


def test_a_deleted_wechat_article_gives_one_status_alert(tmp_path):
    deleted = _status_page("该内容已被发布者删除")
    (db, first), *_ = list(_wechat_crawls(tmp_path, [_wechat_article(), deleted, deleted]))
    assert first["new"] == 1
    (alert,) = _alerts(db, "status")
    assert alert.priority == "normal"  # a WeChat repost disappearing
    summary = alert.summary
    assert (summary.status_from, summary.status_to) == ("ok", "deleted")
    assert "不少于50000家" in (summary.last_text or "")
    assert len(_alerts(db)) == 1


def test_the_anti_bot_page_alerts_only_once_it_persists(tmp_path):
    verify = _status_page("环境异常</div><div class='weui-msg__desc'>完成验证后即可继续访问")
    crawls = _wechat_crawls(tmp_path, [_wechat_article(), verify, verify, verify, verify])
    for step, (db, _counts) in enumerate(crawls):
        if step in (1, 2):
            assert _alerts(db) == [], f"{step} anti-bot check(s) are not yet a lasting disappearance"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, unreachable_checks FROM documents").fetchone() == ("unreachable", 4)
    (alert,) = _alerts(db)  # at the third check, and only once
    assert alert.kind == "status" and alert.summary.status_to == "unreachable"
    assert alert.summary.status_from == "ok"


def test_unreachable_after_is_configurable(tmp_path):
    verify = _status_page("环境异常</div><div class='weui-msg__desc'>完成验证后即可继续访问")
    *_, (db, _counts) = _wechat_crawls(tmp_path, [_wechat_article(), verify], "-s",
                                       "POLICYWATCH_UNREACHABLE_AFTER=1")
    (alert,) = _alerts(db)
    assert alert.summary.status_to == "unreachable"


PLAN_NAME = "工业互联网平台行动"
PLAN_PARAGRAPHS = [
    "一、总体要求",
    "到2028年，推动不少于{figure}家企业实施新型工业网络改造升级，培育一批工业互联网平台。",
    "二、重点任务",
    "（一）加快工业网络开放智能升级，建设高质量外网和企业内网。",
    "（二）推进平台体系建设，打造一批跨行业跨领域平台。",
    "三、保障措施",
    "各地要加强组织实施，完善配套政策，确保各项任务落到实处。",
]


def _plan_article(figure: str) -> Article:
    return Article("0" * 31 + "2", "关于印发工业互联网平台行动的通知", "2026-03-05",
                   [p.format(figure=figure) for p in PLAN_PARAGRAPHS])


def _repost_page(figure: str) -> str:
    body = "".join(f"<p>{p.format(figure=figure)}</p>" for p in PLAN_PARAGRAPHS)
    return ("<html><head><meta charset='utf-8'><script src='https://res.wx.qq.com/mmbizwap/a.js'></script>"
            f"<meta property='og:title' content='转发：工业互联网平台行动'></head><body><div id='js_content'>{body}"
            "</div></body></html>")


def test_a_home_documents_new_version_changes_the_plan_and_old_reposts_copy_v1(tmp_path):
    db = tmp_path / "p.db"
    plan_file = tmp_path / "plan.md"
    plan_file.write_text("# 工业互联网平台行动\n\n" + "\n\n".join(p.format(figure="50000") for p in PLAN_PARAGRAPHS),
                         encoding="utf-8")
    from click.testing import CliRunner

    from policywatch.cli import group
    assert CliRunner().invoke(group, ["--db", str(db), "track", str(plan_file), "--name", PLAN_NAME]).exit_code == 0
    with serve_site() as site:
        column = MiitSite(site, [_plan_article("50000")])
        sources = write_sources(tmp_path, [{"name": "miit-test", "kind": "miit", "url": column.url,
                                            "allow_private": True, "recheck": "0s"}])
        crawl_counts(sources, db)
        with Archive(db) as archive:
            (plan,) = archive.plan_summaries()
            assert plan["home"] is not None, "the official faithful copy became the plan's home"
        column.articles = [_plan_article("60000")]
        column.mount_articles()
        counts = crawl_counts(sources, db)
        assert counts["changed"] == 1, counts
        site.route("/feed.xml", _feed(site.url(WECHAT_PATH)), content_type="application/rss+xml")
        site.route(WECHAT_PATH, _repost_page("50000"), content_type="text/html; charset=utf-8")
        feed = write_sources(tmp_path, [{"name": "wechat-test", "kind": "feed", "url": site.url("/feed.xml"),
                                         "allow_private": True}], name="feed.toml")
        crawl_counts(feed, db)
    with Archive(db) as archive:
        (plan,) = archive.plan_summaries()
        assert plan["versions"] == 2 and plan["latest_version_at"]
        assert archive.alerts(kind="revised") == [], "the home's new version is a plan change, not a revision"
        (changed,) = archive.alerts(kind="plan_changed")
        assert changed.priority == "high" and changed.plan_name == PLAN_NAME
        figures = changed.summary.figures
        assert any("50000" in (f["old"] or "") and "60000" in (f["new"] or "") for f in figures), figures
        (copy,) = [a for a in archive.alerts(kind="plan") if a.summary.copies_plan_version]
        assert copy.summary.copies_plan_version == 1 and copy.summary.plan_version == 2
        assert copy.relation in ("identical", "repost")


def test_a_silent_edit_behind_a_304_feed_is_seen_by_the_recheck(tmp_path):
    """The feed answers 304 (nothing new) while the article's figure changed: the re-check finds it."""
    db = tmp_path / "s.db"
    with serve_site() as site:
        def feed(request):
            if request.headers.get("If-None-Match") == '"feed-v1"':
                return Response(304, b"")
            return Response(200, _feed(site.url(WECHAT_PATH)), headers={"ETag": '"feed-v1"'},
                            content_type="application/rss+xml")

        site.route(FEED_PATH, feed)
        site.route(WECHAT_PATH, _wechat_article("50000"), content_type="text/html; charset=utf-8")
        sources = write_sources(tmp_path, [{"name": "wechat-test", "kind": "feed", "url": site.url(FEED_PATH),
                                            "allow_private": True, "recheck": "0s"}])
        crawl_counts(sources, db)
        site.route(WECHAT_PATH, _wechat_article("60000"), content_type="text/html; charset=utf-8")
        site.reset_hits()
        counts = crawl_counts(sources, db)
        assert counts["not_modified"] >= 1 and counts["rechecked"] == 1, counts
        assert site.hits(WECHAT_PATH) == 1, "re-checked once, not also through the feed"
        assert counts["changed"] == 1 and counts["alerts"] == 1, counts
    (alert,) = _alerts(db)
    assert alert.kind == "revised"
    assert any("60000" in (f["new"] or "") for f in alert.summary.figures)
