"""What a page's links are worth: absolute web URLs, same site, WeChat.

A URL's identity (``canonical_url``) is defined once, in :mod:`crawler.urls`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawler.urls import WECHAT_HOST


def web_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (for links a page merely claims)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    return (url or "").strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def same_site(first: str | None, second: str | None) -> bool:
    """Both URLs are on the same host (``www.`` and letter case ignored)."""
    def host(url: str | None) -> str:
        try:
            name = urlsplit(url or "").hostname or ""
        except ValueError:
            return ""
        return name.lower().removeprefix("www.")

    return bool(host(first)) and host(first) == host(second)


def is_wechat(url: str | None) -> bool:
    """True for an mp.weixin.qq.com link."""
    try:
        return bool(url) and urlsplit(url).hostname == WECHAT_HOST
    except ValueError:
        return False
