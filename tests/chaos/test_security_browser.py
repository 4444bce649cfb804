"""The review page in real headless Chromium: no payload runs, no write without the token.

The hostile archive (tests/chaos/hostile.py) is served by ``policywatch serve`` on
127.0.0.1; every page is opened and every link a page author controls is clicked.
A payload that ran would set ``window.__pwned`` or open a dialog.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from policywatch.web import create_app
from store.archive import Archive
from tests.browser.server import running_server
from tests.chaos import hostile

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "review-token-3f9a1c77"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile-browser") / "hostile.db")


@pytest.fixture(scope="module")
def server(archive_path):
    with running_server(archive_path.path) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _pages(archive_path) -> list[str]:
    paths = ["/", "/alerts", "/search?q=%3Cscript%3E", "/search?q=window.__pwned"]
    paths += [f"/alerts/{a}" for a in archive_path.alert_ids]
    paths += [f"/documents/{d}" for d in archive_path.document_ids]
    return paths


def test_no_payload_runs_in_the_browser(server, browser, archive_path):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in _pages(archive_path):
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined"), f"a payload ran on {path}"
        assert page.locator("img[src='x'], svg[onload], iframe[srcdoc]").count() == 0, path
    assert dialogs == []
    page.goto(f"{server.url}/alerts/{archive_path.alert_ids[-1]}")
    assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("body")
    page.close()


def test_clicking_links_a_page_author_chose_runs_nothing(server, browser, archive_path):
    """javascript:/data: URLs claimed by a page (msg_source_url) are blocked by the page's CSP."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for document_id in archive_path.document_ids:
        page.goto(f"{server.url}/documents/{document_id}")
        for link in page.locator("a[href^='javascript:'], a[href^='data:']").all():
            link.click(no_wait_after=True, modifiers=[])
            page.wait_for_timeout(150)
            if page.url.startswith(server.url):
                assert page.evaluate("window.__pwned === undefined")
            page.goto(f"{server.url}/documents/{document_id}")
    assert dialogs == []
    page.close()


def test_writes_need_the_token(archive_path):
    """``create_app(token=…)`` — what ``serve`` uses off loopback — refuses reads and writes without it."""
    with TestClient(create_app(archive_path.path, token=TOKEN)) as client:
        for method, path in (("post", "/api/alerts/1/reviewed"), ("delete", "/api/alerts/1/reviewed"),
                             ("post", "/alerts/1/review"), ("get", "/api/alerts")):
            response = client.request(method.upper(), path)
            assert response.status_code == 401, (method, path)
            assert TOKEN not in response.text
        wrong = client.post("/api/alerts/1/reviewed", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
    with Archive(archive_path.path) as archive:
        assert archive.alert(1).reviewed_at is None, "a refused write changed the archive"


def test_writes_with_the_token_from_another_site_are_refused(archive_path):
    with TestClient(create_app(archive_path.path, token=TOKEN)) as client:
        alert = archive_path.alert_ids[0]
        auth = {"Authorization": f"Bearer {TOKEN}"}
        refused = client.post(f"/api/alerts/{alert}/reviewed", headers={**auth, "Sec-Fetch-Site": "cross-site"})
        assert refused.status_code == 403
        accepted = client.post(f"/api/alerts/{alert}/reviewed", headers=auth)
        assert accepted.status_code == 200 and accepted.json()["reviewed"] is True


def test_serve_off_loopback_without_token_refuses_to_start(archive_path):
    """192.0.2.1 (TEST-NET) is never bound: the refusal comes before any socket is opened."""
    done = subprocess.run([sys.executable, "-m", "policywatch", "--db", str(archive_path.path), "serve",
                           "--host", "192.0.2.1", "--port", "0"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 2
    assert "--token" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
