"""Column spider: any government list page ("column") → its pages → articles → attachments.

Given only a column URL, the spider recognises the CMS family from the page
(:mod:`crawler.families`: TRS ``createPageHTML``, 大汉 JCMS ``dataproxy.jsp``, 集约化
jpaas, plain ``?page=N``) or uses the source's ``family``; the source's selectors
(``links``, ``next``, ``title``, ``date``, ``body``; css or xpath) override what the
family would do. Pagination stops at the first page that brings nothing new, at the
family's last page, or at ``max_pages``. Articles are followed on the source's hosts
only and go to ingest with their PDF/Word/Excel attachments (gov normaliser).

Anti-bot answers (412 JS challenges, WAF 403 pages, 访问过于频繁) are never stored: the
source is reported ``blocked: <reason>``, nothing more is asked of it in this run,
and later runs skip it until ``POLICYWATCH_BLOCK_BACKOFF`` seconds have passed.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode, urljoin

from parsel import Selector
from scrapy.http import Request, Response

from crawler import families
from crawler.antibot import BLOCK_STATUSES, challenge
from crawler.attachtext import TEXT_EXTS
from crawler.families import Listed
from crawler.freshness import now_utc, parse_time
from crawler.items import Page
from crawler.sources import Source, SourceKind, is_xpath
from crawler.spiders.attachments import AttachmentsMixin
from crawler.spiders.base import BROWSER_UA, short_url
from crawler.spiders.miit import list_query

#: Seconds a blocked source is left alone (the notes: back off ~10 minutes).
DEFAULT_BLOCK_BACKOFF = 600


class ColumnSpider(AttachmentsMixin):
    """Government columns of any CMS family, from the column URL alone (or with selectors)."""

    name = "column"
    kinds: ClassVar[tuple[str, ...]] = (SourceKind.COLUMN,)
    attachment_exts: ClassVar[tuple[str, ...]] = TEXT_EXTS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopped: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources:
            if not self.backing_off(source):
                yield self.list_request(source, source.url, 1, self.parse_list)

    # --- blocking ----------------------------------------------------------------------
    def backing_off(self, source: Source) -> bool:
        """True (and reported) when an earlier run found the source blocked and the backoff still runs."""
        block = self.records.blocked(source.name)
        until = parse_time(block.get("until")) if block else None
        if block is None or until is None or until <= now_utc():
            return False
        self.runlog.error(source.name, f"blocked: {block['reason']}: backing off until {block['until']}")
        self.stopped.add(source.name)
        return True

    def refused(self, response: Response) -> bool:
        """Whether to drop ``response``: its source is blocked, or it is an anti-bot / error page.

        An anti-bot page blocks the source (reason recorded, backoff starts, no more requests).
        """
        source = response.meta["pw_source"]
        if source in self.stopped:
            return True
        reason = challenge(response.status, response.body)
        if reason is None:
            if response.status >= 400:
                self.runlog.error(source, f"HTTP {response.status}: {short_url(response.url)}")
                return True
            return False
        backoff = self.settings.getint("POLICYWATCH_BLOCK_BACKOFF", DEFAULT_BLOCK_BACKOFF)
        until = (now_utc() + timedelta(seconds=backoff)).replace(microsecond=0).isoformat()
        self.records.block(source, reason, response.url, until)
        self.runlog.error(source, f"blocked: {reason}: {short_url(response.url)}")
        self.stopped.add(source)
        return True

    def guarded(self, request: Request) -> Request:
        """Let anti-bot statuses reach the callbacks (they are recognised there, not retried blindly)."""
        allowed = list(request.meta.get("handle_httpstatus_list") or [])
        request.meta["handle_httpstatus_list"] = [*allowed, *BLOCK_STATUSES]
        return request

    # --- list pages ---------------------------------------------------------------------
    def list_request(self, source: Source, url: str, page_no: int, callback: Any, *,
                     headers: dict[str, str] | None = None, **meta: Any) -> Request:
        """A list page (page 1 conditionally, with the stored validators)."""
        headers = {"User-Agent": BROWSER_UA, **(headers or {})}
        if page_no > 1 or meta.get("pw_family"):
            headers.setdefault("Referer", source.url)
        return self.guarded(self.request(url, source, callback, conditional="list" if page_no == 1 else None,
                                         headers=headers, pw_page=page_no, **meta))

    def parse_list(self, response: Response) -> Iterator[Request | Page]:
        """A list page in HTML: page 1 decides the family; every page yields its new articles."""
        if self.refused(response) or self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        page_no = response.meta["pw_page"]
        family = response.meta.get("pw_family")
        if page_no == 1:
            self.remember_validators(response)
            self.records.unblock(source.name)
            family = source.family or families.recognise(response.text, response.url)
            self.logger.info("%s: %s family", source.name, family)
            if family == "jpaas" and not source.next:
                yield from self._start_jpaas(source, response)
                return
            if family == "jcms" and not source.next:
                yield from self._start_jcms(source, response)
                return
        listed = families.list_rows(response.text, response.url, source.links)
        requests = list(self.article_requests(listed, source, response.url))
        yield from requests
        if self.more(source, requests, listed, page_no):
            following = self._next_url(source, response, family, page_no)
            if following:
                yield self.list_request(source, following, page_no + 1, self.parse_list, pw_family=family,
                                        pw_paging=response.meta.get("pw_paging"))

    def _next_url(self, source: Source, response: Response, family: str | None, page_no: int) -> str | None:
        """Where page ``page_no + 1`` is: the ``next`` selector, TRS numbering, or ``?page=N``."""
        if source.next:
            return families.next_link(response.text, response.url, source.next)
        if family == "trs":
            paging = response.meta.get("pw_paging") or families.trs_paging(response.text)
            response.meta["pw_paging"] = paging
            if paging is None or page_no >= paging.total:
                return None
            return paging.url(source.url, page_no + 1)
        if family == "paged":
            return families.paged_url(source.url, page_no + 1)
        return None

    def more(self, source: Source, requests: list[Request], listed: list[Listed], page_no: int) -> bool:
        """Go on paging: this page brought something new (or the last run broke off), below ``max_pages``."""
        fresh = bool(requests) or (self.records.resuming(source.name) and bool(listed))
        return fresh and page_no < source.max_pages and source.name not in self.stopped

    # --- JCMS -------------------------------------------------------------------------------
    def _start_jcms(self, source: Source, response: Response) -> Iterator[Request]:
        """Page 1 is embedded in the column page (``<datastore>``); the rest comes from dataproxy.jsp."""
        paging = families.jcms_paging(response.text)
        embedded = families.jcms_records(response.text)
        if paging is None:
            self.runlog.error(source.name, f"JCMS column without a jpage call: {short_url(response.url)}")
            return
        if not embedded:
            yield self._jcms_request(source, paging, 1)
            return
        listed = families.list_rows(embedded, response.url, source.links)
        requests = list(self.article_requests(listed, source, response.url))
        yield from requests
        if self.more(source, requests, listed, 1) and (not paging.pages or paging.pages > 1):
            yield self._jcms_request(source, paging, 2)

    def _jcms_request(self, source: Source, paging: families.JcmsPaging, page_no: int) -> Request:
        headers = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/x-www-form-urlencoded"}
        request = self.list_request(source, paging.url(source.url, page_no), page_no, self.parse_jcms,
                                    headers=headers, pw_family="jcms", pw_paging=paging)
        return request.replace(method="POST", body=urlencode(paging.form))

    def parse_jcms(self, response: Response) -> Iterator[Request]:
        """One dataproxy.jsp answer: ``<datastore><totalrecord>…<record><![CDATA[<li>…]]>``."""
        if self.refused(response) or self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        paging: families.JcmsPaging = response.meta["pw_paging"]
        total = families.jcms_total(response.text) or paging.total
        listed = families.list_rows(families.jcms_records(response.text), source.url, source.links)
        requests = list(self.article_requests(listed, source, source.url))
        yield from requests
        page_no = response.meta["pw_page"]
        if self.more(source, requests, listed, page_no) and page_no * paging.per_page < total:
            yield self._jcms_request(source, paging, page_no + 1)

    # --- jpaas ------------------------------------------------------------------------------
    def _start_jpaas(self, source: Source, response: Response) -> Iterator[Request]:
        query = list_query(response.text)
        if query is None:
            self.runlog.error(source.name, f"jpaas column without queryData: {short_url(response.url)}")
            return
        api, params = query
        rows = families.jpaas_rows(response.text)
        yield self._jpaas_request(source, urljoin(response.url, api), params, rows, 1)

    def _jpaas_request(self, source: Source, api: str, params: dict[str, Any], rows: int, page_no: int) -> Request:
        query = {k: ("null" if v is None else str(v)) for k, v in params.items()}
        query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": rows}, separators=(",", ":"))
        return self.list_request(source, f"{api}?{urlencode(query)}", page_no, self.parse_jpaas, pw_family="jpaas",
                                 pw_api=api, pw_params=params, pw_rows=rows)

    def parse_jpaas(self, response: Response) -> Iterator[Request]:
        """One jpaas list answer: ``{"success":true,"data":{"html":"…"}}``."""
        if self.refused(response) or self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        try:
            fragment = json.loads(response.text)["data"]["html"]
        except (ValueError, KeyError, TypeError):
            self.runlog.error(source.name, f"jpaas list did not answer the expected JSON: {short_url(response.url)}")
            return
        listed = families.list_rows(fragment, source.url, source.links)
        requests = list(self.article_requests(listed, source, source.url))
        yield from requests
        page_no = response.meta["pw_page"]
        if self.more(source, requests, listed, page_no) and len(listed) >= response.meta["pw_rows"]:
            yield self._jpaas_request(source, response.meta["pw_api"], response.meta["pw_params"],
                                      response.meta["pw_rows"], page_no + 1)

    # --- articles ---------------------------------------------------------------------------
    def article_requests(self, listed: list[Listed], source: Source, referer: str) -> Iterator[Request]:
        """Requests for the listed articles on the source's hosts that are new or due."""
        for item in listed:
            if self.allowed(item.url, source) and self.wants(item.url, source, listed_at=item.date or None):
                listing = {k: v for k, v in (("title", item.title), ("date", item.date)) if v}
                yield self.guarded(self.request(item.url, source, self.parse_article,
                                                headers={"Referer": referer, "User-Agent": BROWSER_UA},
                                                pw_listing=listing))

    def parse_article(self, response: Response) -> Iterator[Request | Page]:
        """An article: yield it (with what the source's selectors picked), after its attachments."""
        if self.refused(response):
            return
        source = self.source_named(response.meta["pw_source"])
        meta: dict[str, Any] = {"listing": response.meta.get("pw_listing", {})}
        picked = selected(response.text, source) if source.selectors else {}
        if picked:
            meta["selected"] = picked
        yield from self.with_attachments(self.page(response, kind_hint="gov", **meta), response)


def selected(html: str, source: Source) -> dict[str, str]:
    """What the source's ``title``/``date`` (text) and ``body`` (HTML) selectors pick on an article."""
    page = Selector(text=html or "<html></html>")
    picked: dict[str, str] = {}
    for key in ("title", "date", "body"):
        query = getattr(source, key)
        if not query:
            continue
        nodes = page.xpath(query) if is_xpath(query) else page.css(query)
        if key == "body":
            value = "\n".join(nodes.getall())
        else:
            value = " ".join(" ".join(n.xpath("string()").get() or n.get() for n in nodes).split())
        if value.strip():
            picked[key] = value
    return picked
