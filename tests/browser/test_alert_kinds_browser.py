"""Every alert kind in real headless Chromium: the inbox filters by kind and says the change
first; the alert page of a revision shows the edit inline at word level, highlighted; a
status alert shows from → to and the last text kept."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.sample_archive import build_with_kinds, only_alert
from tests.browser.server import running_server
from tests.browser.test_review_browser import browser, page  # noqa: F401 - the Chromium fixtures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build_with_kinds(tmp_path_factory.mktemp("kinds-browser") / "archive.db")


@pytest.fixture(scope="module")
def server(sample):
    with running_server(sample.path) as server:
        yield server


def test_inbox_filters_by_kind_and_opens_the_revision_inline(page, server, sample):  # noqa: F811
    revised = only_alert(sample, "revised")
    page.goto(server.url + "/")
    page.locator("select[name=kind]").select_option("revised")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**kind=revised**")
    items = page.locator("li.alert")
    expect(items).to_have_count(1)
    expect(items.first.locator(".badge.kind-revised")).to_be_visible()
    expect(items.first.locator(".headline")).to_contain_text("修订：")
    expect(items.first.locator(".headline")).to_contain_text("30个")
    items.first.get_by_role("link", name="Open change").click()
    page.wait_for_url(f"**/alerts/{revised.id}")
    inline = page.locator("ul.changes .inline").first
    expect(inline.locator("del")).to_have_text("20")
    expect(inline.locator("ins")).to_have_text("30")
    expect(inline).to_contain_text("新建智算中心不少于")
    background = inline.locator("ins").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the new word is highlighted"
    page.get_by_role("link", name="Open version diff").click()
    page.wait_for_url("**/compare?a=*")
    expect(page.locator(".sxs-row.changed ins").first).to_contain_text("3")


def test_status_alert_page_shows_from_to_and_the_last_text(page, server, sample):  # noqa: F811
    status = only_alert(sample, "status")
    page.goto(server.url + "/?kind=status")
    item = page.locator(f'li.alert[data-alert="{status.id}"]')
    expect(item.locator(".headline")).to_contain_text("已删除：算力解读<b>")
    item.get_by_role("link", name="Open change").click()
    expect(page.locator(".status-change")).to_contain_text("ok")
    expect(page.locator(".status-change")).to_contain_text("deleted")
    expect(page.locator(".last-text")).to_contain_text("新建智算中心不少于20个")
