"""A plan's timeline, assembled from what the archive stored: drafts, final, versions, copies, deletions.

Every event is a dict with the contract keys (``policywatch timeline NAME --format json``):
``date, event, document_id, title, account, url, relation, similarity, figures`` — plus
``coverage``, ``first_seen`` and, for copies and interpretations, ``latency_hours`` (how long
after the plan's publication the account had it: its own publication date, else first seen). Dates are the publication date where known, else first seen;
a ``deleted`` event carries the time the deletion was observed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from store.base import ArchiveBase

#: The event vocabulary, in the order events of the same date are listed.
EVENTS = ("draft", "final", "plan_version", "interpretation", "repost", "altered_repost", "excerpt", "revision",
          "revised", "deleted")
#: Relations (of a document to the plan) that are events of the same name.
_RELATION_EVENTS = {"repost": "repost", "identical": "repost", "altered_repost": "altered_repost",
                    "excerpt": "excerpt", "interpretation": "interpretation", "revision": "revision"}
_LATEST_COMPARISONS = (
    "SELECT c.document_id, c.relation, c.similarity, c.coverage, c.figures FROM comparisons c"
    " WHERE c.id IN (SELECT max(id) FROM comparisons WHERE plan_id = ? GROUP BY document_id)"
    " AND c.relation != 'unrelated'")
_DOCUMENT = (
    "SELECT d.id, d.url, d.status, d.first_seen, v.title, v.account, v.published_at, v.meta, v.seq"
    " FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id WHERE d.id = ?")


class TimelineMixin(ArchiveBase):
    """timeline(plan) and the per-account first-seen latency."""

    def timeline(self, plan_id: int) -> list[dict[str, Any]]:
        """The plan's events in date order (see the module docstring)."""
        family = self.plan_family(plan_id)  # type: ignore[attr-defined]
        events: list[dict[str, Any]] = []
        home = family["home"]
        if family["draft"]:
            events.append(self._event("draft", family["draft"]))
        if home:
            events.append(self._event("final" if family["draft"] else "plan_version", home, relation="identical",
                                      similarity=1.0))
        for row in self.rows(_LATEST_COMPARISONS, (plan_id,)):
            if row["document_id"] in (home, family["draft"]):
                continue
            events.append(self._event(_RELATION_EVENTS.get(row["relation"], row["relation"]), row["document_id"],
                                      relation=row["relation"], similarity=row["similarity"],
                                      coverage=row["coverage"], figures=row["figures"] or []))
        events += self._plan_versions(plan_id, has_home=bool(home))
        events += self._afterlife({e["document_id"] for e in events if e["document_id"]})
        published = next((e["date"] for e in events if e["event"] in ("final", "plan_version") and e["date"]), None)
        for event in events:
            copy = event["event"] in _RELATION_EVENTS.values()
            event["latency_hours"] = _hours(published, event["date"]) if copy else None
        order = {name: index for index, name in enumerate(EVENTS)}
        return sorted(events, key=lambda e: (str(e["date"] or "")[:19], order.get(e["event"], 99),
                                             e["document_id"] or 0))

    def _event(self, event: str, document_id: int, **extra: Any) -> dict[str, Any]:
        """One event about a stored document (its latest title, account, URL and dates)."""
        doc = self.row(_DOCUMENT, (document_id,)) or {}
        meta = doc.get("meta") or {}
        account = doc.get("account") or next((meta[k] for k in ("发布机构", "发文机关", "来源") if meta.get(k)), None)
        return {"date": doc.get("published_at") or doc.get("first_seen"), "event": event, "document_id": document_id,
                "title": doc.get("title"), "account": account, "url": doc.get("url"),
                "relation": extra.get("relation"), "similarity": extra.get("similarity"),
                "figures": extra.get("figures", []), "coverage": extra.get("coverage"),
                "first_seen": doc.get("first_seen")}

    def _plan_versions(self, plan_id: int, *, has_home: bool) -> list[dict[str, Any]]:
        """Plan versions after the first (the first is the home document's event, when there is one)."""
        events = []
        for version in self.rows("SELECT seq, title, created_at FROM plan_versions WHERE plan_id = ? ORDER BY seq",
                                 (plan_id,)):
            if version["seq"] > 1 or not has_home:
                events.append({"date": version["created_at"], "event": "plan_version", "document_id": None,
                               "title": version["title"], "account": None, "url": None, "relation": None,
                               "similarity": None, "figures": [], "coverage": None, "first_seen": None,
                               "seq": version["seq"]})
        return events

    def _afterlife(self, document_ids: set[int]) -> list[dict[str, Any]]:
        """``revised`` (a later version of a document) and ``deleted`` (observed gone) events."""
        events = []
        for document_id in sorted(document_ids):
            for version in self.rows("SELECT seq, created_at FROM versions WHERE document_id = ? AND seq > 1",
                                     (document_id,)):
                events.append({**self._event("revised", document_id), "date": version["created_at"],
                               "seq": version["seq"]})
            for change in self.rows("SELECT at FROM document_events WHERE document_id = ?"
                                    " AND new_status = 'deleted' AND old_status IS NOT NULL", (document_id,)):
                events.append({**self._event("deleted", document_id), "date": change["at"]})
        return events


def _hours(start: str | None, end: str | None) -> float | None:
    """Hours from ``start`` (the plan's publication) to ``end`` (the copy's), or None when either is unknown."""
    try:
        begin, finish = datetime.fromisoformat(start or ""), datetime.fromisoformat(end or "")
    except ValueError:
        return None
    if (begin.tzinfo is None) != (finish.tzinfo is None):
        begin, finish = begin.replace(tzinfo=None), finish.replace(tzinfo=None)
    return round((finish - begin).total_seconds() / 3600, 1)
