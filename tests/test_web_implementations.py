"""The implementations page: one row per implementing document, targets beside the plan's, sortable.

The archive is filled through the real ingest path; the page is read through FastAPI's test
client and, for sorting, in real headless Chromium against ``policywatch serve``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crawler.ingest import Ingestor
from crawler.normalise import finish
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE
from tests.support.provinces import JIANGSU, JIANGSU_TITLE, ZHEJIANG, ZHEJIANG_TITLE

XSS = "<script>alert(1)</script>"


def build(path: Path) -> int:
    with Archive(path) as archive:
        plan_id = archive.track_plan("ai-plan", finish(Document(kind="generic", title=PLAN_TITLE, body=PLAN))).plan_id
        ingest = Ingestor(archive)
        for url, title, body, issuer, day in (
                ("https://gxt.jiangsu.gov.cn/art/2026/3/20/art_89736_1.html", JIANGSU_TITLE, JIANGSU,
                 "江苏省工业和信息化厅", "2026-03-20"),
                ("https://jxt.zj.gov.cn/col/col1229123402/art/2026/art_2.html", ZHEJIANG_TITLE, ZHEJIANG,
                 f"浙江省经济和信息化厅{XSS}", "2026-04-02")):
            result = ingest.ingest_document(finish(Document(kind="gov", url=url, canonical_url=url, title=title, body=body,
                                                     account=issuer, published_at=day)), source="t")
            assert result.relations == {"ai-plan": "implementation"}, result
    return plan_id


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("impl") / "a.db"
    return path, build(path)


def test_page_lists_each_province_with_targets_beside_the_plan(archive_path):
    path, plan_id = archive_path
    with TestClient(create_app(path)) as client:
        page = client.get(f"/plans/{plan_id}/implementations")
        plan_page = client.get(f"/plans/{plan_id}")
        missing = client.get("/plans/999/implementations")
    assert page.status_code == 200 and missing.status_code == 404
    assert f'href="/plans/{plan_id}/implementations"' in plan_page.text
    html = page.text
    assert 'class="list sortable"' in html and "plan: 不少于50000家" in html
    assert "不少于5000家 <small>×0.1</small>" in html and "不少于8000家 <small>×0.16</small>" in html
    assert "打造长三角工业互联网协同示范区" in html
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("浙江省") < html.index("江苏省"), "newest first"


@pytest.mark.browser
def test_sorting_by_a_target_ratio_in_chromium(archive_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.server import running_server
    from tests.browser.test_review_browser import CHROMIUM, CHROMIUM_ARGS

    path, plan_id = archive_path
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    with running_server(path) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{server.url}/plans/{plan_id}/implementations")
        first_issuer = page.locator("#implementations tbody tr:first-child td:first-child")
        expect(first_issuer).to_contain_text("浙江省")
        page.locator("#implementations th", has_text="企业数").click()
        expect(first_issuer).to_contain_text("江苏省")  # ratio 0.1 before 0.16
        page.locator("#implementations th", has_text="企业数").click()
        expect(first_issuer).to_contain_text("浙江省")
        browser.close()
