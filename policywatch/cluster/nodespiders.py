"""The spiders as nodes run them: sources arrive as JSON, crawl state lives only for the job.

scrapyd passes spider arguments as strings, so a node cannot receive ``sources=[Source]``
as the local runner passes it; these subclasses of the crawler's spiders (same names, one
per source kind) accept ``-a sources_json=[...]``. The coordinator selects them with
``SPIDER_MODULES`` in each job's settings.

Nodes keep no state between jobs: a node may not see the same source twice, and a node
that remembered list validators could answer "not modified" for pages the coordinator
never ingested (it died mid-pull, say). Each job's spider gets a scratch archive of its own
(``POLICYWATCH_DB``, set per job by the coordinator), deleted when the spider closes. The
coordinator sends the list/feed validators its archive holds (``-a validators_z=…``), so
unchanged feeds and lists still answer 304, and reads back the validators the job ended
with from its log: it keeps them only for jobs it accepted.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.sources import Source
from crawler.spiders.base import SourceSpider
from crawler.spiders.column import ColumnSpider
from crawler.spiders.feeds import FeedSpider
from crawler.spiders.govcn import GovcnSpider
from crawler.spiders.miit import MiitSpider
from crawler.spiders.pages import PageSpider
from policywatch.cluster.jobs import SCRATCH_SUFFIX, unpack
from policywatch.cluster.nodelog import validators_line
from store.archive import Archive

log = logging.getLogger(__name__)


class NodeSpiderMixin:
    """Sources from ``sources_json``, validators from ``validators_z``, a scratch archive per job."""

    def __init__(self, *args: Any, sources_json: str | None = None, validators_z: str | None = None,
                 **kwargs: Any) -> None:
        if sources_json is not None:
            kwargs["sources"] = [Source.from_dict(data) for data in json.loads(sources_json)]
        super().__init__(*args, **kwargs)
        self.seed_validators: dict[str, dict[str, dict[str, str]]] = unpack(validators_z) if validators_z else {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """The crawler's spider; our handlers run after its own (connected later)."""
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        crawler.signals.connect(spider.seed_records, signal=signals.spider_opened)
        scratch = str(crawler.settings.get("POLICYWATCH_DB") or "")
        if scratch.endswith(SCRATCH_SUFFIX):
            crawler.signals.connect(lambda spider: report_and_drop(scratch), signal=signals.spider_closed,
                                    weak=False)
        return spider

    def seed_records(self, spider: Any) -> None:
        """After the spider read its (empty) scratch records: add the coordinator's validators."""
        if spider is not self:
            return
        for source, urls in self.seed_validators.items():
            for url, headers in urls.items():
                self.records.remember(source, url, etag=headers.get("etag"),
                                      last_modified=headers.get("last_modified"))


def report_and_drop(scratch: str) -> None:
    """Log the validators the job ended with (the spider has written them), then delete the scratch archive."""
    try:
        with Archive(scratch) as archive:
            validators = {row["name"]: (row.get("meta") or {}).get("validators") or {} for row in archive.sources()}
        log.info("%s", validators_line({name: urls for name, urls in validators.items() if urls}))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


class NodeMiitSpider(NodeSpiderMixin, MiitSpider):
    """The MIIT spider as nodes run it."""


class NodeFeedSpider(NodeSpiderMixin, FeedSpider):
    """The feed spider as nodes run it."""


class NodePageSpider(NodeSpiderMixin, PageSpider):
    """The page spider as nodes run it."""


class NodeColumnSpider(NodeSpiderMixin, ColumnSpider):
    """The column spider as nodes run it."""


class NodeGovcnSpider(NodeSpiderMixin, GovcnSpider):
    """The gov.cn spider as nodes run it."""


#: Source kind → the spider a node runs for it (same names as the crawler's spiders).
NODE_SPIDERS: dict[str, type[SourceSpider]] = {"miit": NodeMiitSpider, "feed": NodeFeedSpider,
                                                "page": NodePageSpider, "column": NodeColumnSpider,
                                                "govcn": NodeGovcnSpider}
