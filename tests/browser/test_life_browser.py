"""A policy's life in real headless Chromium: the timeline page (SVG chart, escaped titles,
silent alterations) and the "track as plan" action (a token-protected, same-origin write).

The archive is built through the real ingest path: an MIIT 印发…方案的通知 becomes a plan by
itself, then reposts (faithful, altered with a script in its title) arrive and one is deleted.
Set ``POLICYWATCH_SCREENSHOTS=1`` to (re)write docs/timeline.png.
"""
from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from crawler.ingest import Ingestor
from crawler.normalise import finish
from store.archive import Archive
from store.model import Document
from tests.browser.sample_archive import PLAN_TITLE, XSS_SCRIPT, altered_body, plan_body
from tests.browser.server import running_server
from tests.browser.test_review_browser import DOCS, SCREENSHOTS, browser  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser

TOKEN = "life-token-3f9a"
NOTICE_TITLE = f"工业和信息化部关于印发《{PLAN_TITLE}》的通知"
LEAD = "编者按：工业和信息化部近日印发行动方案，本号整理全文如下，供读者学习参考，欢迎转发分享与留言交流。" * 2


def wechat(slug: str, account: str, title: str, body: str, day: str, status: str = "ok") -> Document:
    return finish(Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/{slug}", account=account, title=title,
                    lead=LEAD if status == "ok" else "", body=body if status == "ok" else "",
                    published_at=f"{day}T20:00:00+08:00", status=status))


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("life") / "archive.db"
    plan = plan_body()
    with Archive(path) as archive:
        ingest = Ingestor(archive)
        ingest.ingest_document(finish(Document(kind="miit", url="https://www.miit.gov.cn/zwgk/art/plan.html",
                                        title=NOTICE_TITLE, body=plan, published_at="2026-01-06T10:00:00+08:00",
                                        meta={"来源": "信息通信管理局"})))
        ingest.ingest_document(wechat("a", "赛博研究院", "工信部印发行动方案（全文）", plan, "2026-01-06"))
        ingest.ingest_document(wechat("b", "工信观察", f"重磅{XSS_SCRIPT}行动方案全文", altered_body(plan), "2026-01-07"))
        ingest.ingest_document(wechat("c", "产业头条", "行动方案全文来了", plan, "2026-01-07"))
        ingest.ingest_document(wechat("c", "产业头条", "", "", "2026-01-07", status="deleted"))
        ingest.ingest_document(finish(Document(kind="generic", url="https://example.gov.cn/suanli.html",
                                        title="算力基础设施高质量发展行动计划", published_at="2026-01-08",
                                        body="一、总体要求\n\n到2027年，算力规模超过300EFLOPS。\n\n二、重点任务\n\n"
                                             "推进算力网络建设。\n\n三、保障措施\n\n加强组织实施。")))
    return path


@pytest.fixture(scope="module")
def server(archive_path):
    with running_server(archive_path, "--token", TOKEN) as server:
        yield server


@pytest.fixture
def authed(browser):  # noqa: F811 - the shared browser fixture
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN",
                                  http_credentials={"username": "analyst", "password": TOKEN})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def plan_id(path: Path, name: str) -> int:
    with Archive(path) as archive:
        return archive.plan(name)["id"]


def test_timeline_page_draws_the_chart_lists_silent_alterations_and_escapes_titles(authed, server, archive_path):
    authed.goto(f"{server.url}/plans/{plan_id(archive_path, PLAN_TITLE)}/timeline")
    expect(authed.locator("h1.timeline-title")).to_have_text(NOTICE_TITLE)
    chart = authed.locator("svg#repost-chart")
    expect(chart).to_be_visible()
    assert chart.locator("rect.faithful").count() == 2 and chart.locator("rect.altered").count() == 1
    assert chart.bounding_box()["height"] > 100, "the chart is drawn at its size"
    altered_height = float(chart.locator("rect.altered").get_attribute("height"))
    assert altered_height > 0
    events = authed.locator("table.timeline tbody tr")
    assert [row.get_attribute("class") for row in events.all()] == [
        "event-plan_version", "event-repost", "event-repost", "event-altered_repost", "event-deleted"]
    silent = authed.locator("ul.silent-alterations > li")
    expect(silent).to_have_count(1)
    expect(silent).to_contain_text(f"重磅{XSS_SCRIPT}行动方案全文")
    expect(silent.locator("del", has_text="不少于50000家")).to_have_count(1)
    expect(silent.locator("ins", has_text="不少于60000家")).to_have_count(1)
    assert authed.evaluate("typeof window.__xss") == "undefined"
    assert authed.locator("main script").count() == 0
    if SCREENSHOTS:
        authed.screenshot(path=str(DOCS / "timeline.png"), full_page=True)


def test_track_as_plan_from_the_document_page(authed, server, archive_path):
    with Archive(archive_path) as archive:
        document_id = archive.find_document("https://example.gov.cn/suanli.html")["id"]
        assert archive.plan("算力计划") is None
    authed.goto(f"{server.url}/documents/{document_id}")
    form = authed.locator("form.track-plan")
    form.get_by_role("textbox").fill("算力计划")
    form.get_by_role("button", name="Track as plan").click()
    authed.wait_for_url("**/plans/*/timeline")
    expect(authed.locator("h1.timeline-title")).to_have_text("算力基础设施高质量发展行动计划")
    with Archive(archive_path) as archive:
        plan = archive.plan("算力计划")
        assert plan["home_document_id"] == document_id and plan["versions"][0]["title"].startswith("算力")
    authed.goto(f"{server.url}/documents/{document_id}")
    expect(authed.locator("li.link-plan_home_of")).to_contain_text("算力计划")


def test_track_as_plan_needs_the_token_and_refuses_cross_site_posts(server, archive_path):
    with Archive(archive_path) as archive:
        document_id = archive.find_document("https://mp.weixin.qq.com/s/a")["id"]
    url = f"{server.url}/documents/{document_id}/track"
    auth = {"Authorization": "Basic " + base64.b64encode(f"x:{TOKEN}".encode()).decode()}
    with httpx.Client(timeout=10) as client:
        assert client.post(url, data={"name": "偷偷跟踪"}).status_code == 401
        cross = client.post(url, data={"name": "偷偷跟踪"}, headers={**auth, "Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403
        evil = client.post(url, data={"name": "偷偷跟踪"}, headers={**auth, "Origin": "https://evil.example"})
        assert evil.status_code == 403
    with Archive(archive_path) as archive:
        assert archive.plan("偷偷跟踪") is None
