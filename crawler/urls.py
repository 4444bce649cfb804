"""A URL's identity: the one ``canonical_url``, and the URL helpers the crawler shares.

Feeds hand out the same WeChat article under many URLs (``#rd`` / ``#wechat_redirect``
fragments, ``chksm``/``scene`` tracking parameters, ``http`` vs ``https``, ``&amp;``
left escaped, ``appmsgid``/``itemidx``/``sign`` for ``mid``/``idx``/``sn``); without
folding them one article would be stored many times and alert many times. Like Scrapy's
single request ``fingerprint``, one function says when two URLs name the same page: the
feed and list spiders request it, the normaliser keys Documents by it, and the archive
finds a document by it (see docs/design.md, "One identity").
"""
from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

#: Query parameters that only track the reader, never select the content (WeChat share and
#: analytics parameters that also get appended to other sites' links). Parameters that may
#: select content elsewhere (``key``, ``lang``, ``version``…) are kept on non-WeChat hosts.
TRACKING_PARAMS = frozenset({
    "chksm", "scene", "subscene", "sessionid", "clicktime", "enterid", "ascene", "devicetype",
    "nettype", "exportkey", "pass_ticket", "wx_header", "srcid", "sharer_sharetime",
    "sharer_shareid", "sharer_shareinfo", "sharer_shareinfo_first", "from", "isappinstalled",
    "spm", "share_token", "poc_token", "fasttmpl_type", "fasttmpl_fullversion",
    "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src",
})
#: For long WeChat links these select the article (RSSHub's rule); everything else is noise.
WECHAT_ARTICLE_PARAMS = ("__biz", "mid", "idx", "sn")
#: Older spellings of the article parameters (``/mp/appmsg/show`` links).
WECHAT_ALIASES = {"appmsgid": "mid", "itemidx": "idx", "sign": "sn"}
#: Temporary WeChat links (``/s?src=…&timestamp=…``) are only valid with these.
WECHAT_TEMP_PARAMS = ("src", "timestamp", "ver", "signature")
WECHAT_HOST = "mp.weixin.qq.com"


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """The identity of ``url`` (joined to ``base`` when relative): None when it is no web page.

    Only http(s) URLs with a host are pages: ``javascript:``, ``data:``, empty or
    unresolvable links give None. ``&amp;`` is unescaped, the fragment dropped, scheme and
    host lower-cased, an empty path is ``/``. WeChat links are reduced to the article:
    ``/s/<id>`` short links stay bare, long links keep ``__biz``, ``mid``, ``idx``, ``sn``
    (aliases ``appmsgid``/``itemidx``/``sign``), temporary links ``src``, ``timestamp``,
    ``ver``, ``signature``, always over https. Other hosts lose only the tracking
    parameters (:data:`TRACKING_PARAMS`, ``utm_*``); the rest of the query is kept as
    written, so a site's own encoding still names its page. Idempotent.

    >>> canonical_url("http://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=ab&chksm=ff&scene=21#wechat_redirect")
    'https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=ab'
    """
    if not url or not url.strip():
        return None
    url = _unescape_amp(url.strip())
    try:
        parts = urlsplit(urljoin(base, url) if base else url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if host == WECHAT_HOST:
        return _wechat(parts).rstrip()
    query = "&".join(piece for piece in parts.query.split("&") if piece and not _tracking(piece))
    netloc = parts.netloc if parts.username else parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, "")).rstrip()


def _tracking(piece: str) -> bool:
    """Whether one ``name=value`` piece of a query is a tracking parameter."""
    name = piece.split("=", 1)[0].lower()
    return name in TRACKING_PARAMS or name.startswith("utm_")


def _wechat(parts: SplitResult) -> str:
    """A WeChat link reduced to the article it names (see :func:`canonical_url`).

    Aliases count only towards a complete ``__biz``/``mid``/``idx``/``sn`` set; a link
    that is neither a complete article nor a temporary link keeps its article and
    temporary parameters as written (and nothing else).
    """
    base = f"https://{WECHAT_HOST}"
    path = parts.path or "/s"
    if path.startswith("/s/") and len(path) > 3:
        return f"{base}/s/{path[3:].split('/')[0]}"
    written: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        written.setdefault(key, value)
    article = {WECHAT_ALIASES[key]: value for key, value in written.items() if key in WECHAT_ALIASES} | written
    if all(article.get(k) for k in WECHAT_ARTICLE_PARAMS):
        kept = [(k, article[k]) for k in WECHAT_ARTICLE_PARAMS]
    elif written.get("src") and written.get("signature"):
        kept = [(k, written[k]) for k in WECHAT_TEMP_PARAMS if k in written]
    else:
        kept = [(k, written[k]) for k in (*WECHAT_ARTICLE_PARAMS, *WECHAT_ALIASES, *WECHAT_TEMP_PARAMS)
                if k in written]
    return f"{base}{path}" + (f"?{urlencode(kept, safe='=')}" if kept else "")


def _unescape_amp(url: str) -> str:
    """``&amp;`` (once or twice escaped) back to ``&`` — never a full HTML unescape, which
    would read ``&timestamp=`` as ``×tamp=``."""
    while "&amp;" in url or "&#38;" in url:
        url = url.replace("&amp;", "&").replace("&#38;", "&")
    return url


def host_of(url: str) -> str:
    """Lower-case host name of ``url`` ('' when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def port_of(url: str) -> int:
    """The port ``url`` connects to (the scheme's default when none is written)."""
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_private_host(host: str) -> bool:
    """True when ``host`` is, or resolves to, a non-public address (loopback, RFC 1918, link-local…)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return any(not ipaddress.ip_address(a).is_global for a in _resolve(host))


@lru_cache(maxsize=512)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ()
    return tuple({str(info[4][0]).split("%")[0] for info in infos})


#: Query parameters whose values are credentials (feed keys of self-hosted RSS bridges, WeCom
#: ``key``, DingTalk ``access_token``/``sign``, API keys): the one list for logs and messages.
SECRET_PARAMS = frozenset({"key", "token", "access_token", "secret", "password", "pass", "auth", "apikey",
                           "api_key", "sign", "signature", "k"})
MASK = "***"
#: URL credentials wherever a URL appears in a text: credential-like query values, the
#: ``user:password@`` (or bare token) before a host, and a webhook's ``/hook/<token>``.
_CREDENTIALS = (
    (re.compile(r"([?&](?:" + "|".join(sorted(SECRET_PARAMS)) + r")=)[^&#\s'\"<>]+", re.I), r"\1" + MASK),
    (re.compile(r"(://)[^/?#\s@'\"<>]+@"), r"\1" + MASK + "@"),
    (re.compile(r"(/hook/)[A-Za-z0-9_-]+"), r"\1" + MASK),
)


def hide_credentials(text: object) -> str:
    """``text`` (a URL, or a message quoting URLs) with every URL credential replaced by ``***``.

    The one rule for URLs in logs, errors and output; :class:`policywatch.redact.Redactor`
    adds the secrets a config names on top of it.

    >>> hide_credentials("GET https://u:pw@rss.example/f.xml?key=abc&limit=20 failed")
    'GET https://***@rss.example/f.xml?key=***&limit=20 failed'
    """
    result = str(text)
    for pattern, replacement in _CREDENTIALS:
        result = pattern.sub(replacement, result)
    return result
