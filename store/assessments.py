"""What the archive concluded about document versions: compared plans, relations, figures, alert priority.

Used by exports (CSV, XLSX) to put the verdict beside each document: one query per
batch of versions, so an export stays a stream.
"""
from __future__ import annotations

from typing import Any

from store.base import ArchiveBase

_RANK = "CASE a.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 WHEN 'low' THEN 2 ELSE 3 END"


class AssessmentsMixin(ArchiveBase):
    """assessments: per version, its comparisons (plan, relation, figures) and its highest alert priority."""

    def assessments(self, version_ids: list[int]) -> dict[int, dict[str, Any]]:
        """``{version_id: {"comparisons": [{plan, relation, figures}], "priority": str | None}}``."""
        if not version_ids:
            return {}
        marks = ", ".join("?" * len(version_ids))
        found: dict[int, dict[str, Any]] = {vid: {"comparisons": [], "priority": None} for vid in version_ids}
        for row in self.rows(
                "SELECT c.version_id, p.name AS plan, c.relation, c.figures FROM comparisons c"
                f" JOIN plans p ON p.id = c.plan_id WHERE c.version_id IN ({marks}) ORDER BY c.id", version_ids):
            found[row["version_id"]]["comparisons"].append(
                {"plan": row["plan"], "relation": row["relation"], "figures": row["figures"] or []})
        for row in self.rows(
                f"SELECT ad.version_id, a.priority FROM alert_documents ad JOIN alerts a ON a.id = ad.alert_id"
                f" WHERE ad.version_id IN ({marks}) ORDER BY {_RANK} DESC", version_ids):
            found[row["version_id"]]["priority"] = row["priority"]
        return found
