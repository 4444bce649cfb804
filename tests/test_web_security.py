"""Security of the review page: escaping, access token, same-origin writes, bad input, headers."""
from __future__ import annotations

import base64
import hashlib

import pytest
from fastapi.testclient import TestClient

from policywatch.web import create_app
from store.archive import Archive
from tests.browser.sample_archive import XSS_IMG, XSS_SCRIPT, build

TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("websec") / "archive.db")


@pytest.fixture(scope="module")
def client(sample):
    with TestClient(create_app(sample.path), raise_server_exceptions=False) as client:
        yield client


def archive_digest(path) -> str:
    """A digest of every row that matters, to prove reads change nothing."""
    with Archive(path) as archive:
        rows = [archive.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("documents", "versions", "comparisons", "alerts", "plans")]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def pages_showing_the_payload(sample, client) -> list[str]:
    with Archive(sample.path) as archive:
        alert = next(a for a in archive.alerts(limit=100) if a.document_id == sample.xss_id)
    return [f"/documents/{sample.xss_id}", f"/alerts/{alert.id}", "/", f"/plans/{sample.plan_id}",
            f"/diff/{alert.comparison_id}", "/search?q=%E7%AE%97%E5%8A%9B"]


def test_payloads_in_title_account_and_body_render_as_text(sample, client):
    for path in pages_showing_the_payload(sample, client):
        html = client.get(path).text
        assert XSS_SCRIPT not in html and XSS_IMG not in html, path
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html or "&lt;img src=x" in html, path


def test_security_headers_forbid_inline_script(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "private, no-cache"
    assert "no-cache" not in client.get("/static/style.css").headers.get("cache-control", "")


def test_big_pages_are_compressed_for_phones(sample, client):
    with Archive(sample.path) as archive:
        comparison_id = archive.alerts(limit=1)[0].comparison_id
    page = client.get(f"/diff/{comparison_id}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and "<html" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("path", ["/alerts/999999", "/documents/999999", "/diff/999999", "/plans/999999",
                                  "/alerts/abc", "/documents/-1", "/diff/99999999999999999999999",
                                  "/documents/1/compare?a=1", "/nowhere", "/search?q=" + "算" * 300,
                                  "/alerts?priority=urgent", "/search?q=x&since=yesterday"])
def test_bad_ids_and_queries_give_an_error_page_not_a_traceback(client, path):
    page = client.get(path)
    assert page.status_code in (400, 404)
    assert page.headers["content-type"].startswith("text/html")
    assert "Traceback" not in page.text and 'class="error"' in page.text


def test_fts_syntax_in_a_query_is_just_text(client):
    for query in ['"算力"', "算力 AND 数据", "算力*", "NEAR(算力 数据)", "(算力)"]:
        page = client.get("/search", params={"q": query})
        assert page.status_code in (200, 400), query
        assert "Traceback" not in page.text


def test_reading_pages_writes_nothing(sample, client):
    before = archive_digest(sample.path)
    for path in pages_showing_the_payload(sample, client) + ["/api/alerts", "/alerts.atom", "/plans"]:
        client.get(path)
    assert archive_digest(sample.path) == before


def test_only_the_reviewed_state_is_writable(client):
    for method, path in (("PUT", "/api/alerts/1"), ("DELETE", "/api/documents/1"), ("POST", "/api/plans"),
                         ("PATCH", "/api/alerts/1/reviewed"), ("POST", "/documents/1")):
        assert client.request(method, path).status_code in (404, 405), (method, path)


def test_cross_site_review_post_is_refused(sample, client):
    with Archive(sample.path) as archive:
        alert_id = archive.alerts(limit=1)[0].id
    refused = client.post(f"/alerts/{alert_id}/review", data={"reviewed": "1"},
                          headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
                          follow_redirects=False)
    assert refused.status_code == 403
    with Archive(sample.path) as archive:
        assert archive.alert(alert_id).reviewed_at is None


def test_token_is_required_for_every_page_and_the_api(sample):
    with TestClient(create_app(sample.path, token=TOKEN)) as client:
        for path in ("/", "/api/alerts", "/alerts.atom", "/static/style.css", "/openapi.json"):
            denied = client.get(path)
            assert denied.status_code == 401, path
            assert TOKEN not in denied.text
        assert client.get("/").headers["www-authenticate"].startswith("Basic")
        assert client.get("/", auth=("analyst", "wrong-token")).status_code == 401
        assert client.get("/", auth=("analyst", TOKEN)).status_code == 200
        assert client.get("/api/alerts", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        broken = base64.b64encode(b"\xff\xfe").decode()
        assert client.get("/", headers={"Authorization": f"Basic {broken}"}).status_code == 401
        assert client.get("/api/alerts").json()["status"] == 401


def test_an_unusable_archive_is_a_503_page_not_a_traceback(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 200)
    with TestClient(create_app(junk), raise_server_exceptions=False) as client:
        page = client.get("/")
        api = client.get("/api/alerts")
    assert page.status_code == 503 and "Traceback" not in page.text and "archive" in page.text
    assert api.status_code == 503 and api.json()["error"].startswith("archive:")
