"""What a crawl writes about its sources: the source rows, crawl runs, and list/feed validators.

Feeds and list pages are not documents, so the archive's per-document validators
(``known_document`` / ``touch``) cannot hold their ETag / Last-Modified. They are kept
in the source's own record instead (``sources.meta["validators"]``, URL → headers),
read when the crawl starts and written back when it ends.
"""
from __future__ import annotations

import json
from typing import Any

from crawler.runlog import RunLog
from crawler.sources import Source
from store.archive import Archive

#: At most this many list/feed URLs keep validators per source (pagination URLs included).
MAX_VALIDATORS = 200


class SourceRecords:
    """Opens a crawl run per source and carries the validators of its feeds and list pages."""

    def __init__(self, archive: Archive, sources: list[Source]) -> None:
        self.archive = archive
        self.sources = sources
        self.run_ids: dict[str, int] = {}
        self._validators: dict[str, dict[str, dict[str, str]]] = {}
        self._resume: set[str] = set()
        self._blocked: dict[str, dict[str, str]] = {}

    def open(self) -> None:
        """Read stored validators, record the sources and start one crawl run per source."""
        stored = {row["name"]: _meta(row) for row in self.archive.sources()}
        for source in self.sources:
            self._validators[source.name] = dict(stored.get(source.name, {}).get("validators") or {})
            if stored.get(source.name, {}).get("blocked"):
                self._blocked[source.name] = dict(stored[source.name]["blocked"])
            if _incomplete(self.archive.last_run(source.name)):
                self._resume.add(source.name)
            self._upsert(source)
            self.run_ids[source.name] = self.archive.start_run(source.name)

    def resuming(self, source: str) -> bool:
        """Whether the source's previous run was cut short (killed, failed, or had errors).

        Then lists and feeds are read in full and paginated to ``max_pages`` even when a page
        brings nothing new: what the broken run never reached is further down.
        """
        return source in self._resume

    def close(self, runlog: RunLog) -> None:
        """Finish every run with its counts and errors (alerting a source that starts or stops failing)
        and keep the validators for next time."""
        for source in self.sources:
            self._upsert(source)
            if source.name in self.run_ids:
                self.archive.finish_run(self.run_ids.pop(source.name), runlog.counts(source.name),
                                        runlog.errors(source.name))
                self.archive.record_source_health(source.name)

    def validators(self, source: str, url: str) -> dict[str, str]:
        """ETag / Last-Modified stored for a list or feed URL of ``source`` (in known_document's shape)."""
        return dict(self._validators.get(source, {}).get(url) or {})

    def remember(self, source: str, url: str, *, etag: str | None, last_modified: str | None) -> None:
        """Keep the validators a list or feed answered with."""
        kept = self._validators.setdefault(source, {})
        kept.pop(url, None)
        if etag or last_modified:
            kept[url] = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        while len(kept) > MAX_VALIDATORS:
            kept.pop(next(iter(kept)))

    def forget(self, source: str, url: str) -> None:
        """Drop a list or feed's validators, so the next crawl reads it in full again.

        Used when an article it links could not be fetched: the retry happens when the
        feed is read again, which a 304 would prevent.
        """
        self._validators.get(source, {}).pop(url, None)

    def block(self, source: str, reason: str, url: str, until: str) -> None:
        """Record that ``source`` answered with an anti-bot page: skipped until ``until`` (ISO time)."""
        self._blocked[source] = {"reason": reason, "url": url, "until": until}

    def blocked(self, source: str) -> dict[str, str] | None:
        """The source's standing block (reason, url, until), if one was recorded."""
        return self._blocked.get(source)

    def unblock(self, source: str) -> None:
        """Forget a block (the source answered normally again)."""
        self._blocked.pop(source, None)

    def _upsert(self, source: Source) -> None:
        config = {k: v for k, v in source.to_dict().items() if k not in ("name", "kind", "url")}
        extra = {"blocked": self._blocked[source.name]} if source.name in self._blocked else {}
        self.archive.upsert_source(source.name, source.kind, source.url, **config,
                                   validators=self._validators.get(source.name, {}), **extra)


def _incomplete(run: dict[str, Any] | None) -> bool:
    return run is not None and (run.get("status") != "finished" or bool(run.get("error_count")))


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    meta = row.get("meta")
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return {}
    return meta if isinstance(meta, dict) else {}
