"""The Scrapy item pipeline: a thin wrapper that hands every Page to the ingest path."""
from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings, Settings

from crawler.ingest import UNREACHABLE_AFTER, Ingestor, IngestResult
from crawler.items import Page
from crawler.lifecycle import PLAN_RULES_SETTING, rules_from_setting
from crawler.spiders.base import SourceSpider
from crawler.urls import hide_credentials
from store.kinds import SaveOutcome

logger = logging.getLogger(__name__)

#: Archive outcome → the run-log counter it adds to.
OUTCOME_COUNTERS: dict[str, str] = {SaveOutcome.NEW: "new", SaveOutcome.NEW_VERSION: "changed",
                                    SaveOutcome.UNCHANGED: "unchanged", SaveOutcome.STATUS_CHANGED: "status_changed"}



def ingestor_for(archive: Any, settings: BaseSettings | dict[str, Any]) -> Ingestor:
    """The Ingestor a crawl with these settings uses: ``[watch] unreachable_after`` and ``[plans]`` rules.

    The local pipeline and the cluster's coordinator both build theirs here, so a cluster
    crawl honours the same configuration (settings may be Scrapy's or the text/JSON strings
    a scrapyd job carries).
    """
    values = settings if isinstance(settings, BaseSettings) else Settings(settings)
    return Ingestor(archive, unreachable_after=values.getint("POLICYWATCH_UNREACHABLE_AFTER", UNREACHABLE_AFTER),
                    rules=rules_from_setting(values.getdict(PLAN_RULES_SETTING)))

class IngestPipeline:
    """normalise → archive → compare → alert for each page, counted in the spider's run log."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ingestor: Ingestor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    @property
    def spider(self) -> SourceSpider:
        """The running spider: every policywatch spider is a SourceSpider (it owns archive, records, run log)."""
        spider = self.crawler.spider
        if not isinstance(spider, SourceSpider):
            raise TypeError(f"IngestPipeline needs a SourceSpider, not {type(spider).__name__}")
        return spider

    def bound(self) -> Ingestor:
        """The ingestor opened with the spider (pages arrive only after open_spider)."""
        if self.ingestor is None:
            raise RuntimeError("IngestPipeline received a page before the spider opened")
        return self.ingestor

    def open_spider(self) -> None:
        """Bind to the archive the spider opened (one connection per crawl)."""
        if self.spider.archive is None:
            raise RuntimeError("the spider opened no archive")
        self.ingestor = ingestor_for(self.spider.archive, self.crawler.settings)

    def process_item(self, item: Any) -> Any:
        """Ingest one page; failures are counted and logged, never raised into Scrapy."""
        page = item if isinstance(item, Page) else Page(**ItemAdapter(item).asdict())
        try:
            result = self.bound().ingest_page(page)
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the crawl
            logger.exception("ingest failed for %s", hide_credentials(page.url))
            result = IngestResult("error", error=f"ingest failed: {type(exc).__name__}: {exc}: {hide_credentials(page.url)}")
        self._count(page, result)
        if result.provisional and page.meta.get("feed_url"):
            self.spider.records.forget(page.source, page.meta["feed_url"])
        if page.meta.get("keep_validators") and result.error is None:
            self.bound().archive.touch(page.url, etag=page.headers.get("Etag") or page.headers.get("ETag"),
                                        last_modified=page.headers.get("Last-Modified"))
        return item

    def _count(self, page: Page, result: IngestResult) -> None:
        runlog = self.spider.runlog
        if result.error:
            runlog.error(page.source, result.error)
            return
        runlog.add(page.source, OUTCOME_COUNTERS.get(result.outcome, result.outcome))
        if result.alerts:
            runlog.add(page.source, "alerts", result.alerts)
