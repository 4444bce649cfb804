"""gov.cn spider (``kind = "govcn"``): the State Council policy library search API and 最新政策.

* ``https://sousuo.www.gov.cn/search-gov/data?t=zhengcelibrary_gw&…`` — the policy library
  (国务院政策文件库). Asked like the site's own page asks it (browser User-Agent, Referer
  ``…/zcwjk/policyDocumentLibrary``); paged with ``p`` (1-based) and ``n`` rows. The answer is
  ``{"code":200,"searchVO":{"listVO":[…]}}`` for one category or ``searchVO.catMap.<cat>.listVO``
  for the combined ``t``; rows carry title (``<em>`` highlighting), url, pcode (文号), puborg,
  pubtime/ptime (ms), index (索引号), childtype (主题分类). ``code`` ≠ 200 is an error.
* ``https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json`` — 最新政策: ``[{TITLE, URL, DOCRELPUBTIME}]``.
* Anything else is read as a column page (see :class:`ColumnSpider`).

Articles (www.gov.cn/zhengce/…/content_N.htm) go to ingest like column articles (gov
normaliser: the 文件信息 table); the list row's 文号/发文机关/成文日期/索引号/主题分类
fill what a page without the table lacks.
"""
from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.http import Request, Response

from crawler.families import Listed, list_date
from crawler.items import Page
from crawler.normalise.times import from_epoch
from crawler.sources import Source, SourceKind
from crawler.spiders.base import BROWSER_UA, short_url
from crawler.spiders.column import ColumnSpider
from crawler.spiders.links import absolute

SEARCH_PATH = "/search-gov/data"
LIBRARY_REFERER = "https://sousuo.www.gov.cn/zcwjk/policyDocumentLibrary"
#: Rows per API page when the source URL does not say (``n``; ≤ 1000 works).
PAGE_ROWS = "20"
_EM = re.compile(r"</?em[^>]*>", re.I)


class GovcnSpider(ColumnSpider):
    """The State Council policy library API and gov.cn 最新政策 (JSON), articles with their 文件信息 table."""

    name = "govcn"
    kinds: ClassVar[tuple[str, ...]] = (SourceKind.GOVCN,)

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources:
            if self.backing_off(source):
                continue
            path = urlsplit(source.url).path
            if path.endswith(SEARCH_PATH):
                yield self._search_request(source, 1)
            elif path.endswith(".json"):
                yield self.list_request(source, source.url, 1, self.parse_latest)
            else:
                yield self.list_request(source, source.url, 1, self.parse_list)

    # --- policy library API ------------------------------------------------------------
    def _search_request(self, source: Source, page_no: int) -> Request:
        parts = urlsplit(source.url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "p"]
        if not any(k == "n" for k, _ in query):
            query.append(("n", PAGE_ROWS))
        url = urlunsplit(parts._replace(query=urlencode([*query, ("p", str(page_no))])))
        return self.list_request(source, url, page_no, self.parse_search,
                                 headers={"Referer": library_referer(source), "Accept": "application/json"})

    def parse_search(self, response: Response) -> Iterator[Request]:
        """One page of library results: new or due articles, then the next page while something was new."""
        if self.refused(response) or self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        try:
            data = json.loads(response.text)
            rows, total = library_rows(data, response.url)
        except (ValueError, KeyError, TypeError) as exc:
            self.runlog.error(source.name, f"policy library API: {exc}: {short_url(response.url)}")
            return
        page_no = response.meta["pw_page"]
        if page_no == 1:
            self.remember_validators(response)
            self.records.unblock(source.name)
        requests = list(self.library_requests(rows, source))
        yield from requests
        listed = [Listed(r["url"], r["title"], r["date"]) for r in rows]
        per_page = int(dict(parse_qsl(urlsplit(response.url).query)).get("n") or PAGE_ROWS)
        if self.more(source, requests, listed, page_no) and (not total or page_no * per_page < total):
            yield self._search_request(source, page_no + 1)

    def library_requests(self, rows: list[dict[str, str]], source: Source) -> Iterator[Request]:
        """Article requests for library rows, their metadata carried along as the listing."""
        for row in rows:
            if self.allowed(row["url"], source) and self.wants(row["url"], source, listed_at=row["date"] or None):
                listing = {k: v for k, v in row.items() if k != "url" and v}
                yield self.guarded(self.request(row["url"], source, self.parse_article,
                                                headers={"Referer": library_referer(source), "User-Agent": BROWSER_UA},
                                                pw_listing=listing))

    # --- 最新政策 JSON --------------------------------------------------------------------------
    def parse_latest(self, response: Response) -> Iterator[Request | Page]:
        """``ZUIXINZHENGCE.json``: one list, no paging."""
        if self.refused(response) or self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        try:
            listed = latest_rows(json.loads(response.text), response.url)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.runlog.error(source.name, f"最新政策 JSON: {exc}: {short_url(response.url)}")
            return
        self.remember_validators(response)
        yield from self.article_requests(listed, source, response.url)


def library_referer(source: Source) -> str:
    """The library page on the source's own host (the real one: sousuo.www.gov.cn)."""
    parts = urlsplit(source.url)
    return urlunsplit(parts._replace(path="/zcwjk/policyDocumentLibrary", query="")) \
        if parts.hostname != "sousuo.www.gov.cn" else LIBRARY_REFERER


def library_rows(data: dict[str, Any], base_url: str) -> tuple[list[dict[str, str]], int]:
    """Rows and total count of a library answer (per-category ``listVO`` or combined ``catMap``)."""
    if data.get("code") != 200:
        raise ValueError(f"answered code {data.get('code')!r} ({data.get('msg') or 'no message'})")
    found = data["searchVO"]
    groups = [found] if "listVO" in found else list((found.get("catMap") or {}).values())
    rows, total = [], 0
    for group in groups:
        total += int(group.get("totalCount") or 0)
        for item in group.get("listVO") or []:
            if item.get("url"):
                rows.append(_library_row(item, base_url))
    return rows, total


def _library_row(item: dict[str, Any], base_url: str) -> dict[str, str]:
    published = from_epoch(item.get("pubtime")) or ""
    return {
        "url": absolute(item["url"], base_url),
        "title": _EM.sub("", item.get("title") or "").strip(),
        "date": published[:10] or list_date(item.get("pubtimeStr") or ""),
        "doc_number": item.get("pcode") or "",
        "publisher": item.get("puborg") or "",
        "written": (from_epoch(item.get("ptime")) or "")[:10],
        "index": item.get("index") or "",
        "category": item.get("childtype") or "",
        "summary": _EM.sub("", item.get("summary") or "").strip(),
    }


def latest_rows(data: list[dict[str, Any]], base_url: str) -> list[Listed]:
    """Rows of ``ZUIXINZHENGCE.json``: ``TITLE``, ``URL``, ``DOCRELPUBTIME``."""
    return [Listed(absolute(item["URL"], base_url), (item.get("TITLE") or "").strip(),
                   list_date(item.get("DOCRELPUBTIME") or ""))
            for item in data if isinstance(item, dict) and item.get("URL")]
