"""Anti-bot answers of government sites: recognised, never stored as documents.

Rule data (status codes, markers) apart from the one function that reads them. What
the notes (docs/sources.md) describe:

* ``js-challenge`` — 瑞数 (Rivers Security): HTTP 412 with an inline ``$_ts`` script;
  知道创宇 加速乐: 521/512 pages setting ``__jsl_clearance`` from JavaScript.
* ``waf`` — a 403 page from a web application firewall (or any 403 to a list/article).
* ``rate-limited`` — 访问过于频繁 / 访问频率限制 / 请输入验证码 pages (often HTTP 200), and 429.

Passing a challenge means running the site's JavaScript: out of scope. The crawl
reports the source ``blocked`` with the reason and backs off (see ColumnSpider).
"""
from __future__ import annotations

#: Markers of JavaScript cookie challenges (in a small page body).
JS_CHALLENGE_MARKERS = ("$_ts", "__jsl_clearance", "__jsluid", "document.cookie=")
#: Statuses that are a JS challenge when such a marker is present (412 alone is one too).
JS_CHALLENGE_STATUSES = (412, 512, 521)
#: Markers of WAF block pages.
WAF_MARKERS = ("waf", "WAF", "防火墙", "拦截", "安全狗", "创宇盾", "Access Denied", "访问被拒绝", "非法请求")
#: Markers of rate-limit and captcha pages.
RATE_MARKERS = ("访问过于频繁", "访问频率限制", "访问太频繁", "请输入验证码", "请完成安全验证", "滑动验证")
#: A 200 page longer than this is an article that may mention the words, not a block page.
SMALL_PAGE = 6_000


def challenge(status: int, body: bytes | str) -> str | None:
    """The reason a response is an anti-bot answer (``js-challenge``, ``waf``, ``rate-limited``), else None."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    small = len(text) <= SMALL_PAGE
    if status == 412 or (status in JS_CHALLENGE_STATUSES and any(m in text for m in JS_CHALLENGE_MARKERS)):
        return "js-challenge"
    if status == 429:
        return "rate-limited"
    if status == 403:
        return "rate-limited" if any(m in text for m in RATE_MARKERS) else "waf"
    if small and any(m in text for m in RATE_MARKERS):
        return "rate-limited"
    if small and status == 200 and "$_ts" in text and "<script" in text:
        return "js-challenge"
    return None


#: Statuses spiders let through to their callbacks so that :func:`challenge` can read them.
BLOCK_STATUSES = (403, 412, 429, 512, 521)
