"""WeChat error pages served with HTTP 200: deleted, blocked (violation, anti-bot), unavailable."""
from __future__ import annotations

import re

from crawler.normalise import rules
from crawler.urls import canonical_url
from store.model import Document

_TAGS = re.compile(r"<[^>]+>")
_DESC = re.compile(r'class="weui-msg__desc"[^>]*>(.*?)</div>', re.S)
_TITLE = re.compile(r"""class=["']weui-msg__title[^>]*>(.*?)</(?:h\d|div|p)>""", re.S)
#: The message block of WeChat's error template: a page that has it and no article
#: is an error page even when its wording is one no marker knows yet.
_MESSAGE_BLOCK = "weui-msg__title"


def page_status(page: str, *, known_wechat: bool = True) -> str | None:
    """``deleted`` / ``blocked`` / ``unavailable`` when a status marker is on the page.

    When the page is not known to come from WeChat, only the markers that are
    WeChat's own wording count (an article may well mention 环境异常).
    """
    visible = _squeezed(_TAGS.sub("", page[:400_000]))
    for status, marker in rules.WECHAT_STATUS_MARKERS:
        if _squeezed(marker) in visible and (known_wechat or marker not in rules.WECHAT_WEAK_STATUS_MARKERS):
            return status
    if known_wechat and ("/mp/wappoc_appmsgcaptcha" in page or "captcha" in page[:2000].lower()):
        return "blocked"
    if known_wechat and _MESSAGE_BLOCK in page[:400_000]:
        return "unavailable"
    return None


def _squeezed(text: str) -> str:
    """Lower-case text without any whitespace: markers match however the template breaks lines."""
    return "".join(text.split()).lower()


def status_document(page: str, status: str, url: str | None) -> Document:
    """A Document with the status, the message shown to readers and no body."""
    visible = _squeezed(_TAGS.sub("", page))
    message = next((m for s, m in rules.WECHAT_STATUS_MARKERS if s == status and _squeezed(m) in visible), "")
    if not message and (title := _TITLE.search(page)):
        message = " ".join(_TAGS.sub(" ", title.group(1)).split())
    desc = _DESC.search(page)
    reason = " ".join(_TAGS.sub(" ", desc.group(1)).split()) if desc else ""
    meta = {k: v for k, v in {"message": message, "reason": reason}.items() if v}
    return Document(kind="wechat", status=status, url=url, canonical_url=canonical_url(url), meta=meta)
