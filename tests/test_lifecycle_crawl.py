"""A policy's life through real crawls of loopback MIIT-like and WeChat-feed sites.

Day 1 a 征求意见稿 with a feedback deadline; day 2 its renamed final: linked both ways, one
``final`` alert with the changed articles and figures. A new MIIT 印发…方案的通知 is tracked
by itself, and a WeChat repost of it with a changed figure is an altered repost of *that* plan.
"""
from __future__ import annotations

import html
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from crawler.lifecycle import today as china_today
from tests.support import processes, serve_site
from tests.support.crawl import ROOT, crawl_counts, write_sources
from tests.support.miit import Article, MiitSite

#: The date the product counts deadlines from: today in China (the machine's UTC date differs
#: between 16:00 and 24:00 UTC, which made this test fail by the clock).
TODAY = china_today()
DEADLINE = TODAY + timedelta(days=5)
NAME = "工业数据安全能力提升实施方案"
ARTICLES = [
    "第一条 为提升工业领域数据安全保护能力，制定本方案。",
    "第二条 到2027年，工业企业数据安全防护水平明显提升，基本建立数据安全管理体系。",
    "第三条 推动不少于3000家企业开展数据安全评估，培育100家数据安全示范企业。",
    "第四条 各地工业和信息化主管部门建立数据安全风险监测机制。",
    "第五条 鼓励企业开展数据分类分级管理，定期报送数据安全情况。",
    "第六条 本方案自印发之日起施行。",
]
FINAL_ARTICLES = [
    ARTICLES[0],
    "第二条 到2027年，工业企业数据安全防护水平显著提升，全面建立数据安全管理体系。",
    "第三条 推动不少于5000家企业开展数据安全评估，培育100家数据安全示范企业。",
    ARTICLES[3],
    "第五条 支持地方设立工业数据安全专项资金，加大对中小企业的支持力度。",
    ARTICLES[5],
]
PLAN_NAME = "工业互联网平台赋能中小企业行动方案"
PLAN_BODY = [
    "一、总体要求",
    "到2028年，推动不少于20000家中小企业上云用平台，培育100个工业互联网平台赋能示范区。",
    "二、重点任务",
    "（一）加快平台建设。支持建设面向重点行业的工业互联网平台，提升平台供给能力和服务水平。",
    "（二）深化应用推广。组织开展平台进园区、进企业活动，推动中小企业数字化转型。",
    "三、保障措施",
    "加强组织领导，完善财政金融支持政策，强化人才培养和宣传推广，确保各项任务落到实处。",
]


def draft_article() -> Article:
    notice = (f"为贯彻落实有关要求，我部组织起草了《{NAME}（征求意见稿）》，现向社会公开征求意见。"
              f"请于{DEADLINE.year}年{DEADLINE.month}月{DEADLINE.day}日前将意见反馈至sjaq@miit.gov.cn。")
    return Article("d" * 32, f"关于公开征求《{NAME}（征求意见稿）》意见的通知", (TODAY - timedelta(days=30)).isoformat(),
                   [notice, *ARTICLES], source_unit="网络安全管理局")


def final_article() -> Article:
    return Article("f" * 32, f"工业和信息化部关于印发《{NAME}（试行）》的通知", (TODAY - timedelta(days=1)).isoformat(),
                   FINAL_ARTICLES, source_unit="网络安全管理局")


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = processes.run([sys.executable, "-m", "policywatch", "--db", str(db), *args], capture_output=True,
                           text=True, timeout=60, cwd=ROOT, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def cli_json(db: Path, *args: str):
    result = cli(db, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def rows(db: Path, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_draft_day_one_final_day_two_linked_both_ways_with_one_final_alert(tmp_path):
    db = tmp_path / "a.db"
    with serve_site() as site:
        column = MiitSite(site, [draft_article()])
        sources = write_sources(tmp_path, [{"name": "miit-yjzj", "kind": "miit", "url": column.url,
                                            "allow_private": True}])
        crawl_counts(sources, db)
        [consultation] = cli_json(db, "consultations", "--open")
        assert consultation["deadline"] == DEADLINE.isoformat() and consultation["days_left"] == 5
        assert consultation["final_document_id"] is None and "征求意见稿" in consultation["title"]
        assert consultation["issuer"] == "网络安全管理局"
        assert cli_json(db, "plans") == [], "a consultation draft is not a plan"
        [deadline] = cli_json(db, "alerts", "list", "--kind", "deadline")
        assert deadline["summary"]["days_left"] == 5

        column.articles = [final_article(), draft_article()]
        column.mount_articles()
        crawl_counts(sources, db)

    draft_id, final_id = consultation["document_id"], rows(db, "SELECT id FROM documents WHERE url LIKE ?",
                                                           "%ffffffff%")[0][0]
    draft_links = cli_json(db, "show", str(draft_id))["links"]
    final_links = cli_json(db, "show", str(final_id))["links"]
    assert {"kind": "draft_of", "document_id": final_id} in [{k: link[k] for k in ("kind", "document_id")}
                                                            for link in draft_links]
    assert [(link["kind"], link["document_id"]) for link in final_links if link["kind"] == "final_of"] == [
        ("final_of", draft_id)]
    [final] = cli_json(db, "alerts", "list", "--kind", "final")
    summary = final["summary"]
    assert (summary["draft_id"], summary["final_id"]) == (draft_id, final_id)
    assert summary["counts"]["changed"] >= 2 and final["priority"] == "high"
    changed = {c["plan_text"]: c["doc_text"] for c in summary["changes"] if c["kind"] == "changed"}
    assert any("3000家" in old and "5000家" in new for old, new in changed.items())
    assert any("明显提升" in old and "显著提升" in new for old, new in changed.items())
    assert {(f["plan"], f["doc"]) for f in summary["figures"]} >= {("3000家", "5000家")} or any(
        "3000" in (f["plan"] or "") and "5000" in (f["doc"] or "") for f in summary["figures"])
    [closed] = cli_json(db, "consultations")
    assert closed["final_document_id"] == final_id
    assert cli_json(db, "consultations", "--open") == []
    [plan] = cli_json(db, "plans")
    assert (plan["origin"], plan["draft"], plan["final"], plan["home"]) == ("auto", draft_id, final_id, final_id)
    events = [e["event"] for e in cli_json(db, "timeline", plan["name"])]
    assert events[:2] == ["draft", "final"]


REPOST_LEAD = ("编者按：工业和信息化部近日印发行动方案，对中小企业数字化转型作出系统部署。本号整理全文如下，"
               "供各位读者学习参考，欢迎转发分享，也欢迎在评论区留言交流你所在企业的上云用平台经验。")


def wechat_page(base: str, slug: str, account: str, title: str, paragraphs: list[str]) -> str:
    link = f"{base}/s/{slug}"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta property="og:title" content="{title}">'
            f'<meta property="og:url" content="{link}"><script>var nickname = "{account}"; var msg_title = '
            f"'{title}'.html(false); var ct = \"{int(datetime.combine(TODAY, time(9)).timestamp())}\"; var msg_link = \"{link}\";</script></head>"
            f'<body id="activity-detail"><div class="rich_media_wrp" id="img-content">'
            f'<h1 class="rich_media_title" id="activity-name">{title}</h1><div id="meta_content">'
            f'<a id="js_name">{account}</a></div><div class="rich_media_content" id="js_content">{body}</div>'
            f"</div></body></html>")


def test_new_miit_plan_is_tracked_by_itself_and_a_later_altered_repost_is_of_that_plan(tmp_path):
    db = tmp_path / "a.db"
    notice = Article("a" * 32, f"工业和信息化部关于印发《{PLAN_NAME}》的通知", (TODAY - timedelta(days=2)).isoformat(),
                     ["各省、自治区、直辖市工业和信息化主管部门：", f"现将《{PLAN_NAME}》印发给你们，请认真贯彻落实。",
                      *PLAN_BODY])
    with serve_site() as site:
        column = MiitSite(site, [notice])
        sources = write_sources(tmp_path, [{"name": "miit-wjfb", "kind": "miit", "url": column.url,
                                            "allow_private": True}])
        counts = crawl_counts(sources, db)
        assert counts["new"] == 1
        [plan] = cli_json(db, "plans")
        assert (plan["name"], plan["origin"], plan["versions"]) == (PLAN_NAME, "auto", 1)
        assert plan["title"] == notice.title and plan["draft"] is None
        [new_plan] = cli_json(db, "alerts", "list", "--kind", "new_plan")
        assert new_plan["plan_name"] == PLAN_NAME

        altered = [p.replace("不少于20000家", "不少于30000家") for p in PLAN_BODY]
        site.route("/s/repost", wechat_page(site.base_url, "repost", "数字化转型观察", f"重磅！《{PLAN_NAME}》全文",
                                            [REPOST_LEAD, *altered, "来源：工业和信息化部网站。责任编辑：小王"]))
        site.route("/feed.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>聚合</title>'
            f"<item><title>重磅！《{PLAN_NAME}》全文</title><link>{site.base_url}/s/repost</link>"
            f"<author>数字化转型观察</author><pubDate>{TODAY.isoformat()}T09:00:00</pubDate></item>"
            "</channel></rss>"), content_type="application/rss+xml")
        feed = write_sources(tmp_path, [{"name": "feed", "kind": "feed", "url": site.url("/feed.xml"),
                                         "allow_private": True, "follow": ["127.0.0.1"]}], name="feed.toml")
        crawl_counts(feed, db)

    relations = rows(db, "SELECT p.name, c.relation, v.account FROM comparisons c JOIN plans p ON p.id = c.plan_id"
                         " JOIN versions v ON v.id = c.version_id WHERE v.account = '数字化转型观察'")
    assert relations == [(PLAN_NAME, "altered_repost", "数字化转型观察")]
    assert len(cli_json(db, "plans")) == 1, "a repost of a tracked plan is no second plan"
    events = cli_json(db, "timeline", PLAN_NAME)
    assert [e["event"] for e in events] == ["plan_version", "altered_repost"]
    repost = events[1]
    assert set(repost) >= {"date", "event", "document_id", "title", "account", "url", "relation", "similarity",
                           "figures"}
    assert repost["account"] == "数字化转型观察"
    assert any("20000" in (f["plan"] or "") and "30000" in (f["doc"] or "") for f in repost["figures"])


@pytest.mark.parametrize("command", [("timeline", "没有这个计划"), ("untrack", "没有这个计划")])
def test_unknown_plan_is_a_one_line_error(tmp_path, command):
    result = cli(tmp_path / "a.db", *command)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_the_demo_timeline_tells_the_seed_plans_life_in_order(tmp_path):
    out = tmp_path / "demo-out"
    result = processes.run([sys.executable, "-m", "policywatch.demo", "--out", str(out)], capture_output=True,
                           text=True, cwd=ROOT, timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "Timeline of “ai-plan”" in result.stdout
    events = cli_json(out / "policywatch.db", "timeline", "ai-plan")
    assert [(e["event"], e["account"]) for e in events] == [
        ("plan_version", "信息通信管理局"), ("interpretation", "信息通信管理局"), ("altered_repost", "赛博研究院"),
        ("repost", "工业互联网观察"), ("deleted", "工业互联网观察")]
    assert "关于印发" in events[0]["title"]
    assert [(f["plan"], f["doc"]) for f in events[2]["figures"]] == [("不少于50000家", "不少于60000家")]
    assert events[4]["date"] > events[3]["date"], "a deletion is dated when it was observed"
