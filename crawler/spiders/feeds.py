"""Feed spider: RSS 2.0 / Atom feeds → the WeChat (or other) articles they link.

Each feed is fetched with a conditional request; on 304 nothing else happens. Items
whose link is on one of the source's ``follow`` hosts (or the feed's own host) are
fetched when new, dated after our last check, still provisional, or due for their
re-check; when the article cannot be fetched the feed's own content is kept as a
provisional document (see :mod:`crawler.pagedoc`). Items on other hosts are kept from
the feed content alone when the feed has any.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.feedparse import FeedError, FeedItem, parse_feed
from crawler.freshness import iso_now
from crawler.items import Page
from crawler.sources import Source, SourceKind
from crawler.spiders.attachments import AttachmentsMixin
from crawler.spiders.base import describe_failure, failed_request, short_url
from crawler.urls import WECHAT_HOST, host_of


class FeedSpider(AttachmentsMixin):
    """RSS/Atom feeds (MIIT's RSS, WeChat aggregators, RSSHub-style per-account feeds)."""

    name = "feeds"
    kinds = (SourceKind.FEED,)
    provisional_copies = True

    async def start(self) -> AsyncIterator[Request]:
        rechecks = list(self.recheck_all())  # first, so the lists leave these URLs to them
        for source in self.sources:
            yield self.request(source.url, source, self.parse_feed, conditional="list")
        for request in rechecks:
            yield request

    def parse_feed(self, response: Response) -> Iterator[Request | Page]:
        """Read the feed; request the linked articles that need it."""
        if self.not_modified(response):
            return
        source = self.source_named(response.meta["pw_source"])
        try:
            _, items = parse_feed(response.body, base_url=response.url)
        except FeedError as exc:
            self.runlog.error(source.name, f"{exc}: {short_url(response.url)}")
            return
        self.remember_validators(response)
        for item in _unique(items):
            yield from self._item(item, source, response.meta["pw_url"])

    def _item(self, item: FeedItem, source: Source, feed_url: str) -> Iterator[Request | Page]:
        if self.allowed(item.url, source):
            if self.wants(item.url, source, listed_at=item.published):
                yield self.request(item.url, source, self.parse_article, errback=self.article_failed,
                                   pw_item=item, pw_feed_url=feed_url)
        elif item.has_content and self.wants(item.url, source, listed_at=item.published):
            yield self._feed_page(item, source.name, reason="link outside the source's follow hosts")

    def parse_article(self, response: Response) -> Iterator[Request | Page]:
        """A linked article, with the feed's view of it (for a provisional fallback).

        WeChat articles carry no attachments; other hosts (MIIT's own RSS) may link PDFs.
        """
        item: FeedItem = response.meta["pw_item"]
        meta = {**item.to_meta(), "feed_url": response.meta["pw_feed_url"]}
        if host_of(response.url) == WECHAT_HOST:
            yield self.page(response, kind_hint="wechat", **meta)
        else:
            yield from self.with_attachments(self.page(response, **meta), response)

    def article_failed(self, failure: Failure) -> Iterator[Page]:
        """The article could not be fetched: keep the feed's own content as a provisional document."""
        request = failed_request(failure)
        source = request.meta["pw_source"]
        self.runlog.error(source, describe_failure(failure))
        self.records.forget(source, request.meta["pw_feed_url"])
        yield self._feed_page(request.meta["pw_item"], source, reason=describe_failure(failure))

    def _feed_page(self, item: FeedItem, source: str, *, reason: str) -> Page:
        return Page(url=item.url, final_url=item.url, status=0, body=b"", fetched_at=iso_now(), source=source,
                    kind_hint="feed", meta={**item.to_meta(), "provisional": True, "provisional_reason": reason})


def _unique(items: list[FeedItem]) -> list[FeedItem]:
    """One item per article URL (feeds repeat an article under tracking variants of its link)."""
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            unique.append(item)
    return unique
