"""The review page's HTML pages through FastAPI's test client, on a real archive file.

The archive is built through the real ingest path (tests/browser/sample_archive.py):
the seed plan tracked, an altered repost (50000 → 60000, 2028 → 2027), a faithful
repost, an MIIT notice in two versions, an XSS-laden document and filler articles.
"""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from crawler.ingest import Ingestor
from crawler.normalise import finish
from policywatch.web import create_app
from policywatch.web.templating import relation_label
from store.archive import Archive
from store.model import Document
from tests.browser.sample_archive import PLAN_NAME, altered_body, build, plan_body


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("web") / "archive.db", extra=25)


@pytest.fixture(scope="module")
def client(sample):
    with TestClient(create_app(sample.path)) as client:
        yield client


def alert_ids(html: str) -> list[int]:
    """Alert ids in the order the inbox lists them."""
    return [int(n) for n in re.findall(r'data-alert="(\d+)"', html)]


def alert_for(sample, document_id: int) -> dict:
    with Archive(sample.path) as archive:
        return next(a for a in archive.alerts(limit=500) if a.document_id == document_id)


def test_inbox_lists_alerts_newest_first_with_priority_relation_and_state(client, sample):
    page = client.get("/")
    assert page.status_code == 200
    ids = alert_ids(page.text)
    with Archive(sample.path) as archive:
        expected = [a.id for a in archive.alerts(limit=50)]
    assert ids == expected and len(ids) >= 3
    altered = alert_for(sample, sample.altered_id)
    item = page.text.split(f'data-alert="{altered.id}"')[1].split("</li>")[0]
    assert relation_label(altered.relation) in item and "high" in item and "unread" in item
    assert "60000" in item and "50000" in item, "the changed figure is shown in the inbox"
    assert f'href="/diff/{altered.comparison_id}"' in item


def test_inbox_filters_by_priority_state_plan_and_source(client, sample):
    high = alert_ids(client.get("/alerts", params={"priority": "high"}).text)
    assert alert_for(sample, sample.altered_id).id in high
    assert alert_for(sample, sample.repost_id).id not in high
    assert alert_ids(client.get("/alerts", params={"source": "nowhere"}).text) == []
    everything = alert_ids(client.get("/alerts").text)
    plan_alerts = alert_ids(client.get("/alerts", params={"kind": "plan"}).text)
    revised = alert_ids(client.get("/alerts", params={"kind": "revised", "source": "miit"}).text)
    assert len(revised) == 1 and sorted(plan_alerts + revised) == sorted(everything)
    assert alert_ids(client.get("/alerts", params={"plan": sample.plan_id, "state": ""}).text) == plan_alerts
    assert alert_ids(client.get("/alerts", params={"source": "wechat-feed"}).text) == plan_alerts
    assert client.get("/alerts", params={"kind": "nonsense"}).status_code == 400


def test_mark_reviewed_and_undo_through_the_form(client, sample):
    alert_id = alert_for(sample, sample.repost_id).id
    done = client.post(f"/alerts/{alert_id}/review", data={"reviewed": "1", "next": "/?state=unread"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/?state=unread"
    with Archive(sample.path) as archive:
        assert archive.alert(alert_id).reviewed_at is not None
    assert alert_id not in alert_ids(client.get("/", params={"state": "unread"}).text)
    assert alert_id in alert_ids(client.get("/", params={"state": "reviewed"}).text)
    client.post(f"/alerts/{alert_id}/review", data={"reviewed": "0"}, follow_redirects=False)
    with Archive(sample.path) as archive:
        assert archive.alert(alert_id).reviewed_at is None


def test_review_form_never_redirects_off_site(client, sample):
    alert_id = alert_for(sample, sample.repost_id).id
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        done = client.post(f"/alerts/{alert_id}/review", data={"reviewed": "0", "next": target},
                           follow_redirects=False)
        assert done.headers["location"] == f"/alerts/{alert_id}"


def test_alert_page_lists_its_documents_and_links_the_diff(client, sample):
    alert = alert_for(sample, sample.altered_id)
    page = client.get(f"/alerts/{alert.id}")
    assert page.status_code == 200
    assert f'href="/documents/{sample.altered_id}"' in page.text
    assert f'href="/diff/{alert.comparison_id}"' in page.text
    assert "工信观察" in page.text


def test_document_page_shows_metadata_text_versions_and_plan_comparisons(client, sample):
    page = client.get(f"/documents/{sample.notice_id}")
    assert page.status_code == 200
    text = page.text
    for expected in ("关于推进算力基础设施建设的通知", "工业和信息化部", "工信部信管〔2026〕12号", "2026-03-01",
                     "https://www.miit.gov.cn/zwgk/zcwj/notice.html", "不少于30个", PLAN_NAME):
        assert expected in text
    first, second = sample.notice_versions
    assert f"/documents/{sample.notice_id}/compare?a={first}&amp;b={second}" in text
    older = client.get(f"/documents/{sample.notice_id}", params={"version": first})
    assert "不少于20个" in older.text and "不少于30个" not in older.text


def test_compare_two_versions_highlights_the_revised_figure(client, sample):
    first, second = sample.notice_versions
    page = client.get(f"/documents/{sample.notice_id}/compare", params={"a": first, "b": second})
    assert page.status_code == 200
    assert re.search(r"<del>[^<]*20[^<]*</del>", page.text) and re.search(r"<ins>[^<]*30[^<]*</ins>", page.text)


def test_diff_page_has_figures_on_top_and_inline_changes(client, sample):
    comparison_id = alert_for(sample, sample.altered_id).comparison_id
    page = client.get(f"/diff/{comparison_id}")
    assert page.status_code == 200
    html = page.text
    figures = html.split('<table class="figures">')[1].split("</table>")[0]
    assert re.search(r"<del>[^<]*50000[^<]*</del>", figures) and re.search(r"<ins>[^<]*60000[^<]*</ins>", figures)
    assert re.search(r"<del>[^<]*2028[^<]*</del>", figures) and re.search(r"<ins>[^<]*2027[^<]*</ins>", figures)
    assert html.index('class="figures"') < html.index('class="sxs"'), "figures table comes first"
    changed = re.findall(r'<div class="sxs-row changed change"', html)
    assert len(changed) == 2, "exactly the two planted edits are changed rows"
    assert 'class="sxs-row equal"' in html, "full text rows are there for the full view"
    assert "view-changes" in html.split("<body", 1)[1].split(">", 1)[0]
    full = client.get(f"/diff/{comparison_id}", params={"view": "full"})
    assert "view-full" in full.text.split("<body", 1)[1].split(">", 1)[0]


def test_faithful_repost_diff_reports_no_change(client, sample):
    comparison_id = alert_for(sample, sample.repost_id).comparison_id
    page = client.get(f"/diff/{comparison_id}")
    assert "No changes" in page.text
    assert "sxs-row changed" not in page.text


def test_document_against_plan_diff_from_the_document_page(client, sample):
    page = client.get(f"/documents/{sample.altered_id}/diff/{sample.plan_id}")
    assert page.status_code == 200 and "60000" in page.text


def test_search_finds_算力_with_highlights_and_pages(client, sample):
    page = client.get("/search", params={"q": "算力"})
    assert page.status_code == 200
    with Archive(sample.path) as archive:
        total = archive.search("算力", limit=1).total
    assert total > 20
    assert f'<strong class="total">{total}</strong>' in page.text
    assert "<mark>算力</mark>" in page.text
    assert 'rel="next"' in page.text
    second = client.get("/search", params={"q": "算力", "page": 2})
    first_ids = set(re.findall(r'href="/documents/(\d+)"', page.text))
    second_ids = set(re.findall(r'href="/documents/(\d+)"', second.text))
    assert second_ids and not first_ids & second_ids


def test_search_filters_narrow_results(client, sample):
    page = client.get("/search", params={"q": "算力", "account": "工业和信息化部", "source": "miit"})
    assert f'href="/documents/{sample.xss_id}"' not in page.text
    assert f'href="/documents/{sample.notice_id}"' in page.text or 'rel="next"' in page.text
    none = client.get("/search", params={"q": "算力", "since": "2030-01-01"})
    assert "No documents match" in none.text
    relation = alert_for(sample, sample.altered_id).relation
    related = client.get("/search", params={"q": "工业互联网", "relation": relation, "plan": sample.plan_id})
    assert f'href="/documents/{sample.altered_id}"' in related.text
    assert f'href="/documents/{sample.repost_id}"' not in related.text


def test_plans_page_lists_versions_and_related_documents_altered_first(client, sample):
    listing = client.get("/plans")
    assert f'href="/plans/{sample.plan_id}"' in listing.text
    page = client.get(f"/plans/{sample.plan_id}")
    assert page.status_code == 200
    html = page.text
    assert html.index("工信观察") < html.index("赛博研究院"), "altered reposts first"
    assert f'href="/documents/{sample.altered_id}"' in html and f'href="/documents/{sample.repost_id}"' in html
    assert f'href="/documents/{sample.notice_id}"' not in html, "unrelated documents are not listed"


def test_atom_feed_of_alerts(client, sample):
    feed = client.get("/alerts.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    altered = alert_for(sample, sample.altered_id)
    assert f"/alerts/{altered.id}" in feed.text
    assert "<script>" not in feed.text


def test_inbox_pages_through_alerts(client, sample):
    everything = alert_ids(client.get("/alerts").text)
    first = client.get("/alerts", params={"limit": 2})
    assert alert_ids(first.text) == everything[:2]
    assert 'rel="next" href="/alerts?limit=2&amp;offset=2"' in first.text or "offset=2" in first.text
    second = client.get("/alerts", params={"limit": 2, "offset": 2})
    assert alert_ids(second.text) == everything[2:4]
    assert 'rel="prev"' in second.text


def test_inbox_filter_by_plan_name_or_id(client, sample):
    by_id = alert_ids(client.get("/alerts", params={"plan": sample.plan_id}).text)
    by_name = alert_ids(client.get("/alerts", params={"plan": PLAN_NAME}).text)
    assert by_id == by_name and by_id
    assert alert_ids(client.get("/alerts", params={"plan": "no-such-plan"}).text) == []


def test_api_docs_page_lists_endpoints_without_external_scripts(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/api/alerts/{alert_id}/reviewed" in page.text and "AlertPage" in page.text
    assert "cdn." not in page.text and "http://" not in page.text.split("<main>")[1]


def test_pages_carry_no_inline_script(client, sample):
    comparison_id = alert_for(sample, sample.altered_id).comparison_id
    for path in ("/", f"/diff/{comparison_id}", f"/documents/{sample.notice_id}", "/search?q=算力", "/plans"):
        html = client.get(path).text
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all("src=" in tag for tag in scripts), path
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), f"inline event handler in {path}"


def test_deleted_document_keeps_its_last_text_and_says_so(tmp_path):
    url = "https://mp.weixin.qq.com/s/gone"
    with Archive(tmp_path / "a.db") as archive:
        saved = archive.save(finish(Document(kind="wechat", url=url, title="将被删除的文章", body="原文：算力网络。")))
        archive.save(Document(kind="wechat", url=url, status="deleted"))
    with TestClient(create_app(tmp_path / "a.db")) as client:
        page = client.get(f"/documents/{saved.document_id}")
    assert page.status_code == 200
    assert "deleted" in page.text.split('class="warning"')[1].split("</p>")[0]
    assert "原文：算力网络。" in page.text
    assert "ok → <strong>deleted</strong>" in page.text.split('class="events"')[1]


def test_moved_clauses_are_marked_moved_not_deleted_and_added(tmp_path):
    plan = plan_body()
    paragraphs = plan.split("\n\n")
    moved = paragraphs.pop(next(i for i, p in enumerate(paragraphs) if p.startswith("（三）")))
    paragraphs.insert(next(i for i, p in enumerate(paragraphs) if p.startswith("（六）")) + 1, moved)
    with Archive(tmp_path / "a.db") as archive:
        archive.track_plan(PLAN_NAME, finish(Document(kind="export", title="plan", body=plan, url="https://x/plan")))
        Ingestor(archive).ingest_document(finish(Document(kind="wechat", url="https://x/swapped", title="swapped",
                                                   body="\n\n".join(paragraphs))))
        comparison_id = archive.comparisons()[0]["id"]
    with TestClient(create_app(tmp_path / "a.db")) as client:
        html = client.get(f"/diff/{comparison_id}").text
    assert 'class="sxs-row moved change"' in html and 'class="badge kind-moved">moved' in html
    assert re.search(r"二、（三） <span class=\"badge kind-moved\">moved</span> to 三、", html), "where it went"
    assert "sxs-row added" not in html and "sxs-row removed" not in html


def test_atom_feed_links_use_the_configured_base_url(sample):
    with TestClient(create_app(sample.path, base_url="https://review.example/pw/")) as client:
        feed = client.get("/alerts.atom").text
    altered = alert_for(sample, sample.altered_id)
    assert f"https://review.example/pw/alerts/{altered.id}" in feed
    assert "http://testserver" not in feed


def test_diff_against_a_plan_never_compared_is_computed_on_the_fly(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        saved = archive.save(finish(Document(kind="wechat", url="https://x/doc", title="doc",
                                      body=altered_body(plan_body()))))
        plan = archive.track_plan("later", finish(Document(kind="export", title="plan", body=plan_body(),
                                                    url="https://x/plan")))
        assert archive.comparisons(document_id=saved.document_id) == []
    with TestClient(create_app(tmp_path / "a.db")) as client:
        page = client.get(f"/documents/{saved.document_id}/diff/{plan.plan_id}")
    assert page.status_code == 200
    assert re.search(r"<ins>[^<]*60000[^<]*</ins>", page.text)
    with Archive(tmp_path / "a.db") as archive:
        assert archive.comparisons(document_id=saved.document_id) == [], "viewing stores nothing"


def test_versions_of_another_document_are_not_found(client, sample):
    first, second = sample.notice_versions
    page = client.get(f"/documents/{sample.altered_id}/compare", params={"a": first, "b": second})
    assert page.status_code == 404 and f"document {sample.altered_id} has no version" in page.text


def test_mark_every_unread_alert_shown_reviewed_at_once(client, sample):
    page = client.get("/alerts", params={"limit": 2, "state": "unread"})
    shown = alert_ids(page.text)
    assert f'name="ids" value="{",".join(map(str, shown))}"' in page.text
    done = client.post("/alerts/review", data={"ids": ",".join(map(str, shown)), "reviewed": "1",
                                               "next": "/alerts?state=unread"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/alerts?state=unread"
    with Archive(sample.path) as archive:
        assert all(archive.alert(a).reviewed_at for a in shown)
        others = [a.id for a in archive.alerts(state="unread", limit=100)]
    assert others and not set(shown) & set(others), "only the alerts shown were marked"
    assert client.post("/alerts/review", data={"ids": "1,abc"}).status_code == 400
    assert client.post("/alerts/review", data={"ids": f"{shown[0]},999999"}).status_code == 404
    client.post("/alerts/review", data={"ids": ",".join(map(str, shown)), "reviewed": "0"})
    with Archive(sample.path) as archive:
        assert not any(archive.alert(a).reviewed_at for a in shown)
