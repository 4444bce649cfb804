"""Per tracked plan, the plans implementing it: one row per document (province or ministry), targets side by side.

Read from the archive's stored comparisons (relation ``implementation``, the latest
version of each document compared with the plan's latest version): nothing is
recomputed. Used by ``policywatch implementations NAME`` and the web page
``/plans/NAME/implementations``.
"""
from __future__ import annotations

from typing import Any

from policywatch.errors import PolicywatchError
from store.archive import Archive
from store.records import VersionRecord

#: Keys of one row (``policywatch implementations NAME --format json``), in order.
ROW_KEYS = ("document_id", "issuer", "date", "title", "url", "targets", "adopted", "omitted", "added")


class UnknownPlan(PolicywatchError, LookupError):
    """No tracked plan has that name."""


def implementations(archive: Archive, name: str) -> list[dict[str, Any]]:
    """Rows for plan ``name``: issuer, date, title, url, paired targets, tasks adopted/omitted/added.

    Newest document first; a document counts once, by its latest version.
    """
    plan = archive.plan(name)
    if plan is None:
        raise UnknownPlan(f"no tracked plan named {name}")
    rows: dict[int, dict[str, Any]] = {}
    for comparison in archive.comparisons(plan_id=plan["id"]):
        if comparison.get("relation") != "implementation" or comparison["document_id"] in rows:
            continue
        found = archive.get(comparison["document_id"])
        version = found.version if found else None
        if version is None or version.id != comparison["version_id"]:
            continue
        rows[comparison["document_id"]] = _row(comparison, version)
    return sorted(rows.values(), key=lambda r: (r["date"] or "", r["document_id"]), reverse=True)


def _row(comparison: dict[str, Any], version: VersionRecord) -> dict[str, Any]:
    data = comparison.get("data") or {}
    tasks = data.get("implementation") or {}
    return {
        "document_id": comparison["document_id"],
        "issuer": version.account or version.origin or version.meta.get("SiteName") or version.source or "",
        "date": (version.published_at or "")[:10] or None,
        "title": version.title,
        "url": version.url or version.canonical_url or "",
        "targets": [{"context": f.get("context"), "plan": f.get("plan"), "doc": f.get("doc"), "ratio": f.get("ratio")}
                    for f in data.get("figures") or []],
        "adopted": list(tasks.get("adopted") or []),
        "omitted": list(tasks.get("omitted") or []),
        "added": list(tasks.get("added") or []),
    }
