"""Pages spider: single pages watched as they are (``kind = "page"``), fetched conditionally."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from scrapy.http import Request, Response

from crawler.items import Page
from crawler.sources import SourceKind
from crawler.spiders.attachments import AttachmentsMixin


class PageSpider(AttachmentsMixin):
    """One watched page per source: a policy text, a notice, an interpretation."""

    name = "pages"
    kinds = (SourceKind.PAGE,)

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources:
            yield self.request(source.url, source, self.parse_page, conditional="document")

    def parse_page(self, response: Response) -> Iterator[Request | Page]:
        """The page itself with its PDF attachments (nothing on 304)."""
        if not self.not_modified(response):
            yield from self.with_attachments(self.page(response, keep_validators=True), response)
