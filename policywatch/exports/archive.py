"""Archive export rows with the archive's verdict beside each document.

``policywatch export`` streams documents; these helpers add, per document's current
version, the tracked plan(s) it was compared with, the relation(s), the highest
alert priority and the changed figures — what an analyst filters on in Excel.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, Protocol

#: Columns of ``policywatch export --format csv|xlsx``: the verdict first, then the document.
EXPORT_FIELDS = (
    "id", "title", "account", "published_at", "relation", "priority", "plan", "figures", "url", "source",
    "status", "kind", "author", "doc_number", "canonical_url", "fetched_at", "first_seen", "last_seen",
    "version_count", "version_id", "origin", "origin_url", "repost_from", "content_hash", "lead", "body",
)
#: Columns whose URLs are made clickable in a workbook.
LINK_FIELDS = ("url", "canonical_url", "origin_url")
_BATCH = 500


class Assessing(Protocol):
    """The one archive method the helpers need."""

    def assessments(self, version_ids: list[int]) -> dict[int, dict[str, Any]]: ...


def with_verdicts(archive: Assessing, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``rows`` (export rows with ``version_id``) with relation, priority, plan and figures added."""
    iterator = iter(rows)
    while batch := list(islice(iterator, _BATCH)):
        found = archive.assessments([row["version_id"] for row in batch if row.get("version_id")])
        for row in batch:
            yield {**row, **verdict(found.get(row.get("version_id") or -1))}


def verdict(assessment: dict[str, Any] | None) -> dict[str, str]:
    """The four verdict columns as text (several plans joined with "; ")."""
    comparisons = (assessment or {}).get("comparisons") or []
    figures = [figure_text(figure) for c in comparisons for figure in c["figures"]]
    return {
        "relation": "; ".join(c["relation"] or "" for c in comparisons),
        "plan": "; ".join(c["plan"] for c in comparisons),
        "priority": (assessment or {}).get("priority") or "",
        "figures": "; ".join(figures),
    }


def figure_text(figure: dict[str, Any]) -> str:
    """``不少于50000家 → 不少于60000家`` (— for a figure that appeared or disappeared)."""
    return f"{figure.get('plan') or '—'} → {figure.get('doc') or '—'}"
