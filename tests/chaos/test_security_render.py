"""Attacker-controlled page text is rendered harmless everywhere it is shown.

Titles, bodies, account names, authors and URLs carrying script payloads go through
the real ingest path, then through every output: the differ's HTML report, the review
page (HTML through the ASGI app; the real browser is in test_security_browser.py),
email (a real SMTP server), chat markdown (WeCom, DingTalk, Feishu webhooks on a local
receiver), the generic webhook and the Atom feed.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from fastapi.testclient import TestClient

from diffing import compare
from diffing.render_html import render_html
from policywatch.alerts import deliver
from policywatch.channels import build_channels
from policywatch.config import parse_config
from policywatch.web import create_app
from store.archive import Archive
from tests.chaos import hostile
from tests.chaos.mailbox import mailbox
from tests.chaos.receiver import Receiver

BASE_URL = "http://127.0.0.1:8080"
MD_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]*)")


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("hostile") / "hostile.db")


@pytest.fixture(scope="module")
def delivered(archive_path, tmp_path_factory):
    """Every hostile alert delivered to email, three chat bots, a webhook and an Atom file."""
    atom = tmp_path_factory.mktemp("atom") / "alerts.atom"
    with mailbox() as mail, Receiver() as bots:
        config = parse_config({"web": {"base_url": BASE_URL}, "channel": [
            {"name": "mail", "kind": "email", "url": mail.url, "from": "pw@example.org", "to": "a@example.org",
             "starttls": False},
            {"name": "wecom", "kind": "wecom", "url": f"{bots.base_url}/wecom?key=k"},
            {"name": "dingtalk", "kind": "dingtalk", "url": f"{bots.base_url}/dingtalk?access_token=t"},
            {"name": "feishu", "kind": "feishu", "url": f"{bots.base_url}/feishu/hook/abc"},
            {"name": "hook", "kind": "webhook", "url": f"{bots.base_url}/hook"},
            {"name": "feed", "kind": "atom", "path": str(atom)},
        ]})
        channels = build_channels(config)
        with Archive(archive_path.path) as archive:
            report = deliver(archive, config, channels)
        for channel in channels:
            channel.close()
        assert report.failed == 0, [c.line() for c in report.channels]
        yield {"mail": mail.messages(), "posts": list(bots.posts), "atom": atom.read_text(encoding="utf-8")}


def _visible_text(markup: str) -> str:
    return lxml.html.document_fromstring(markup).text_content()


def test_diff_html_report_is_inert(archive_path):
    with Archive(archive_path.path) as archive:
        plan = archive.plans()[0]
        for document_id in archive_path.document_ids:
            version = archive.get(document_id).version.to_dict()
            text = "\n\n".join(p for p in (version["lead"], version["body"]) if p)
            cmp = compare(plan["body"], text, plan_title=plan["title"], doc_title=version["title"])
            page = render_html(cmp)
            assert hostile.inert_html_problems(page) == [], version["title"]
            assert version["title"] in _visible_text(page), "the payload must be shown as text, not dropped"


def test_email_html_is_inert(delivered, archive_path):
    mails = delivered["mail"]
    assert len(mails) == len(archive_path.alert_ids)
    for mail in mails:
        html_part = mail.get_body(("html",)).get_content()
        assert hostile.inert_html_problems(html_part) == []
        assert "\n" not in mail["Subject"], "page text must not inject mail headers"
    shown = " ".join(_visible_text(m.get_body(("html",)).get_content()) for m in mails)
    assert "<script>window.__pwned=1;alert(1)</script>" in shown


def _rendered_strings(value, key: str = "") -> list[str]:
    """The markdown a chat bot renders: string values under text/content keys (plain-text titles skipped)."""
    if isinstance(value, dict) and value.get("tag") == "plain_text":
        return []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _rendered_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _rendered_strings(v, key)]
    return [value] if isinstance(value, str) and key in ("text", "content") else []


def _chat_markdown(delivered) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"wecom": [], "dingtalk": [], "feishu": []}
    for path, body in delivered["posts"]:
        kind = path.strip("/").split("/")[0].split("?")[0]
        if kind in texts:
            texts[kind].append("\n".join(_rendered_strings(json.loads(body))))
    return texts


def test_chat_markdown_is_inert(delivered, archive_path):
    for kind, bodies in _chat_markdown(delivered).items():
        assert len(bodies) == len(archive_path.alert_ids), kind
        for markdown in bodies:
            assert markdown, f"{kind}: no markdown text found"
            for target in MD_LINK.findall(markdown):
                assert target.startswith(("http://", "https://")), f"{kind}: link to {target!r}"
            for tag in ("<script", "<at ", "<img", "<svg", "<iframe"):
                assert tag not in markdown, f"{kind}: raw {tag} from page text"


def test_generic_webhook_keeps_text_as_data(delivered):
    bodies = [json.loads(body) for path, body in delivered["posts"] if path == "/hook"]
    titles = [alert["title"] for body in bodies for alert in body["alerts"]]
    assert any("<script>window.__pwned=1;alert(1)</script>" in title for title in titles), \
        "the JSON payload carries the text exactly (the receiver escapes it for its own output)"


def test_atom_feed_is_inert(delivered):
    root = ET.fromstring(delivered["atom"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for link in root.iterfind(".//a:link", ns):
        assert link.get("href", "").startswith(("http://", "https://")), link.get("href")
    for content in root.iterfind(".//a:content", ns):
        if content.get("type") == "html":
            assert hostile.inert_html_problems(content.text or "") == []
        else:
            assert content.get("type") in (None, "text") and len(list(content)) == 0


@pytest.fixture(scope="module")
def client(archive_path):
    with TestClient(create_app(archive_path.path)) as client:
        yield client


def _review_paths(archive_path) -> list[str]:
    with Archive(archive_path.path) as archive:
        comparisons = [c["id"] for c in archive.comparisons()]
    paths = ["/", "/alerts", "/plans", "/plans/1", "/search?q=script", "/search?q=%3Cimg+src%3Dx%3E",
             "/alerts.atom"]
    paths += [f"/alerts/{a}" for a in archive_path.alert_ids]
    paths += [f"/documents/{d}" for d in archive_path.document_ids]
    paths += [f"/diff/{c}" for c in comparisons]
    return paths


def test_review_pages_are_inert(client, archive_path):
    for path in _review_paths(archive_path):
        response = client.get(path)
        assert response.status_code == 200, path
        if "html" in response.headers["content-type"]:
            assert hostile.inert_html_problems(response.text, links=False) == [], path
    page = client.get(f"/alerts/{archive_path.alert_ids[-1]}").text
    assert "window.__pwned" in _visible_text(page), "payloads are shown as text"


def test_review_pages_link_only_to_web_urls(client, archive_path):
    problems = {path: hostile.inert_html_problems(client.get(path).text)
                for path in _review_paths(archive_path) if not path.endswith(".atom")}
    assert {path: found for path, found in problems.items() if found} == {}
