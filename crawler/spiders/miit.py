"""MIIT spider: column pages → jpaas list API → articles → PDF attachments; and the search API.

How www.miit.gov.cn works (docs/crawler.md has the details): a column page
(``/zwgk/zcjd/index.html``) is a JavaScript shell whose ``script[parseType=buildstatic]``
carries ``queryData`` (single-quoted JSON). The list itself comes from
``GET /api-gateway/jpaas-publish-server/front/page/build/unit`` with those parameters
plus ``paramJson={"pageNo":N,"pageSize":"24"}``; the WAF wants a browser User-Agent and
the column page as Referer. The JSON's ``data.html`` holds ``.page-content ul li``
rows (``a[title][href]`` + ``span.fr`` date). Articles may be only a notice around a
PDF (``iframe[fileurl]`` or 附件 links): the PDF is downloaded and its text handed to
the ingest path in ``Page.meta["attachments"]``.

The 政策文件 search API (``/search-front-server/api/search/info``) answers JSON with
double-encoded fields; a source whose URL is that API is read as a result list.

Pagination stops at the first page that brings nothing new (or at ``max_pages``).
"""
from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import Page
from crawler.sources import Source, SourceKind
from crawler.spiders.attachments import AttachmentsMixin
from crawler.spiders.base import BROWSER_UA, short_url
from crawler.spiders.links import absolute, same_scheme

SEARCH_PATH = "/search-front-server/api/search/info"
PAGE_SIZE = "24"
_EM = re.compile(r"</?em[^>]*>", re.I)
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


class MiitSpider(AttachmentsMixin):
    """MIIT columns (政策解读, 文件公示, 意见征集, 司局 文件发布, …) and the 政策文件 search API."""

    name = "miit"
    kinds = (SourceKind.MIIT,)

    async def start(self) -> AsyncIterator[Request]:
        rechecks = list(self.recheck_all())  # first, so the lists leave these URLs to them
        for source in self.sources:
            if urlsplit(source.url).path.startswith(SEARCH_PATH):
                yield self._search_request(source, 1)
            else:
                yield self.request(source.url, source, self.parse_column, headers={"User-Agent": BROWSER_UA})
        for request in rechecks:
            yield request

    # --- column page and list API --------------------------------------------------------
    def parse_column(self, response: Response) -> Iterator[Request | Page]:
        """Find the list API call in the column shell (or read a static list right there)."""
        source = self.source_named(response.meta["pw_source"])
        query = list_query(response.text)
        if query is None:
            self.logger.info("%s: no buildstatic script; reading the page as a static list", response.url)
            yield from self._items(list_items(response.text, response.url), source, response.url)
            return
        api, params = query
        yield self._list_request(source, urljoin(response.url, api), params, 1, response.url)

    def _list_request(self, source: Source, api: str, params: dict[str, Any], page_no: int,
                      referer: str) -> Request:
        url = api_url(api, params, page_no)
        return self.request(url, source, self.parse_list, conditional="list" if page_no == 1 else None,
                            headers={"User-Agent": BROWSER_UA, "Referer": referer, "Accept": "application/json"},
                            pw_api=api, pw_params=params, pw_page=page_no, pw_referer=referer)

    def parse_list(self, response: Response) -> Iterator[Request | Page]:
        """One page of the list API: new or changed items are fetched, then the next page if any was new."""
        if self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        if response.meta["pw_page"] == 1:
            self.remember_validators(response)
        try:
            fragment = json.loads(response.text)["data"]["html"]
        except (ValueError, KeyError, TypeError):
            self.runlog.error(source.name, f"list API did not answer the expected JSON: {short_url(response.url)}")
            return
        listed = list_items(fragment, response.url)
        requests = list(self._items(listed, source, response.meta["pw_referer"]))
        yield from requests
        page_no = response.meta["pw_page"]
        if self._more(source, requests, listed) and page_no < source.max_pages:
            yield self._list_request(source, response.meta["pw_api"], response.meta["pw_params"], page_no + 1,
                                     response.meta["pw_referer"])

    def _more(self, source: Source, requests: list[Request], listed: list[dict[str, Any]]) -> bool:
        """Go on paging: this page brought something new, or the last run broke off (and it listed anything)."""
        return bool(requests) or (self.records.resuming(source.name) and bool(listed))

    def _items(self, items: list[dict[str, str]], source: Source, referer: str) -> Iterator[Request]:
        for item in items:
            item["url"] = same_scheme(item["url"], source.url)
            if self.allowed(item["url"], source) and self.wants(item["url"], source, listed_at=item.get("date")):
                yield self._article_request(item, source, referer)

    # --- search API ----------------------------------------------------------------------
    def _search_request(self, source: Source, page_no: int) -> Request:
        parts = urlsplit(source.url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "p"]
        url = urlunsplit(parts._replace(query=urlencode([*query, ("p", str(page_no))])))
        referer = urljoin(source.url, "/search/zcwjk.html")
        return self.request(url, source, self.parse_search, conditional="list" if page_no == 1 else None,
                            headers={"User-Agent": BROWSER_UA, "Referer": referer, "Accept": "application/json"},
                            pw_page=page_no, pw_referer=referer)

    def parse_search(self, response: Response) -> Iterator[Request]:
        """One page of 政策文件 search results (double-encoded JSON)."""
        if self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        try:
            items = search_items(json.loads(response.text), response.url)
        except (ValueError, KeyError, TypeError):
            self.runlog.error(source.name, f"search API did not answer the expected JSON: {short_url(response.url)}")
            return
        if response.meta["pw_page"] == 1:
            self.remember_validators(response)
        requests = list(self._items(items, source, response.meta["pw_referer"]))
        yield from requests
        if self._more(source, requests, items) and response.meta["pw_page"] < source.max_pages:
            yield self._search_request(source, response.meta["pw_page"] + 1)

    # --- articles and attachments ----------------------------------------------------------
    def _article_request(self, item: dict[str, Any], source: Source, referer: str) -> Request:
        listing = {k: v for k, v in item.items() if k != "url" and v}
        return self.request(item["url"], source, self.parse_article, headers={"Referer": referer},
                            pw_listing=listing)

    def parse_article(self, response: Response) -> Iterator[Request | Page]:
        """An article page: yield it, after fetching the PDF attachments it embeds or links."""
        page = self.page(response, kind_hint="miit", listing=response.meta.get("pw_listing", {}))
        yield from self.with_attachments(page, response)


# --- parsing helpers (pure functions: tested directly) -----------------------------------------
def list_query(html: str) -> tuple[str, dict[str, Any]] | None:
    """``(api_path, params)`` from the column page's ``script[parseType=buildstatic]``, or None."""
    selector = Selector(text=html)
    for script in selector.css("script[parsetype], script[querydata]"):
        raw = script.attrib.get("querydata")
        api = script.attrib.get("url")
        if not raw or not api:
            continue
        try:
            params = json.loads(raw.replace("'", '"'))
        except ValueError:
            continue
        if isinstance(params, dict):
            return api, params
    return None


def api_url(api: str, params: dict[str, Any], page_no: int) -> str:
    """The list API URL for page ``page_no`` (``paramJson`` carries the paging, as the site's JS does)."""
    query = {k: ("null" if v is None else str(v)) for k, v in params.items()}
    query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": PAGE_SIZE}, separators=(",", ":"))
    return f"{api}?{urlencode(query)}"


def list_items(html: str, base_url: str) -> list[dict[str, str]]:
    """Rows of a list fragment: ``{"url", "title", "date"}`` (``.page-content ul li`` or any ``li`` with a link)."""
    selector = Selector(text=html or "<html></html>")
    rows = selector.css(".page-content ul li") or selector.css("ul li")
    items = []
    for row in rows:
        href = row.css("a::attr(href)").get()
        if not href or href.startswith(("javascript:", "#")):
            continue
        title = row.css("a::attr(title)").get() or " ".join(row.css("a ::text").getall())
        date = _DATE.search(" ".join(row.css("span ::text").getall()) or "")
        items.append({"url": absolute(href, base_url), "title": " ".join(title.split()),
                      "date": date.group(0).replace("/", "-").replace(".", "-") if date else ""})
    return items


def search_items(data: dict[str, Any], base_url: str) -> list[dict[str, Any]]:
    """Results of the 政策文件 search API: url, title (highlighting removed), date, 文号, 发布机构, summary."""
    items = []
    for group in data["data"]["searchResult"]["dataResults"] or []:
        for entry in group.get("groupData") or [group]:
            record = entry.get("data") or {}
            if not record.get("url"):
                continue
            items.append({
                "url": absolute(record["url"], base_url),
                "title": _EM.sub("", record.get("title") or "").strip(),
                "date": record.get("deploytime") or record.get("publishtime"),
                "doc_number": record.get("filenumbername") or "",
                "publisher": record.get("publishgroupname") or "",
                "summary": _EM.sub("", infoextends_text(record.get("infoextends"))),
            })
    return items


def infoextends_text(raw: Any) -> str:
    """The text inside ``infoextends`` — a JSON string whose ``infoContent`` is JSON again."""
    try:
        outer = json.loads(raw) if isinstance(raw, str) else raw or {}
        inner = outer.get("infoContent")
        inner = json.loads(inner) if isinstance(inner, str) else inner
        return str(inner[0].get("fieldValue") or "") if inner else ""
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        return ""
