"""Scrapy settings for policywatch: polite by default, bounded, and wired to the ingest pipeline.

Everything here can be overridden per run (``policywatch crawl -s NAME=VALUE``, the
runner's ``settings=`` argument, ``scrapy crawl -s``); the tests and the benchmark
switch the politeness delays off that way — never for real sites.
"""
BOT_NAME = "policywatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

#: The archive every crawl writes to (``policywatch --db`` sets it). Unset, the spider reads the
#: POLICYWATCH_DB environment variable when it opens (never at import), then ``policywatch.db``.
POLICYWATCH_DB = None
#: Largest PDF attachment fetched for its text, and how many attachments per article.
POLICYWATCH_PDF_MAXSIZE = 15 * 1024 * 1024
POLICYWATCH_MAX_ATTACHMENTS = 5

# --- politeness ---------------------------------------------------------------------
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "policywatch"
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
CONCURRENT_REQUESTS = 16
#: Items are ingested synchronously; Scrapy's default (100) only spawns idle asyncio workers.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = True

# --- robustness ---------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0
RETRY_AFTER_MAX = 600.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DNS_TIMEOUT = 20

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.HostGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.SharedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.EncodingFixMiddleware": 585,
}
ITEM_PIPELINES = {"crawler.pipelines.IngestPipeline": 300}

# --- quiet, self-contained runs ----------------------------------------------------------
TELNETCONSOLE_ENABLED = False
#: Scrapy 2.19's remote-control extension runs Python code sent over HTTP and writes a token
#: file to the user's profile: a long-running watcher has no use for it, so it stays off.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

