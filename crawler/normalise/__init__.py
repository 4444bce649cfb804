"""Normalisers: turn a fetched page (or a saved file) into one Document.

``normalise(data)`` picks the normaliser by content (``kind`` forces one),
decodes bytes correctly, and fills the outline and the content hash;
``load(target)`` does the same for a path or an http(s) URL.
"""
from __future__ import annotations

import hashlib

from crawler.normalise.decode import decode, gunzip
from crawler.normalise.errors import NormaliseError
from crawler.normalise.pdf import is_pdf, pdf_document
from crawler.normalise.registry import KINDS, candidates, get, help_texts, load_all
from crawler.normalise.sanitise import sanitise
from crawler.normalise.slim import slim_wechat
from crawler.normalise.urls import same_site, web_url
from crawler.urls import canonical_url
from store.model import Document

__all__ = ["KINDS", "Document", "NormaliseError", "help_texts", "load", "normalise"]


def normalise(data: bytes | str, *, url: str | None = None, kind: str | None = None,
              headers: dict[str, str] | None = None, source: str | None = None,
              fetched_at: str | None = None) -> Document:
    """One page (bytes or text) to a Document; status pages come back with ``status`` set.

    Raises NormaliseError (one-line message) for empty, binary or truncated input
    and for pages with no article text.
    """
    load_all()
    headers = headers or {}
    if isinstance(data, bytes):
        data = gunzip(data)
        if is_pdf(data):
            return _finished(pdf_document(data, url), url, source, fetched_at)
        if kind in (None, "wechat"):
            data = slim_wechat(data) or data
    text = decode(data, headers)
    if _truncated(text):
        raise NormaliseError("truncated HTML: the page ends before </body> or </html>")
    doc = _read(text, url, kind, headers)
    return _finished(doc, url, source, fetched_at)


def _read(text: str, url: str | None, kind: str | None, headers: dict[str, str]) -> Document:
    """The first reader that finds the article (or a status) in the page.

    Content sniffing can pick the wrong reader (a news page carrying WeChat's share
    script, a saved page linking to miit.gov.cn); a page is lost only when every
    plausible reader, ending with the generic one, finds nothing. The readers that
    failed first are recorded in ``meta["tried"]``. A forced ``kind`` is not second-guessed.
    """
    readers = iter([get(kind)]) if kind else candidates(text, url)
    tried: list[str] = []
    failure: NormaliseError | None = None
    for reader in readers:
        try:
            doc = reader.parse(text, url=url, headers=headers)
            _require_text(doc)
        except NormaliseError as exc:
            tried.append(reader.kind)
            failure = failure or exc
            continue
        if tried:
            doc.meta["tried"] = tried
        return doc
    raise failure or NormaliseError("no article text found")


def _require_text(doc: Document) -> None:
    """An ok document without any text is bad input (a status page carries none by design)."""
    if doc.status == "ok" and not (doc.body.strip() or doc.lead.strip() or doc.attachments):
        raise NormaliseError(f"no article text found (read as a {doc.kind} page)")


def _finished(doc: Document, url: str | None, source: str | None, fetched_at: str | None) -> Document:
    """Caller-given facts filled in, the text sanitised, outline and content hash computed."""
    doc.url = doc.url or url
    _distrust_claims(doc, url)
    doc.source = source or doc.source
    doc.fetched_at = fetched_at or doc.fetched_at
    sanitise(doc)
    _require_text(doc)
    return finish(doc)


def _distrust_claims(doc: Document, fetched_from: str | None) -> None:
    """A page may not claim another site's address as its own.

    The archive keys documents by canonical URL, so a page fetched from one host
    that names an article on another host (WeChat ``msg_link``, ``og:url``) would
    add a forged version to that article. Such a claim is kept in
    ``meta["claimed_canonical_url"]`` and the fetched URL is used instead.
    Claimed links that are not http(s) (``javascript:``, ``data:``) are dropped.
    """
    claimed = doc.canonical_url
    if fetched_from and claimed and not same_site(fetched_from, claimed):
        doc.meta["claimed_canonical_url"] = claimed
        doc.canonical_url = canonical_url(fetched_from)
    doc.canonical_url = canonical_url(doc.canonical_url)
    doc.origin_url = web_url(doc.origin_url)


def finish(doc: Document) -> Document:
    """Fill ``outline`` and ``content_hash`` from the text (diffing's folding and outline)."""
    from diffing.segment import outline_dicts
    from diffing.textnorm import fold

    doc.outline = outline_dicts(doc.body) if doc.body else []
    key = fold(f"{doc.title}\n{doc.lead}\n{doc.body}")
    doc.content_hash = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return doc


def _truncated(text: str) -> bool:
    """An HTML document that opens <html>/<body> but never closes either was cut short.

    Only the second half is searched for the closing tags: some pages open with
    comment "traps" holding empty ``<body></body><html></html>`` pairs.
    """
    head = text[:65_536].lower()
    if "<html" not in head and "<body" not in head:
        return False
    tail = text[max(len(text) // 2, len(text) - 65_536):].lower()
    return "</html" not in tail and "</body" not in tail


def load(target: str, *, kind: str | None = None, url: str | None = None, timeout: float = 20.0) -> Document:
    """Normalise a file path or an http(s) URL; NormaliseError with one line on failure.

    ``url`` is where a saved file was taken from: it names the document (canonical
    URL, site-specific readers) as if the page had been fetched from there.
    """
    from crawler.normalise.fetch import read_target

    fetched = read_target(target, timeout=timeout)
    return normalise(fetched.data, url=url or fetched.url, kind=kind, headers=fetched.headers,
                     fetched_at=fetched.fetched_at)
