"""The ingest path's lifecycle step: new plans, consultation drafts, finals, interpretations, deadlines.

Runs inside the ingest transaction of a new document or version, after it was compared
with every tracked plan, and applies the pure rules of :mod:`diffing.lifecycle`:

- an official consultation draft is recorded with its feedback deadline;
- an official document whose title key matches an earlier draft is its final: the two
  are linked both ways, compared clause by clause, and a ``final`` alert carries the diff;
- an official plan that is no copy of a tracked one becomes a tracked plan (origin
  ``auto``, its home that page) with a ``new_plan`` alert (an official faithful copy of a
  tracked plan becomes its home in the ingest path itself);
- a document naming a plan that the differ judged unrelated is its interpretation.

:func:`enqueue_due_deadlines` raises the ``deadline`` reminders; the scheduler's
delivery step (``policywatch run`` / ``alerts send``) calls it before delivering.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from crawler.changes import official
from diffing import lifecycle
from diffing.lifecycle import PlanRules
from diffing.model import Relation
from store import clock
from store.archive import Archive
from store.kinds import AlertKind, Priority
from store.model import Document
from store.records import AlertSummary, VersionRecord

#: Kinds of source (sources.toml) whose pages are official documents, whatever their host.
OFFICIAL_SOURCE_KINDS = ("miit", "govcn", "gov", "column")
#: Relations that make a document a copy of a tracked plan (never a second plan).
COPY_RELATIONS = (Relation.IDENTICAL, Relation.REPOST, Relation.ALTERED_REPOST, Relation.REVISION)
#: Relations after which an official document is not tracked as a plan of its own: copies of a
#: tracked plan, and a province's implementation of one (followed through ``implementations``).
NOT_NEW_PLAN_RELATIONS = (*COPY_RELATIONS, Relation.IMPLEMENTATION)
#: Deadlines and "today" are dates in China.
TIMEZONE = ZoneInfo("Asia/Shanghai")
#: How many changed clauses a ``final`` alert carries in full (the link keeps them all).
FINAL_CHANGES = 50
#: The Scrapy setting that carries policywatch.toml's ``[plans]`` rules to the pipeline.
PLAN_RULES_SETTING = "POLICYWATCH_PLAN_RULES"


def rules_setting(rules: PlanRules) -> dict[str, Any]:
    """``[plans]`` rules as a plain dict for the crawl's settings (see :func:`rules_from_setting`)."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in vars(rules).items()}


def rules_from_setting(value: dict[str, Any] | None) -> PlanRules:
    """The rules a crawl was given in its settings (defaults when none)."""
    if not value:
        return PlanRules()
    fields: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in dict(value).items()}
    return PlanRules(**fields)


@dataclass(frozen=True)
class Saved:
    """The document just stored: ids and the source it came from."""

    document_id: int
    version_id: int
    source: str | None


class LifecycleStep:
    """Applies the lifecycle rules to each new document or version (see the module docstring)."""

    def __init__(self, archive: Archive, rules: PlanRules | None = None) -> None:
        self.archive = archive
        self.rules = rules or PlanRules()
        self._source_kinds: dict[str, str] | None = None

    def official(self, doc: Document, source: str | None) -> bool:
        """An authority's own page (crawler.changes.official), from an official kind of source, or
        from a source the ``[plans]`` rules name."""
        if official(doc.kind, doc.url) or (source is not None and source in self.rules.sources):
            return True
        if self._source_kinds is None:
            self._source_kinds = {s["name"]: s["kind"] for s in self.archive.sources()}
        return self._source_kinds.get(source or "") in OFFICIAL_SOURCE_KINDS

    def apply(self, doc: Document, saved: Saved, relations: dict[str, str]) -> list[tuple[str, int]]:
        """Run every rule for one stored document; returns the (kind, alert count) it raised."""
        if not self.official(doc, saved.source):
            return []
        if lifecycle.is_draft(doc.title, column=doc.meta.get("ColumnName") or doc.meta.get("column")):
            return [("deadline", self._consultation(doc, saved))]
        raised = [("final", self._final(doc, saved))]
        if not any(relation in NOT_NEW_PLAN_RELATIONS for relation in relations.values()):
            raised.append(("new_plan", self._new_plan(doc, saved)))
        return raised

    def _consultation(self, doc: Document, saved: Saved) -> int:
        """Record the draft and its deadline; raise a reminder at once if one is already due."""
        published = _date(doc.published_at)
        deadline = lifecycle.feedback_deadline(f"{doc.meta.get('notice') or ''}\n{doc.title}\n{doc.text}", published)
        self.archive.save_consultation(
            saved.document_id, key=lifecycle.title_key(doc.title), issuer=issuer(doc), source=saved.source,
            deadline=deadline.isoformat() if deadline else None,
            published=published.isoformat() if published else None)
        return enqueue_due_deadlines(self.archive, today(), self.rules.deadline_days,
                                     document_id=saved.document_id)

    def _final(self, doc: Document, saved: Saved) -> int:
        """Link ``doc`` to its consultation draft (if one is known) and raise the ``final`` alert."""
        published = _date(doc.published_at)
        draft = self.archive.find_draft(lifecycle.title_key(doc.title),
                                        before=published.isoformat() if published else None,
                                        exclude=saved.document_id)
        if draft is None or not _same_issuer(draft, doc, saved.source):
            return 0
        stored = self.archive.get(draft["document_id"])
        version = stored.version if stored else None
        from diffing import compare

        comparison = compare(lifecycle.instrument_text(version.body if version else ""),
                             lifecycle.instrument_text(doc.body or doc.text),
                             plan_title=version.title if version else "", doc_title=doc.title).to_dict()
        summary = final_summary(draft["document_id"], saved.document_id, version, doc, comparison)
        if not self.archive.link("draft_of", draft["document_id"], other_id=saved.document_id,
                                 data={"counts": summary.counts}):
            return 0
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.FINAL, group_key=f"final:{draft['document_id']}:{saved.document_id}",
            priority="high", plan_id=None, document_id=saved.document_id, version_id=saved.version_id, comparison_id=None, relation=None,
            title=doc.title or doc.url or "", summary=summary)
        return int(created)

    def _new_plan(self, doc: Document, saved: Saved) -> int:
        """Track an official plan by itself (origin ``auto``) and raise ``new_plan``."""
        reason = lifecycle.plan_reason(doc.title, doc.body, self.rules)
        if reason is None:
            return 0
        name = lifecycle.plan_name(doc.title)
        known = self.archive.plan(name)
        if known is not None:
            if not known.get("home_document_id"):
                self.archive.set_plan_home(known["id"], saved.document_id)
            return 0
        result = self.archive.track_plan(name, doc, source_version_id=saved.version_id)
        self.archive.set_plan_origin(result.plan_id, "auto")
        self.archive.set_plan_home(result.plan_id, saved.document_id)
        comparison = {"relation": Relation.IDENTICAL, "priority": Priority.LOW, "similarity": 1.0, "coverage": 1.0,
                      "changes": [], "figures": [], "home": True}
        comparison_id = self.archive.save_comparison(saved.version_id, result.plan_version_id, comparison)
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.NEW_PLAN, group_key=f"new_plan:{result.plan_id}", priority="normal",
            plan_id=result.plan_id,
            document_id=saved.document_id, version_id=saved.version_id, comparison_id=comparison_id,
            relation=None, title=doc.title or name,
            summary=AlertSummary.from_dict({
                "title": doc.title, "url": doc.url or doc.canonical_url, "account": issuer(doc),
                "source": saved.source, "published_at": doc.published_at, "plan": name, "reason": reason,
                "relation": AlertKind.NEW_PLAN, "figures": [], "changes": [], "counts": {}}))
        return int(created)


def interprets(doc: Document, plan_title: str, relation: str) -> bool:
    """Whether ``doc`` is an interpretation of the plan: the differ says so, or it names 《the plan》."""
    if relation == Relation.INTERPRETATION:
        return True
    return relation == Relation.UNRELATED and lifecycle.names_plan(f"{doc.title}\n{doc.text}", plan_title)


def final_summary(draft_id: int, final_id: int, draft: VersionRecord | None, doc: Document,
                  comparison: dict[str, Any]) -> AlertSummary:
    """The ``final`` alert's payload: both ids, counts, each changed article old → new, figures."""
    changes = [c for c in comparison.get("changes", []) if c.get("kind") != "moved"]
    counts = {kind: int((comparison.get("counts") or {}).get(kind, 0)) for kind in ("changed", "added", "removed",
                                                                                   "moved")}
    headline = (f"征求意见稿 → 正式稿: {counts['changed']} 条修改, {counts['added']} 条新增, "
                f"{counts['removed']} 条删除")
    figures = [{"context": f.get("context"), "plan": f.get("plan"), "doc": f.get("doc")}
               for f in comparison.get("figures", [])]
    if figures:
        headline += ", 关键数字 " + "; ".join(f"{f['plan'] or '—'} → {f['doc'] or '—'}" for f in figures[:3])
    return AlertSummary.from_dict({
        "title": doc.title, "url": doc.url or doc.canonical_url, "account": issuer(doc), "relation": AlertKind.FINAL,
        "priority": "high", "published_at": doc.published_at, "draft_id": draft_id, "final_id": final_id,
        "draft_title": draft.title if draft else None, "headline": headline, "counts": counts,
        "similarity": comparison.get("similarity"),
        "changes": [{"kind": c.get("kind"), "section": c.get("section"), "plan_text": c.get("plan_text"),
                     "doc_text": c.get("doc_text")} for c in changes[:FINAL_CHANGES]],
        "figures": figures,
    })


def enqueue_due_deadlines(archive: Archive, on: date, days: tuple[int, ...] = lifecycle.DEADLINE_DAYS, *,
                          document_id: int | None = None) -> int:
    """Raise the ``deadline`` reminders due ``on`` this date (each once); returns how many were new.

    Drafts already linked to their final need no reminder.
    """
    created = 0
    for draft in archive.consultations():
        if not draft["deadline"] or draft["final_document_id"] or (document_id and draft["document_id"] != document_id):
            continue
        deadline = date.fromisoformat(draft["deadline"])
        for ahead in lifecycle.due_reminders(deadline, on, days):
            key = f"deadline:{draft['document_id']}:{ahead}"
            if archive.scalar("SELECT 1 FROM alerts WHERE group_key = ?", (key,)):
                continue
            stored = archive.get(draft["document_id"])
            left = (deadline - on).days
            archive.enqueue_alert(
                kind=AlertKind.DEADLINE, group_key=key, priority="high" if ahead <= 1 else "normal",
                plan_id=None,
                document_id=draft["document_id"], version_id=stored.latest_version_id if stored else None, comparison_id=None,
                relation=None, title=draft["title"] or "",
                summary=AlertSummary.from_dict({
                    "title": draft["title"], "url": draft["url"], "account": draft["issuer"],
                    "relation": AlertKind.DEADLINE, "deadline": draft["deadline"], "days_left": left,
                    "reminder_days": ahead, "headline": f"意见反馈截止 {draft['deadline']}（还剩 {left} 天）",
                    "figures": [], "changes": [], "counts": {}}))
            created += 1
    return created


def issuer(doc: Document) -> str | None:
    """The issuing body: 发布机构/发文机关/来源 from the page's metadata, else the account."""
    meta = doc.meta or {}
    return next((meta[k] for k in ("发布机构", "发文机关", "来源") if meta.get(k)), None) or doc.account


def today() -> date:
    """Today's date in China (by the one clock, store.clock)."""
    return clock.now().astimezone(TIMEZONE).date()


def _date(value: str | None) -> date | None:
    """The date part of an ISO time or date, or None."""
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _same_issuer(draft: dict[str, Any], doc: Document, source: str | None) -> bool:
    """Same issuing body (or the same source when either issuer is unknown)."""
    mine = issuer(doc)
    if draft.get("issuer") and mine:
        return draft["issuer"] in mine or mine in draft["issuer"] or draft.get("source") == source
    return draft.get("source") == source or not draft.get("source")
