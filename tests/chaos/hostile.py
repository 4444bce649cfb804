"""An archive full of attacker-controlled text, built through the real ingest path.

Every field a page author controls — title, account, author, lead, body, URL, origin —
carries one of :data:`PAYLOADS`. The bodies are the tracked plan with a payload
sentence and a changed figure, so each document is compared, raises an alert, and
its payloads reach every renderer: the HTML diff, the review page, email, chat, Atom.

:func:`inert_html_problems` is the one judge of "rendered harmless" for HTML output.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lxml.html

from crawler.ingest import Ingestor
from crawler.normalise import finish, load
from store.archive import Archive
from store.model import Document
from tests.chaos import pages

#: Script-execution attempts in page text; each one sets ``window.__pwned`` or opens a dialog if it runs.
PAYLOADS = (
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "'><svg onload=window.__pwned=1>",
    "</textarea></title><script>window.__pwned=1</script>",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    "[点我](javascript:window.__pwned=1) <a href=\"javascript:window.__pwned=1\">链接</a>",
    "{{ 7*7 }}{% print('pwned') %}${7*7}",
    "**粗体** `code` # 标题 > 引用 @all <at user_id=\"all\">所有人</at>",
)
#: URLs a hostile page can claim as its canonical (msg_link) or origin (msg_source_url) URL.
HOSTILE_URLS = (
    "javascript:window.__pwned=1//",
    "https://evil.example/\"><script>window.__pwned=1</script>",
    "data:text/html,<script>window.__pwned=1</script>",
)
_EVENT_ATTRS = ("onerror", "onload", "onclick", "onmouseover", "onfocus", "srcdoc")


@dataclass
class HostileArchive:
    """The archive file and what was put in it."""

    path: Path
    document_ids: list[int]
    alert_ids: list[int]


def build(path: Path) -> HostileArchive:
    """Track the seed plan and ingest one hostile document per payload and per hostile URL."""
    plan = load(str(pages.SEED_PLAN))
    document_ids: list[int] = []
    with Archive(path) as archive:
        archive.track_plan(pages.PLAN_NAME, plan)
        ingestor = Ingestor(archive)
        for index, payload in enumerate(PAYLOADS + HOSTILE_URLS):
            result = ingestor.ingest_document(_document(index, payload, plan.body), source=f"src{payload[:20]}")
            assert result.document_id is not None
            document_ids.append(result.document_id)
        alert_ids = [alert.id for alert in archive.alerts(limit=100)]
    return HostileArchive(path, document_ids, alert_ids)


def _document(index: int, payload: str, plan_body: str) -> Document:
    """A document as a hostile page normalises: the fetched URL is http(s), but the page's own
    ``msg_link`` / ``msg_source_url`` (canonical and origin URL) say whatever the author wants."""
    url = f"https://mp.weixin.qq.com/s/hostile{index}?x=\"><b>{index}"
    claimed = payload if payload in HOSTILE_URLS else url
    body = plan_body.replace("50000", str(60000 + index)).replace("。", f"。{payload}", 1)
    doc = Document(kind="wechat", url=url, canonical_url=claimed, title=f"标题{index}{payload}",
                   account=f"账号{payload}", author=payload, origin=payload, origin_url=claimed,
                   lead=f"导语{payload}", body=body, published_at="2026-01-07T10:00:00+08:00")
    return finish(doc)


def inert_html_problems(markup: str, *, links: bool = True,
                        allowed_scripts: tuple[str, ...] = ("/static/",)) -> list[str]:
    """Everything in ``markup`` that could run a payload: inline scripts, event handlers,
    frames, SVG, images pointing at ``x`` and (with ``links``) ``javascript:``/``data:`` links."""
    if not markup.strip():
        return []
    root = lxml.html.document_fromstring(markup)
    problems = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script" and (element.text or "").strip():
            problems.append(f"inline <script>: {(element.text or '')[:60]!r}")
        if tag == "script" and element.get("src") and not element.get("src").startswith(allowed_scripts):
            problems.append(f"<script src={element.get('src')!r}>")
        if tag in ("iframe", "svg", "object", "embed", "at"):
            problems.append(f"<{tag}> element from page text")
        if tag == "img" and element.get("src") == "x":
            problems.append("<img src=x> from page text")
        for name, value in element.attrib.items():
            if name.lower() in _EVENT_ATTRS:
                problems.append(f"<{tag} {name}=…> from page text")
            if links and name.lower() in ("href", "src", "action", "formaction") and \
                    value.strip().lower().startswith(("javascript:", "data:text", "vbscript:")):
                problems.append(f"<{tag} {name}={value[:40]!r}>")
    return problems
