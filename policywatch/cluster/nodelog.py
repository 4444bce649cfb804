"""What the coordinator reads in a finished job's Scrapy log on its node.

* whether the crawl closed its spider normally (``Spider closed (finished)``) or was
  interrupted / died before closing it;
* how many items it scraped (Scrapy's final stats), to check the feed delivered them all;
* the node's own counts for the job: the node pipeline logs the spider's RunLog (pages
  skipped as unchanged, fetch errors with their messages) as one marked JSON line per
  source when the spider closes (see :mod:`policywatch.cluster.nodefeed`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

#: Marks the JSON line with a source's node-side counts.
RUNLOG_MARKER = "policywatch-runlog"
#: Marks the JSON line with the list/feed validators a job ended with (source → URL → headers).
VALIDATORS_MARKER = "policywatch-validators"

_CLOSED = re.compile(r"Spider closed \((\w+)\)")
_SCRAPED = re.compile(r"'item_scraped_count': (\d+)")
_ERROR = re.compile(r"^.*\] (?:ERROR|CRITICAL): .*$", re.MULTILINE)
_RUNLOG = re.compile(re.escape(RUNLOG_MARKER) + r" (\{.*\})\s*$", re.MULTILINE)
_VALIDATORS = re.compile(re.escape(VALIDATORS_MARKER) + r" (\{.*\})\s*$", re.MULTILINE)
#: Finish reasons that mean the crawl was stopped before it was done.
INTERRUPTED = frozenset({"shutdown", "cancelled"})


@dataclass
class NodeRunlog:
    """A source's counts and error lines as its node's spider recorded them."""

    source: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def runlog_line(source: str, counts: dict[str, int], errors: list[str]) -> str:
    """The log line the node pipeline writes for one source."""
    payload = {"source": source, "counts": counts, "errors": errors}
    return f"{RUNLOG_MARKER} {json.dumps(payload, ensure_ascii=False)}"


def validators_line(validators: dict[str, dict[str, Any]]) -> str:
    """The log line a node spider writes with the validators its sources ended with."""
    return f"{VALIDATORS_MARKER} {json.dumps(validators, ensure_ascii=False)}"


def node_validators(log: str) -> dict[str, dict[str, dict[str, str]]]:
    """source → URL → {etag, last_modified} from the log's validators lines (bad entries skipped)."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for raw in _VALIDATORS.findall(log):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for source, urls in (data.items() if isinstance(data, dict) else ()):
            if isinstance(urls, dict):
                found[str(source)] = {str(url): {k: str(v) for k, v in headers.items() if v}
                                      for url, headers in urls.items() if isinstance(headers, dict)}
    return found


def finish_reason(log: str) -> str | None:
    """The reason of the last ``Spider closed (...)`` line; None when the spider never closed."""
    found = _CLOSED.findall(log)
    return found[-1] if found else None


def items_scraped(log: str) -> int | None:
    """How many items the crawl handed to its feed, from Scrapy's final stats (None: not logged)."""
    found = _SCRAPED.findall(log)
    return int(found[-1]) if found else None


def last_error(log: str) -> str:
    """The last ERROR/CRITICAL line (trimmed), to say why a crawl died."""
    found = _ERROR.findall(log)
    return found[-1].strip()[:200] if found else "no error logged"


def node_runlogs(log: str) -> list[NodeRunlog]:
    """Every source's node-side counts found in the log (unreadable lines are skipped)."""
    runlogs = []
    for raw in _RUNLOG.findall(log):
        try:
            data: dict[str, Any] = json.loads(raw)
            counts = {str(k): int(v) for k, v in dict(data.get("counts") or {}).items()}
            runlogs.append(NodeRunlog(str(data["source"]), counts, [str(e) for e in data.get("errors") or []]))
        except (ValueError, TypeError, KeyError):
            continue
    return runlogs
