"""Page → Document: the normaliser, plus what only the crawler knows.

Two things are added here because only the crawl has the information:

* **PDF attachments.** The spiders download the PDFs an article embeds or links
  and puts their text in ``page.meta["attachments"]`` (``[{"url", "title", "text"}]``).
  When the HTML is only a wrapper (a short notice around the PDF), the PDF text
  becomes the body and the notice is kept in ``doc.meta["notice"]``.
* **Provisional documents.** When a feed links an article that cannot be read
  (network failure, unreadable or anti-bot page), the feed's own title/summary/content
  can be kept as the document, marked ``doc.meta["provisional"] = True``; a later crawl
  fetches the article again and the real text becomes a new version. Whether a copy is
  kept is decided by :class:`crawler.ingest.Ingestor`, which knows what is stored.
"""
from __future__ import annotations

from typing import Any

from crawler.feedparse import html_to_text
from crawler.items import Page
from crawler.normalise import NormaliseError, finish, normalise
from crawler.urls import WECHAT_HOST, host_of
from store.model import Document
from store.records import VersionRecord

#: What an anti-bot interstitial shows instead of the article (the normaliser calls it ``blocked``).
ANTI_BOT_MESSAGES = frozenset({"环境异常", "完成验证后即可继续访问"})

#: HTML bodies shorter than this (characters) around a PDF are treated as a wrapper.
WRAPPER_MAX_CHARS = 400
#: …as is any body the attached PDF text outweighs this many times.
WRAPPER_RATIO = 4


def document_from_page(page: Page) -> Document:
    """Normalise ``page`` into a Document (raises NormaliseError when there is nothing to keep).

    Status pages come back as they are (``deleted``, ``blocked``…), except that an anti-bot
    interstitial is ``unreachable``: the article is still there, only not for us right now.
    Whether a feed's copy should stand in for them is the ingest path's decision (it knows
    the archive).
    """
    if page.meta.get("provisional"):
        return provisional_document(page)
    doc = normalise(page.body, url=page.url, headers=page.headers, source=page.source,
                    fetched_at=page.fetched_at, kind="gov" if page.kind_hint == "gov" else None)
    if doc.status == "blocked" and is_anti_bot(doc):
        doc.status = "unreachable"
    if doc.status != "ok":
        return doc
    if page.final_url and page.final_url != page.url:
        doc.meta.setdefault("final_url", page.final_url)
    apply_selected(doc, page.meta.get("selected") or {})
    if doc.kind == "gov":
        fill_from_listing(doc, page.meta.get("listing") or {})
    return merge_attachments(doc, page.meta.get("attachments") or [])


#: Listing keys (gov.cn library rows) → Document meta names, used where the page lacks them.
LISTING_META = {"written": "成文日期", "index": "索引号", "category": "主题分类"}


def fill_from_listing(doc: Document, listing: dict[str, str]) -> Document:
    """What the list row said (文号, 发文机关, 成文日期, 索引号, 主题分类) where the page says nothing."""
    doc.doc_number = doc.doc_number or listing.get("doc_number") or None
    doc.account = doc.account or listing.get("publisher") or None
    for key, name in LISTING_META.items():
        if listing.get(key) and not doc.meta.get(name):
            doc.meta[name] = listing[key]
    return doc


def apply_selected(doc: Document, picked: dict[str, str]) -> Document:
    """What a ``column`` source's own selectors picked (title, date text, body HTML) wins over the normaliser."""
    if not picked:
        return doc
    from crawler.normalise.times import from_text

    doc.title = picked.get("title") or doc.title
    doc.published_at = from_text(picked.get("date")) or doc.published_at
    if picked.get("body"):
        doc.body = html_to_text(picked["body"]).replace("\n", "\n\n")
    return finish(doc)
def is_anti_bot(doc: Document) -> bool:
    """A ``blocked`` page that is an anti-bot check (verification, captcha), not a violation notice."""
    message = doc.meta.get("message")
    return not message or message in ANTI_BOT_MESSAGES


def merge_attachments(doc: Document, attachments: list[dict[str, Any]]) -> Document:
    """Record attachment texts; a wrapper page takes the PDF text as its body."""
    texts = [a["text"] for a in attachments if a.get("text")]
    if not texts:
        return doc
    pdf_text = "\n\n".join(texts)
    wrapper = len(doc.body) < WRAPPER_MAX_CHARS or len(pdf_text) > WRAPPER_RATIO * len(doc.body)
    known = {a.get("url") for a in doc.attachments}
    for item in attachments:
        if item.get("url") not in known:
            kind = str(item.get("url") or "").lower().split("?")[0].rsplit(".", 1)[-1]
            doc.attachments.append({"title": item.get("title") or "", "url": item.get("url"), "type": kind or "pdf"})
    for entry in doc.attachments:
        match = next((a for a in attachments if a.get("url") == entry.get("url") and a.get("text")), None)
        if match:
            entry["text_chars"] = len(match["text"])
    if wrapper:
        if doc.body.strip():
            doc.meta["notice"] = doc.body
        doc.body = pdf_text
        doc.meta["body_from"] = "pdf"
        finish(doc)
    return doc


def provisional_document(page: Page, *, reason: str | None = None) -> Document:
    """The feed's own view of an article, kept until the article itself can be read."""
    meta = page.meta
    body = html_to_text(meta.get("feed_content") or "") or meta.get("feed_summary") or ""
    doc = Document(
        kind="wechat" if host_of(page.url) == WECHAT_HOST else "generic",
        url=page.url,
        canonical_url=page.url,
        source=page.source,
        title=meta.get("feed_title") or "",
        account=meta.get("feed_account") or None,
        published_at=meta.get("feed_published"),
        fetched_at=page.fetched_at,
        body=body,
        meta={"provisional": True, "reason": reason or meta.get("provisional_reason") or "article not fetched"},
    )
    if not (doc.title or doc.body):
        raise NormaliseError(f"{page.url}: the feed gives neither title nor text for this item")
    return finish(doc)


def is_provisional(version: VersionRecord | None) -> bool:
    """Whether a stored version (``Archive.get(id).version``) is a provisional feed copy."""
    return bool(version and version.meta.get("provisional"))


def from_feed(page: Page) -> bool:
    """Whether the page was reached through a feed item (so a provisional copy is possible)."""
    return "feed_title" in page.meta
