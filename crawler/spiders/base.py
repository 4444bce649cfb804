"""SourceSpider: what every policywatch spider shares.

Sources arrive as spider arguments, so one crawl can run many sources of a kind:

* from Python (the runner): ``sources=[Source, ...]``
* from ``scrapy crawl NAME``: ``-a sources_file=seeds/sources.toml -a source=miit-zcjd,miit-yjzj``
  (both optional: the shipped file and all its sources of the spider's kind)

The spider opens the archive named by the ``POLICYWATCH_DB`` setting for its
incremental decisions (the ingest pipeline writes through the same object), keeps a
:class:`~crawler.runlog.RunLog`, and builds :class:`~crawler.items.Page` items.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.freshness import (
    RECHECK_PER_RUN,
    conditional_headers,
    due_for_recheck,
    iso_now,
    recheck_interval,
    should_fetch,
)
from crawler.items import Page
from crawler.pagedoc import is_provisional
from crawler.records import SourceRecords
from crawler.runlog import RunLog
from crawler.sources import Source, load_sources
from crawler.urls import hide_credentials, host_of
from store.archive import Archive

#: A current desktop browser: MIIT's WAF answers 403 to anything else.
BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")


class SourceSpider(scrapy.Spider):
    """Base class: resolves the sources, owns the archive handle and the run log."""

    #: Source kinds this spider crawls.
    kinds: ClassVar[tuple[str, ...]] = ()
    #: Whether this spider stores feed copies of unread articles (they are re-fetched until read).
    provisional_copies: ClassVar[bool] = False

    def __init__(self, *args: Any, sources: Iterable[Source | dict] | None = None,
                 sources_file: str | None = None, source: str | None = None,
                 progress: Callable[[dict[str, Any]], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = self._resolve_sources(sources, sources_file, source)
        self.runlog = RunLog(progress)
        self.archive: Archive | None = None
        self.records: SourceRecords
        self.rechecking: set[str] = set()

    def _resolve_sources(self, sources: Iterable[Source | dict] | None, sources_file: str | None,
                         names: str | None) -> list[Source]:
        if sources is None:
            wanted = [n.strip() for n in (names or "").split(",") if n.strip()]
            sources = load_sources(sources_file, names=wanted)
        resolved = [s if isinstance(s, Source) else Source.from_dict(s) for s in sources]
        return [s for s in resolved if s.kind in self.kinds]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.archive = Archive(archive_path(crawler))
        spider.records = SourceRecords(spider.archive, spider.sources)
        crawler.signals.connect(spider._count_response, signal=signals.response_received)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # --- hosts and sources -------------------------------------------------------------
    def sources_for(self, request: Request) -> list[Source]:
        """The source a request was made for (robots.txt and other bare requests: all of them)."""
        name = request.meta.get("pw_source")
        return [self.source_named(name)] if name else list(self.sources)

    def source_named(self, name: str) -> Source:
        """The source called ``name`` (the one a request was made for)."""
        return next(s for s in self.sources if s.name == name)

    # --- requests --------------------------------------------------------------------
    def request(self, url: str, source: Source, callback: Callable[..., Any], *,
                conditional: str | None = None, headers: dict[str, str] | None = None,
                errback: Callable[[Failure], Any] | None = None, **meta: Any) -> Request:
        """A request made for ``source``.

        ``conditional="list"`` (feeds, list pages) or ``"document"`` (a watched page) adds the
        stored If-None-Match / If-Modified-Since and lets a 304 reach the callback.
        """
        all_headers = dict(headers or {})
        meta = {"pw_source": source.name, "pw_url": url, **meta}
        if conditional == "list" and self.records.resuming(source.name):
            conditional = None
        if conditional:
            known = self.records.validators(source.name, url) if conditional == "list" else self.known(url)
            all_headers.update(conditional_headers(known))
            meta.update(pw_conditional=conditional, handle_httpstatus_list=[304])
        return Request(url, callback=callback, errback=errback or self.on_error, headers=all_headers,
                       meta=meta, dont_filter=bool(conditional))

    def known(self, url: str) -> dict[str, Any] | None:
        """What the archive knows about document ``url`` (None when new)."""
        return self.archive.known_document(url) if self.archive else None

    def wants(self, url: str, source: Source, *, listed_at: Any = None) -> bool:
        """Whether article ``url`` is worth downloading now (new, said to have changed, provisional, due).

        A URL this run already re-checks is not fetched a second time.
        """
        if url in self.rechecking:
            return False
        known = self.known(url)
        interval = self.recheck_after(source, (known or {}).get("kind"))
        fetch = should_fetch(known, listed_at=listed_at, recheck_seconds=interval)
        if not fetch and self.provisional_copies:
            fetch = self._provisional(known)
        if not fetch:
            self.runlog.add(source.name, "skipped")
        return fetch

    def recheck_after(self, source: Source, doc_kind: str | None) -> float:
        """Seconds a known document is trusted (the source's ``recheck``, else the default for its kind)."""
        by_kind = self.settings.getdict("POLICYWATCH_RECHECK") if self.settings else {}
        return recheck_interval(doc_kind, source.recheck_seconds, by_kind)

    def due_rechecks(self, source: Source) -> list[dict[str, Any]]:
        """The known documents of ``source`` to fetch again this run, whatever its lists say.

        Least recently checked first, at most ``POLICYWATCH_RECHECK_PER_RUN`` (so the re-checks
        spread over runs); their URLs are remembered so the list path does not fetch them twice.
        """
        if self.archive is None:
            return []
        limit = self.settings.getint("POLICYWATCH_RECHECK_PER_RUN", RECHECK_PER_RUN)
        due = [known for known in self.archive.recheck_candidates(source.name, limit=max(limit * 10, 50))
               if known.get("url") and self.allowed(known["url"], source)
               and due_for_recheck(known, self.recheck_after(source, known.get("kind")))][:limit]
        self.rechecking.update(known["url"] for known in due)
        return due

    def recheck_request(self, known: dict[str, Any], source: Source, callback: Callable[..., Any]) -> Request:
        """A conditional request for a known document (a 304 only marks it re-checked)."""
        self.runlog.add(source.name, "rechecked")
        return self.request(known["url"], source, callback, conditional="document", pw_kind=known.get("kind"))

    def _provisional(self, known: dict[str, Any] | None) -> bool:
        document = self.archive.get(known["id"]) if self.archive and known else None
        return is_provisional(document.version if document else None)

    def not_modified(self, response: Response) -> bool:
        """True when a conditional request got 304 (a watched document is marked re-checked)."""
        if response.status != 304:
            return False
        if response.meta.get("pw_conditional") == "document" and self.archive:
            self.archive.touch(response.meta["pw_url"])
        self.runlog.add(response.meta["pw_source"], "not_modified")
        return True

    def remember_validators(self, response: Response) -> None:
        """Keep ETag / Last-Modified of a list or feed for the next conditional request."""
        self.records.remember(response.meta["pw_source"], response.meta["pw_url"],
                              etag=_header(response, "ETag"), last_modified=_header(response, "Last-Modified"))

    # --- items -----------------------------------------------------------------------
    def page(self, response: Response, *, kind_hint: str | None = None, **meta: Any) -> Page:
        """A :class:`Page` item from ``response`` (url = the URL asked for, final_url = after redirects)."""
        return Page(
            url=response.meta.get("pw_url") or response.url,
            final_url=response.url,
            status=response.status,
            body=response.body,
            fetched_at=iso_now(),
            source=response.meta["pw_source"],
            headers={k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v},
            kind_hint=kind_hint,
            meta=meta,
        )

    def allowed(self, url: str, source: Source) -> bool:
        """Whether ``url`` is on one of the source's hosts."""
        return host_of(url) in source.hosts

    # --- errors and bookkeeping ------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        """Default errback: count the failure against the request's source."""
        request = failed_request(failure)
        self.runlog.error(request.meta.get("pw_source", "?"), describe_failure(failure))

    def _count_response(self, response: Response, request: Request, spider: scrapy.Spider) -> None:
        if spider is self and "pw_source" in request.meta:
            self.runlog.add(request.meta["pw_source"], "pages")

    def _opened(self, spider: scrapy.Spider) -> None:
        if spider is self:
            self.records.open()

    def _closed(self, spider: scrapy.Spider) -> None:
        if spider is self and self.archive is not None:
            self.records.close(self.runlog)
            self.archive.close()
            self.archive = None


def archive_path(crawler: Crawler) -> str:
    """The archive a crawl writes to: the POLICYWATCH_DB setting, else that environment variable, read now."""
    return str(crawler.settings.get("POLICYWATCH_DB") or os.environ.get("POLICYWATCH_DB") or "policywatch.db")


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about (Scrapy sets ``failure.request``; Twisted does not declare it)."""
    request: Request = getattr(failure, "request")  # noqa: B009 - the attribute is not in Failure's type
    return request


def describe_failure(failure: Failure) -> str:
    """One line, reason first: ``HTTP 503: URL``, ``TimeoutError: …: URL``, ``RefusedHost: …: URL``."""
    request = getattr(failure, "request", None)
    url = short_url(request.url) if request is not None else "?"
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}: {url}"
    message = " ".join(str(failure.value).split()) or "failed"
    return f"{type(failure.value).__name__}: {message[:160]}: {url}"


def short_url(url: str, limit: int = 120) -> str:
    """``url`` for a log or error line: credentials masked, cut to ``limit`` characters."""
    url = hide_credentials(url)
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
