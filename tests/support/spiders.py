"""Running a spider's callbacks on saved responses, without a crawl (city-scrapers' habit).

:func:`spider_for` builds a real spider the way Scrapy does (``from_crawler``, with a real
archive in a temporary directory, its source records opened as at spider start);
:func:`answer` turns a request the spider made into the response a site would give,
body read from ``tests/fixtures/``, so a test walks the spider's own chain — start
request, list page, next page, article — and asserts what each callback yields.
The real crawls against loopback sites (test_crawl_*.py) stay the end-to-end check.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TypeVar

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import Page
from crawler.sources import Source
from crawler.spiders.base import SourceSpider

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

S = TypeVar("S", bound=SourceSpider)


def spider_for(cls: type[S], db: Path, *sources: Source, **settings: Any) -> S:
    """A ``cls`` spider for ``sources`` on the archive ``db``, as a crawl would open it."""
    crawler = get_crawler(cls, {"POLICYWATCH_DB": str(db), **settings})
    spider = cls.from_crawler(crawler, sources=list(sources))
    spider.records.open()
    return spider


def start_requests(spider: SourceSpider) -> list[Request]:
    """What the spider's ``start()`` yields."""
    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    return asyncio.run(collect())


def answer(request: Request, fixture: str | bytes, *, status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    """The response to ``request``: the saved file ``fixture`` (a path under tests/fixtures/) or raw bytes."""
    body = fixture if isinstance(fixture, bytes) else (FIXTURES / fixture).read_bytes()
    html = fixture.endswith((".html", ".htm")) if isinstance(fixture, str) else body.lstrip()[:1] == b"<"
    content_type = "text/html; charset=utf-8" if html else "application/json; charset=utf-8"
    cls = HtmlResponse if html else TextResponse
    return cls(url=request.url, status=status, body=body, request=request,
               headers={"Content-Type": content_type, **(headers or {})})


def split(results: Any) -> tuple[list[Request], list[Page]]:
    """A callback's output as (requests, pages), in order."""
    out = list(results)
    assert all(isinstance(r, Request | Page) for r in out), out
    return [r for r in out if isinstance(r, Request)], [p for p in out if isinstance(p, Page)]
