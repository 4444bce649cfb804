"""What the coordinator asks a node to run for one source: spider, arguments, settings.

A node has no copy of the coordinator's sources file, so the source itself travels as a
spider argument (JSON, read by :mod:`policywatch.cluster.nodespiders`). The settings put
the node spiders in place, give the job a scratch archive of its own, and replace the
archive pipeline with :class:`policywatch.cluster.nodefeed.PageFeedPipeline`, so pages
go to the job's items feed for the coordinator to pull.
"""
from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from crawler.runner import SPIDERS
from crawler.sources import Source

#: Pipelines on nodes: the feed writer only (never the archive pipeline).
NODE_PIPELINES = {"policywatch.cluster.nodefeed.PageFeedPipeline": 900}

#: Settings every node job gets. INFO logging keeps logs small and the finish line findable.
NODE_SETTINGS = {
    "SPIDER_MODULES": "policywatch.cluster.nodespiders",
    "ITEM_PIPELINES": json.dumps(NODE_PIPELINES),
    "LOG_LEVEL": "INFO",
}

#: Longest packed argument sent (Linux caps one command-line argument at 128 KiB).
MAX_ARGUMENT = 100_000

#: Scratch archives of node jobs end so; only such files are ever deleted.
SCRATCH_SUFFIX = ".scratch.db"

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


@dataclass(frozen=True)
class JobSpec:
    """One crawl job (one or more sources of one kind), as scrapyd's schedule.json takes it."""

    sources: tuple[str, ...]
    spider: str
    args: dict[str, str]
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The job's sources in a few words, for ids and messages."""
        first = self.sources[0]
        return first if len(self.sources) == 1 else f"{first}+{len(self.sources) - 1}"

    def job_id(self, run: str, attempt: int) -> str:
        """A unique, file-name-safe job id: scrapyd names the items and log files after it."""
        return f"{run}-{_UNSAFE.sub('_', self.label)[:80]}-{attempt}"

    def settings_for(self, job: str) -> dict[str, str]:
        """The job's settings: these plus its own scratch archive on the node."""
        return {**self.settings, "POLICYWATCH_DB": f"{job}{SCRATCH_SUFFIX}"}


def setting_strings(settings: dict[str, Any] | None) -> dict[str, str]:
    """Scrapy setting overrides as schedule.json carries them: text, JSON for dicts and lists."""
    return {name: json.dumps(value) if isinstance(value, dict | list | tuple | bool) else str(value)
            for name, value in (settings or {}).items()}


def spider_name(kind: str) -> str:
    """The spider that crawls sources of ``kind`` (the crawler's own mapping)."""
    try:
        return SPIDERS[kind].name
    except KeyError:
        raise ValueError(f"no spider for source kind {kind!r}") from None


def job_for(sources: list[Source], *, settings: dict[str, str] | None = None,
            validators: dict[str, dict[str, Any]] | None = None) -> JobSpec:
    """The job that crawls ``sources`` (all of one kind) on a node.

    ``settings`` add to the node settings; ``validators`` (source → list/feed URL → ETag /
    Last-Modified, as the archive keeps them) let the node ask conditionally, as a local
    crawl does. They are dropped, source by source, if they would not fit in a process
    argument: the node then simply fetches those lists in full.
    """
    kinds = {source.kind for source in sources}
    if len(kinds) != 1:
        raise ValueError(f"one job crawls sources of one kind, got {sorted(kinds)}")
    args = {"sources_json": json.dumps([source.to_dict() for source in sources], ensure_ascii=False)}
    kept = {s.name: validators[s.name] for s in sources if validators and validators.get(s.name)}
    while kept and len(pack(kept)) > MAX_ARGUMENT:
        kept.pop(next(reversed(kept)))
    if kept:
        args["validators_z"] = pack(kept)
    return JobSpec(tuple(s.name for s in sources), spider_name(kinds.pop()), args,
                   {**NODE_SETTINGS, **(settings or {})})


def pack(data: Any) -> str:
    """JSON, compressed and base64-encoded: compact text for a spider argument."""
    return base64.b64encode(zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 9)).decode("ascii")


def unpack(text: str) -> Any:
    """Inverse of :func:`pack`."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def batches(sources: list[Source], size: int) -> list[list[Source]]:
    """Sources grouped into jobs of at most ``size``, one kind per job, in the given order.

    Each job costs a Scrapy process start on its node (a second or two), so thousands of
    small feeds are better crawled a few dozen per job; fewer, bigger jobs spread less
    evenly over the nodes and redo more work when a node dies.
    """
    by_kind: dict[str, list[Source]] = {}
    for source in sources:
        by_kind.setdefault(source.kind, []).append(source)
    size = max(1, size)
    return [group[i:i + size] for group in by_kind.values() for i in range(0, len(group), size)]


def auto_batch_size(sources: int, slots: int, *, jobs_per_slot: int = 3, largest: int = 25) -> int:
    """Sources per job so that every crawl slot gets about ``jobs_per_slot`` jobs (at most ``largest``)."""
    return max(1, min(largest, -(-sources // max(1, slots * jobs_per_slot))))
