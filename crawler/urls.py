"""URL clean-up for links found in feeds and list pages.

Feeds hand out the same WeChat article under many URLs (``#rd`` / ``#wechat_redirect``
fragments, ``chksm``/``scene`` tracking parameters, ``http`` vs ``https``); without
folding them one article would be stored many times and alert many times.
"""
from __future__ import annotations

import ipaddress
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
#: For long WeChat links these select the article; everything else is noise.
WECHAT_ARTICLE_PARAMS = ("__biz", "mid", "idx", "sn", "appmsgid", "itemidx", "sign")
#: Temporary WeChat links (``/s?src=…&timestamp=…``) are only valid with these.
WECHAT_TEMP_PARAMS = ("src", "timestamp", "ver", "signature")
WECHAT_HOST = "mp.weixin.qq.com"


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, fragment-free URL without tracking parameters (WeChat links reduced to their id).

    >>> canonical_url("http://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=ab&chksm=ff&scene=21#wechat_redirect")
    'https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=2&sn=ab'
    """
    url = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=True)
    if host == WECHAT_HOST:
        return _wechat(parts, query)
    kept = [(k, v) for k, v in query if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")]
    netloc = parts.netloc.lower() if not parts.username else parts.netloc
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(kept, safe="=,[]{}\":"), ""))


def _wechat(parts: SplitResult, query: list[tuple[str, str]]) -> str:
    params = dict(query)
    if parts.path.startswith("/s/"):
        return f"https://{WECHAT_HOST}{parts.path}"
    keys = WECHAT_TEMP_PARAMS if "src" in params and "signature" in params else WECHAT_ARTICLE_PARAMS
    kept = [(k, params[k]) for k in keys if k in params]
    return urlunsplit(("https", WECHAT_HOST, parts.path or "/s", urlencode(kept, safe="="), ""))


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


#: Query parameters that carry credentials in feed URLs (self-hosted RSS bridges, API keys).
SECRET_PARAMS = frozenset({"key", "token", "access_token", "secret", "password", "pass", "auth", "apikey",
                           "api_key", "sign", "signature", "k"})


def redact(url: str) -> str:
    """``url`` with credential-like query values and user:password replaced by ``***`` (for logs)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="=,[]{}\":*"), parts.fragment))
