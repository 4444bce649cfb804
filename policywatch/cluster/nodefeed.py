"""Runs on scrapyd nodes: write each Page to the job's items feed instead of the archive.

Nodes never write the archive. The coordinator schedules every job with
``ITEM_PIPELINES`` set to this pipeline alone (see :mod:`policywatch.cluster.jobs`), so
the archive pipeline is off and each Page reaches scrapyd's items feed (one JSON line per
page) as ``Page.to_json()``: a JSON-safe dict with the body base64-encoded, which the
coordinator turns back into a Page with ``Page.from_json``.

When the spider closes, the pipeline logs the spider's RunLog per source (pages skipped
as unchanged, fetch errors) so the coordinator can put them in the crawl run too.
"""
from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import Page
from policywatch.cluster.nodelog import runlog_line

log = logging.getLogger(__name__)


class PageFeedPipeline:
    """Turn Page items into their JSON form for the feed exporter; pass anything else through."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageFeedPipeline:
        """Scrapy's constructor hook: keep the crawler to reach the spider's RunLog at close."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """``Page`` → ``Page.to_json()``; Scrapy's JSON exporter cannot write the bytes body itself."""
        return item.to_json() if isinstance(item, Page) else item

    def close_spider(self) -> None:
        """Log each source's node-side counts and errors for the coordinator."""
        runlog = getattr(getattr(self.crawler, "spider", None), "runlog", None)
        if runlog is None:
            return
        for source in runlog.sources():
            log.info("%s", runlog_line(source, runlog.counts(source), runlog.errors(source)))
