"""Canonical URLs: one spelling per WeChat article, whatever link the feed gave."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

WECHAT_HOST = "mp.weixin.qq.com"
_KEEP = ("__biz", "mid", "idx", "sn")
_ALIASES = {"appmsgid": "mid", "itemidx": "idx", "sign": "sn"}
_TEMPORARY = ("src", "timestamp", "ver", "signature")


def canonical_url(url: str | None) -> str | None:
    """Normalise a URL: WeChat links per RSSHub's rules, others without the fragment.

    Only http(s) URLs with a host are URLs here: ``javascript:``, ``data:`` and
    relative paths give None.

    ``/s/<id>`` short links stay bare; long ``/s?…`` links keep only __biz, mid,
    idx and sn (aliases appmsgid/itemidx/sign); temporary links keep src,
    timestamp, ver, signature. ``&amp;`` is unescaped and http becomes https.
    """
    if not url:
        return None
    url = _unescape_amp(url.strip())
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.hostname != WECHAT_HOST:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")) or None
    return _wechat(parts.path, parts.query)


def _wechat(path: str, query: str) -> str:
    base = f"https://{WECHAT_HOST}"
    if path.startswith("/s/") and len(path) > 3:
        return f"{base}/s/{path[3:].split('/')[0]}"
    params = {_ALIASES.get(k, k): v[0] for k, v in parse_qs(query).items() if v}
    if all(params.get(k) for k in _KEEP):
        return f"{base}{path}?" + urlencode({k: params[k] for k in _KEEP}, safe="=")
    if all(params.get(k) for k in _TEMPORARY):
        return f"{base}{path}?" + urlencode({k: params[k] for k in _TEMPORARY}, safe="=")
    return f"{base}{path}" + (f"?{query}" if query else "")


def _unescape_amp(url: str) -> str:
    """``&amp;`` (once or twice escaped) back to ``&`` — never a full HTML unescape, which
    would read ``&timestamp=`` as ``×tamp=``."""
    while "&amp;" in url or "&#38;" in url:
        url = url.replace("&amp;", "&").replace("&#38;", "&")
    return url


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
