"""Links in MIIT pages: absolute URLs and PDF attachments (pure functions, tested directly)."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector


def attachment_links(html: str, base_url: str, exts: tuple[str, ...] = (".pdf",)) -> list[dict[str, str]]:
    """Attachments of an article: ``iframe[fileurl]`` (the viewer's clean path) and links ending in ``exts``."""
    selector = Selector(text=html)
    found: dict[str, str] = {}
    for frame in selector.css("iframe[fileurl]"):
        found.setdefault(absolute(frame.attrib["fileurl"], base_url), frame.attrib.get("title", ""))
    for link in selector.css("a[href]"):
        href = link.attrib["href"]
        text = " ".join(link.css("::text").getall()).strip()
        viewer = re.search(r"[?&]file=([^&#]+\.pdf)", href, re.I)
        if viewer:
            href = viewer.group(1)
        if re.split(r"[?#]", href)[0].lower().endswith(exts):
            found.setdefault(absolute(href, base_url), text)
    return [{"url": url, "title": title} for url, title in found.items()]


def same_scheme(url: str, source_url: str) -> str:
    """List pages link ``http://www.miit.gov.cn/…`` from an https site: one article, one URL."""
    parts, source = urlsplit(url), urlsplit(source_url)
    if parts.scheme == "http" and source.scheme == "https" and parts.netloc == source.netloc:
        return urlunsplit(parts._replace(scheme="https"))
    return url


def absolute(href: str, base_url: str) -> str:
    """``href`` made absolute against ``base_url``, without its fragment."""
    return urljoin(base_url, href.strip()).split("#")[0]
