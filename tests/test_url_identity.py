"""One identity for a URL: ``crawler.urls.canonical_url`` is idempotent and keeps every form
the two functions it replaced (the feed spiders' and the normaliser's) agreed on, so keys
already in an archive still name their documents."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import SplitResult, parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from hypothesis import example, given
from hypothesis import strategies as st

from crawler.normalise import finish
from crawler.urls import TRACKING_PARAMS, canonical_url
from store.archive import Archive
from store.model import Document

WECHAT = "mp.weixin.qq.com"


# --- the two definitions as they were before they became one (frozen here as the oracle) -----
def _old_spider_form(url: str) -> str:
    parts = urlsplit(url.strip())
    query = parse_qsl(parts.query, keep_blank_values=True)
    if (parts.hostname or "").lower() == WECHAT:
        params = dict(query)
        if parts.path.startswith("/s/"):
            return f"https://{WECHAT}{parts.path}"
        keys = (("src", "timestamp", "ver", "signature") if "src" in params and "signature" in params
                else ("__biz", "mid", "idx", "sn", "appmsgid", "itemidx", "sign"))
        kept = [(k, params[k]) for k in keys if k in params]
        return urlunsplit(("https", WECHAT, parts.path or "/s", urlencode(kept, safe="="), ""))
    kept = [(k, v) for k, v in query if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")]
    netloc = parts.netloc.lower() if not parts.username else parts.netloc
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(kept, safe="=,[]{}\":"), ""))


def _old_normaliser_form(url: str) -> str | None:
    url = url.strip()
    while "&amp;" in url or "&#38;" in url:
        url = url.replace("&amp;", "&").replace("&#38;", "&")
    parts: SplitResult = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.hostname != WECHAT:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")) or None
    base, path, query = f"https://{WECHAT}", parts.path, parts.query
    if path.startswith("/s/") and len(path) > 3:
        return f"{base}/s/{path[3:].split('/')[0]}"
    aliases = {"appmsgid": "mid", "itemidx": "idx", "sign": "sn"}
    params = {aliases.get(k, k): v[0] for k, v in parse_qs(query).items() if v}
    for keys in (("__biz", "mid", "idx", "sn"), ("src", "timestamp", "ver", "signature")):
        if all(params.get(k) for k in keys):
            return f"{base}{path}?" + urlencode({k: params[k] for k in keys}, safe="=")
    return f"{base}{path}" + (f"?{query}" if query else "")


# --- URLs as feeds, list pages and articles write them ----------------------------------------
NAMES = st.sampled_from(["__biz", "mid", "idx", "sn", "appmsgid", "itemidx", "sign", "src", "timestamp", "ver",
                         "signature", "chksm", "scene", "utm_source", "from", "id", "p", "page", "key", "Lang"])
VALUES = st.text(alphabet="aZ09=-_%./ ", max_size=6)
PARAMS = st.lists(st.tuples(NAMES, VALUES), max_size=6).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
URLS = st.builds(
    lambda scheme, host, path, query, amp, fragment: (
        f"{scheme}://{host}{path}" + (f"?{query.replace('&', '&amp;') if amp else query}" if query else "")
        + (f"#{fragment}" if fragment else "")),
    st.sampled_from(["http", "https", "HTTPS", "ftp"]),
    st.sampled_from([WECHAT, "www.miit.gov.cn", "Example.ORG", "u:p@rss.example", "127.0.0.1:8000"]),
    st.sampled_from(["", "/", "/s", "/s/", "/s/KDWh_qGpFN5Vu1TR9t30Mw", "/s/a/b", "/mp/appmsg/show", "/a/art_1.html"]),
    PARAMS, st.booleans(), st.sampled_from(["", "rd", "wechat_redirect", "top"]))


@given(URLS)
@example("http://mp.weixin.qq.com/s?__biz=MzA5==&mid=26&idx=1&sn=ab12&chksm=ff&scene=21#wechat_redirect")
@example("https://mp.weixin.qq.com/s?src=11&timestamp=1700000000&ver=4&signature=xyz&new=1")
@example("https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw?scene=1#rd")
@example("https://www.miit.gov.cn/a/art_1.html?id=7#top")
def test_canonical_url_keeps_every_form_the_two_old_definitions_agreed_on(url: str) -> None:
    spider, normaliser = _old_spider_form(url), _old_normaliser_form(url)
    if spider == normaliser:
        assert canonical_url(url) == spider


@given(st.one_of(URLS, st.text(max_size=40)), st.sampled_from([None, "https://www.miit.gov.cn/col/", "https://x.org"]))
@example("https://mp.weixin.qq.com/s?__biz=a&amp;amp;mid=1", None)
@example("HTTP://Example.ORG?utm_source=x&&a=1#f", None)
def test_canonical_url_is_idempotent(url: str, base: str | None) -> None:
    once = canonical_url(url, base)
    if once is not None:
        assert canonical_url(once) == once
        assert urlsplit(once).scheme in ("http", "https") and not urlsplit(once).fragment


def test_relative_links_resolve_against_the_page_and_non_pages_have_no_identity() -> None:
    assert canonical_url("../a/art_2.html#x", "https://www.miit.gov.cn/col/list/") == \
        "https://www.miit.gov.cn/col/a/art_2.html"
    assert canonical_url(urljoin("https://x.org/", "javascript:void(0)")) is None
    assert canonical_url("data:text/html,hi") is None and canonical_url(None) is None and canonical_url(" ") is None


# --- the archive finds a document by the same identity ----------------------------------------
SHORT = "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"
LONG = "https://mp.weixin.qq.com/s?__biz=MzA5==&mid=26&idx=1&sn=ab12"


def test_a_document_keeps_the_key_it_was_first_stored_under(tmp_path: Path) -> None:
    """The feed's short link first (a provisional copy), then the article naming its long link, then
    the article deleted (naming no link at all): one document, keyed as it was first stored."""
    with Archive(tmp_path / "a.db") as archive:
        first = archive.save(finish(Document(kind="wechat", url=SHORT, canonical_url=canonical_url(SHORT),
                                             title="通知", body="转发的摘要。", meta={"provisional": True})))
        article = archive.save(finish(Document(kind="wechat", url=SHORT, canonical_url=LONG, title="通知",
                                               body="全文：推动不少于50000家企业。")))
        deleted = archive.save(Document(kind="wechat", url=SHORT, canonical_url=canonical_url(SHORT),
                                        status="deleted"))
        other = archive.save(finish(Document(kind="wechat", url=LONG.replace("mid=26", "mid=27"), title="别的",
                                             body="另一篇。")))
        assert first.document_id == article.document_id == deleted.document_id != other.document_id
        assert (article.outcome, deleted.outcome) == ("new_version", "status_changed")
        assert archive.get(first.document_id).key == SHORT
