"""The review page in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against ``policywatch serve`` running as a subprocess on 127.0.0.1.

Set ``POLICYWATCH_SCREENSHOTS=1`` to (re)write docs/inbox.png and docs/diff.png.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from store.archive import Archive
from store.records import AlertRecord
from tests.browser.sample_archive import XSS_IMG, XSS_SCRIPT, build
from tests.browser.server import running_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parents[2] / "docs"
CURRENT = re.compile(r"\bcurrent\b")
SCREENSHOTS = os.environ.get("POLICYWATCH_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("browser") / "archive.db", extra=25)


@pytest.fixture(scope="module")
def server(sample):
    with running_server(sample.path) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    expect.set_options(timeout=15_000)  # generous: the suite shares two cores with everything else
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def alert_of(sample, document_id: int) -> AlertRecord:
    with Archive(sample.path) as archive:
        return next(a for a in archive.alerts(limit=500) if a.document_id == document_id)


def test_inbox_then_diff_shows_the_highlighted_figure_change(page, server, sample):
    page.goto(server.url + "/")
    altered = page.locator(f'li.alert[data-alert="{alert_of(sample, sample.altered_id).id}"]')
    expect(altered).to_contain_text("重磅！工业互联网和人工智能融合赋能行动方案全文")
    expect(altered.locator(".badge.prio-high")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=str(DOCS / "inbox.png"))
    altered.get_by_role("link", name="Open diff").click()
    page.wait_for_url("**/diff/*")
    figure = page.locator("table.figures tr", has_text="60000")
    expect(figure.locator("ins")).to_contain_text("60000")
    expect(figure.locator("del")).to_contain_text("50000")
    background = figure.locator("ins").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the new figure is highlighted"
    row_ins = page.locator(".sxs-row.changed ins", has_text="6")
    expect(row_ins.first).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=str(DOCS / "diff.png"))


def test_keyboard_moves_between_changes_and_views_toggle(page, server, sample):
    page.goto(f"{server.url}/diff/{alert_of(sample, sample.altered_id).comparison_id}")
    changes = page.locator(".sxs-row.change")
    assert changes.count() == 2
    page.keyboard.press("j")
    expect(changes.nth(0)).to_have_class(CURRENT)
    page.keyboard.press("n")
    expect(changes.nth(1)).to_have_class(CURRENT)
    page.keyboard.press("k")
    expect(changes.nth(0)).to_have_class(CURRENT)
    equal = page.locator(".sxs-row.equal").first
    expect(equal).to_be_hidden()
    page.get_by_role("link", name="Full text").click()
    expect(equal).to_be_visible()
    assert "view=full" in page.url
    page.get_by_role("link", name="Changes only").click()
    expect(equal).to_be_hidden()


def test_mark_reviewed_and_undo(page, server, sample):
    alert_id = alert_of(sample, sample.repost_id).id
    page.goto(server.url + "/?state=unread")
    item = page.locator(f'li.alert[data-alert="{alert_id}"]')
    item.get_by_role("button", name="Mark reviewed").click()
    page.wait_for_url("**/?state=unread")
    expect(page.locator("h1")).to_contain_text("Alerts")
    expect(page.locator(f'li.alert[data-alert="{alert_id}"]')).to_have_count(0)
    with Archive(sample.path) as archive:
        assert archive.alert(alert_id).reviewed_at is not None
    page.goto(server.url + "/?state=reviewed")
    page.locator(f'li.alert[data-alert="{alert_id}"]').get_by_role("button", name="Undo reviewed").click()
    page.wait_for_url("**/?state=reviewed")
    expect(page.locator("h1")).to_contain_text("Alerts")
    expect(page.locator(f'li.alert[data-alert="{alert_id}"]')).to_have_count(0)
    with Archive(sample.path) as archive:
        assert archive.alert(alert_id).reviewed_at is None


def test_search_算力_from_the_header_box(page, server):
    page.goto(server.url + "/")
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill("算力")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert int(page.locator(".count .total").inner_text()) > 20
    expect(page.locator("ol.hits mark").first).to_have_text("算力")
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url("**/documents/*")
    expect(page.locator("article.clean-text")).to_contain_text("算力")


def test_xss_payloads_render_as_text_and_never_run(page, server, sample):
    alert = alert_of(sample, sample.xss_id)
    for path in (f"/documents/{sample.xss_id}", f"/alerts/{alert.id}", "/",
                 f"/diff/{alert.comparison_id}?view=full", "/search?q=算力"):
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", path
    page.goto(f"{server.url}/documents/{sample.xss_id}")
    expect(page.locator("h1.doc-title")).to_contain_text(XSS_SCRIPT)
    expect(page.locator("dd.account")).to_have_text(XSS_IMG)
    expect(page.locator("article.clean-text")).to_contain_text(XSS_IMG)
    assert page.locator("main img").count() == 0


def test_chat_link_pages_are_readable_on_a_phone(browser, server, sample):
    """A chat alert links to /alerts/{id}; from there the analyst opens the diff, on a phone."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    try:
        page.goto(f"{server.url}/alerts/{alert_of(sample, sample.altered_id).id}")
        assert page.evaluate(no_sideways_scroll), "alert page fits the screen"
        page.get_by_role("link", name="Open diff").click()
        page.wait_for_url("**/diff/*")
        row = page.locator(".sxs-row.changed").first
        plan_box = row.locator(".col.plan").bounding_box()
        doc_box = row.locator(".col.doc").bounding_box()
        assert doc_box["y"] >= plan_box["y"] + plan_box["height"] - 1, "columns stack on a phone"
        assert page.evaluate(no_sideways_scroll), "diff page fits the screen"
        expect(page.locator("table.figures ins", has_text="60000")).to_be_visible()
        page.get_by_role("button", name="next change").tap()
        expect(page.locator(".sxs-row.change").first).to_have_class(CURRENT)
    finally:
        context.close()


def test_inbox_keyboard_opens_the_alert(page, server, sample):
    page.goto(server.url + "/")
    first = page.locator("li.alert").first
    first_id = first.get_attribute("data-alert")
    page.keyboard.press("j")
    expect(first).to_have_class(CURRENT)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/alerts/{first_id}")
    expect(page.locator("h1")).to_be_visible()


def test_search_syntax_long_query_and_shortcuts(page, server):
    page.goto(server.url + "/search?q=" + "算力 -转载")
    box = page.locator("form.search input[name=q]")
    expect(box).to_have_value("算力 -转载")
    assert box.get_attribute("maxlength") == "200"
    assert page.evaluate("document.activeElement.name") != "q", "a results page must not trap j/k in the box"
    page.keyboard.press("j")
    expect(page.locator("ol.hits li.current")).to_have_count(1)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(page.locator("ol.hits li.current")).to_have_count(1)
    long_query = "算力" * 150
    page.goto(server.url + "/search?q=" + long_query + "&relation=altered_repost")
    expect(page.locator("p.error")).to_contain_text("at most 200 characters long; this one has 300")
    expect(page.locator("form.search input[name=q]")).to_have_value(long_query)
    expect(page.locator("form.search select[name=relation]")).to_have_value("altered_repost")
    assert "String should" not in page.content()
    page.goto(server.url + "/search?q=算力&relation=alterd")
    expect(page.locator("p.error")).to_contain_text("unknown relation 'alterd'")


def test_diff_page_downloads_the_duizhaobiao(page, server, sample, tmp_path):
    from docx import Document as WordDocument

    alert = alert_of(sample, sample.altered_id)
    page.goto(server.url + f"/diff/{alert.comparison_id}")
    expect(page.locator(".downloads")).to_contain_text("下载对照表")
    with page.expect_download() as info:
        page.locator("a.download", has_text="Word").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.suffix == ".docx"
    grid = WordDocument(str(saved)).tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["原文", "修改后", "说明"]
    assert any("60000" in row.cells[1].text for row in grid.rows[1:])


def test_sources_page_marks_a_failing_source(page, server, sample):
    from store.health import FAILING_AFTER

    with Archive(sample.path) as archive:
        archive.upsert_source("broken-feed", "feed", "https://example.org/feed", every="30m")
        for _ in range(FAILING_AFTER):
            run = archive.start_run("broken-feed")
            archive.finish_run(run, {"pages": 1, "errors": 1}, ["HTTP 503 from https://example.org/feed"])
        assert archive.record_source_health("broken-feed") == "source_failing"
    page.goto(server.url + "/")
    page.get_by_role("link", name="Sources").click()
    row = page.locator('tr.source[data-source="broken-feed"]')
    expect(row).to_have_class(re.compile(r"\bfailing\b"))
    expect(row.locator(".state")).to_contain_text(f"failing · {FAILING_AFTER} runs")
    expect(row.locator(".last-error")).to_have_text("HTTP 503 from https://example.org/feed")
    expect(page.locator("footer.clock")).to_contain_text("Asia/Shanghai")
    background = row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "a failing source stands out"
