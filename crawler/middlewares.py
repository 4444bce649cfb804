"""Downloader middlewares: the host guard, backoff retries honouring Retry-After, encoding repair.

* :class:`HostGuardMiddleware` — only hosts of configured sources are fetched, and
  private/loopback addresses only for sources with ``allow_private = true``
  (redirects pass through here again, so a redirect cannot escape either rule).
* :class:`SharedRobotsTxtMiddleware` — robots.txt obeyed for every request, also those that
  arrive while it is being fetched (works around a Scrapy 2.19 bug, see the class).
* :class:`BackoffRetryMiddleware` — Scrapy's retry, but waiting before each retry:
  the server's ``Retry-After`` when given, else exponential backoff with jitter.
* :class:`EncodingFixMiddleware` — pages whose declared charset is a lie (header says
  utf-8, body is GBK) get the true charset, so spiders and normalisers read them right.
"""
from __future__ import annotations

import asyncio
import random
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.freshness import now_utc
from crawler.urls import host_of, is_private_host, port_of


class RefusedHost(IgnoreRequest):
    """A request to a host no source names, or to a private address no source allows."""


class HostGuardMiddleware:
    """Refuse requests outside the spider's sources' hosts and to non-public addresses."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Raise :class:`RefusedHost` for a request its source does not allow."""
        sources_for = getattr(self.crawler.spider, "sources_for", None)
        if sources_for is None:
            return
        host = host_of(request.url)
        sources = [s for s in sources_for(request) if host in s.hosts]
        if not sources:
            raise RefusedHost(f"host {host or '?'} is not one of the source's hosts")
        if is_private_host(host):
            _check_private(request.url, host, sources)


def _check_private(url: str, host: str, sources: list) -> None:
    """A private host:port is reachable only as the own host *and* port of a source that
    allows it: ``allow_private`` on a loopback test site must not open every other local
    service (scrapyd on :6800, the review page), whatever ``follow`` names."""
    allowing = [s for s in sources if s.allow_private]
    if not allowing:
        raise RefusedHost(f"{host} is a private/loopback address (set allow_private = true on the source)")
    port = port_of(url)
    if not any(host_of(s.url) == host and port_of(s.url) == port for s in allowing):
        raise RefusedHost(f"{host}:{port} is a private address other than the host and port of the source "
                          "allowed to reach private addresses")


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fixed for requests that wait on the same robots.txt.

    Under the asyncio reactor Scrapy 2.19 awaits the pending robots.txt Deferred with
    ``Deferred.asFuture``, whose callback swallows the result: the first waiting request
    gets the parser, every other one gets ``None`` and is let through unchecked. Each
    waiter here gets its own Deferred fed from the shared one.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The parser for the request's host (fetched once, shared by every waiting request)."""
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()

            def relay(result: object) -> object:
                waiter.callback(result if not isinstance(result, Failure) else None)
                return result

            pending.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that sleeps before retrying: ``Retry-After`` or exponential backoff.

    Settings: ``RETRY_BACKOFF_BASE`` (seconds, first wait), ``RETRY_BACKOFF_MAX`` (cap),
    ``RETRY_AFTER_MAX`` (a longer Retry-After gives up instead of stalling the crawl).
    """

    def __init__(self, settings) -> None:  # noqa: ANN001 - Scrapy passes BaseSettings
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)

    # Scrapy 2.13 runs coroutine middleware methods; RetryMiddleware's annotations declare the synchronous ones.
    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response) -> Request | Response:
        """Retry 429/5xx after the server's Retry-After or a backoff delay."""
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response)
        if wait is not None and wait > self.after_max:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await asyncio.sleep(wait if wait is not None else self._backoff(request))
        return retry

    async def process_exception(  # type: ignore[override]
            self, request: Request, exception: Exception) -> Request | None:
        """Retry timeouts and connection failures after a backoff delay."""
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._backoff(request))
        return retry

    def _backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0)
        delay = min(self.cap, self.base * (2 ** attempt))
        return delay * random.uniform(0.5, 1.0)


def retry_after_seconds(response: Response) -> float | None:
    """The Retry-After header as seconds (delta-seconds or an HTTP date), None when absent/bad."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    text = raw.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - now_utc()).total_seconds())


class EncodingFixMiddleware:
    """Give text responses their real charset when the declared one cannot decode the body."""

    def process_response(self, request: Request, response: Response) -> Response:
        """Return the response, re-labelled (header and encoding) if its charset lied."""
        if not isinstance(response, TextResponse) or not response.body:
            return response
        declared = response.encoding
        if _decodes(response.body, declared) and not _suspect_western(declared, response.body):
            return response
        actual = detect_encoding(response.body)
        if actual is None or actual == declared:
            return response
        content_type = (response.headers.get("Content-Type") or b"text/html").decode("latin-1").split(";")[0]
        headers = response.headers.copy()
        headers["Content-Type"] = f"{content_type}; charset={actual}"
        return response.replace(headers=headers, encoding=actual)


def detect_encoding(body: bytes) -> str | None:
    """The body's charset: utf-8 or gb18030 (GBK/GB2312 superset) when they decode, else a guess.

    Some GBK text is also valid UTF-8 (``一`` is D2 BB, a Cyrillic letter in UTF-8): when the
    UTF-8 reading has no Chinese at all but the GB18030 reading is mostly Chinese, GB18030 wins.
    """
    sample = _whole_chars(body[:200_000], len(body))
    if _decodes(sample, "utf-8"):
        if _cjk_share(sample.decode("utf-8")) == 0 and _decodes(sample, "gb18030") \
                and _cjk_share(sample.decode("gb18030")) > 0.5:
            return "gb18030"
        return "utf-8"
    if _decodes(sample, "gb18030"):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best else None


def _whole_chars(sample: bytes, full_length: int) -> bytes:
    """A cut sample without the partial multibyte character its cut may have left at the end."""
    if len(sample) == full_length:
        return sample
    for trim in range(4):
        candidate = sample[: len(sample) - trim]
        if _decodes(candidate, "utf-8") or _decodes(candidate, "gb18030"):
            return candidate
    return sample


def _cjk_share(text: str) -> float:
    """Share of CJK ideographs among the non-ASCII characters (0 when there are none)."""
    wide = [c for c in text if ord(c) > 0x7F]
    return sum("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in wide) / len(wide) if wide else 0.0


def _suspect_western(encoding: str, body: bytes) -> bool:
    """Latin-1/cp1252 decode almost anything: for a page with non-ASCII bytes that label proves nothing."""
    western = encoding.lower().replace("_", "-") in {"cp1252", "latin-1", "iso-8859-1", "latin1", "windows-1252"}
    return western and not body.isascii()


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
