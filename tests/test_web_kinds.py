"""Every alert kind on the review page: the inbox, the alert page and the filtered Atom feed.

The archive is built through the real ingest path: a notice revised (20个 → 30个), a
WeChat article deleted, and the sample's plan alerts.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from crawler.ingest import Ingestor
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document
from tests.browser.sample_archive import build, build_with_kinds, only_alert

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build_with_kinds(tmp_path_factory.mktemp("kinds") / "archive.db")


@pytest.fixture(scope="module")
def client(sample):
    with TestClient(create_app(sample.path)) as client:
        yield client


def test_inbox_shows_every_kind_with_the_change_first(client, sample):
    page = client.get("/").text
    revised, status = only_alert(sample, "revised"), only_alert(sample, "status")
    item = page.split(f'data-alert="{revised.id}"')[1].split("</li>")[0]
    assert "kind-revised" in item and "修订：" in item and "20个" in item and "30个" in item
    item = page.split(f'data-alert="{status.id}"')[1].split("</li>")[0]
    assert "kind-status" in item and "已删除：" in item
    assert "算力解读&lt;b&gt;" in item, "page text is escaped"
    only = client.get("/alerts", params={"kind": "status"}).text
    assert re.findall(r'data-alert="(\d+)"', only) == [str(status.id)]


def test_alert_page_shows_the_revision_inline_at_word_level(client, sample):
    revised = only_alert(sample, "revised")
    html = client.get(f"/alerts/{revised.id}").text
    inline = html.split('class="inline"')[1].split("</span>")[0]
    assert "<del>20</del>" in inline and "<ins>30</ins>" in inline, inline
    assert "新建智算中心不少于" in inline and "<del>一、到2026年底" not in inline
    assert "Open version diff" in html and f"b={revised.version_id}" in html
    assert ">before<" in html and ">after<" in html


def test_alert_page_of_a_status_change(client, sample):
    status = only_alert(sample, "status")
    html = client.get(f"/alerts/{status.id}").text
    assert "status-ok" in html and "status-deleted" in html
    assert "Last text kept" in html and "新建智算中心不少于20个" in html


def test_atom_feed_filters_by_kind_plan_priority_and_source(client, sample):
    def entries(**params: str) -> list[str]:
        feed = client.get("/alerts.atom", params=params)
        assert feed.status_code == 200, feed.text
        return [e.findtext(f"{ATOM}title") for e in ET.fromstring(feed.content).findall(f"{ATOM}entry")]

    everything = entries()
    revised = entries(kind="revised")
    assert len(revised) == 1 and revised[0].startswith("[HIGH] 修订：")
    assert entries(kind="status", source="wechat-feed")[0].startswith("[NORMAL] 已删除：")
    assert entries(kind="revised", source="wechat-feed") == []
    assert len(entries(plan=str(sample.plan_id))) + 2 == len(everything)
    assert all(t.startswith("[HIGH]") for t in entries(priority="high"))
    assert client.get("/alerts.atom", params={"kind": "nope"}).status_code == 400
    head = client.head("/alerts.atom", params={"kind": "revised"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("application/atom+xml")
    assert int(head.headers["content-length"]) == len(client.get("/alerts.atom", params={"kind": "revised"}).content)


def test_plan_page_shows_its_home_and_a_deleted_repost(tmp_path):
    sample = build(tmp_path / "archive.db")
    with Archive(sample.path) as archive:
        archive.set_plan_home(sample.plan_id, sample.repost_id)
        Ingestor(archive).ingest_document(Document(kind="wechat", url="https://mp.weixin.qq.com/s/repost",
                                                   status="deleted"), source="wechat-feed")
    with TestClient(create_app(sample.path)) as client:
        html = client.get(f"/plans/{sample.plan_id}").text
    assert f'class="plan-home" href="/documents/{sample.repost_id}"' in html
    row = html.split(f'href="/documents/{sample.repost_id}">')[2].split("</tr>")[0]
    assert "status-deleted" in row
