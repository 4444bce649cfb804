"""The one ingest path: normalise → archive.save → own change → compare with every tracked plan → alert.

Used by the Scrapy pipeline (every crawled page), by ``policywatch add`` (files and
URLs given by hand) and by the cluster coordinator (pages read back from scrapyd
item feeds). Nothing is compared unless the archive stored a new document or a new
version, so re-crawling an unchanged site stores nothing and alerts nobody.

A document's own change alerts whatever its relation to any plan (see
:mod:`crawler.changes`): a new version is compared with the previous one (``revised``),
a status change is a ``status`` alert, and a new version of a plan's *home* document
becomes the plan's next version (``plan_changed``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.changes import (
    change_summary,
    document_facts,
    official,
    revision_priority,
    status_priority,
    status_summary,
    version_diff,
)
from crawler.items import Page
from crawler.lifecycle import LifecycleStep, Saved, interprets
from crawler.normalise import NormaliseError
from crawler.pagedoc import document_from_page, from_feed, is_provisional, provisional_document
from crawler.urls import hide_credentials
from diffing.lifecycle import PlanRules, cited_names, title_key
from diffing.model import Relation
from store.archive import Archive, SaveResult
from store.kinds import AlertKind, SaveOutcome
from store.model import Document
from store.plans import plan_text
from store.records import AlertSummary

#: How many changed clauses an alert summary carries (the full diff is in the archive).
TOP_CHANGES = 5
#: The comparison stored when the cheap screen finds (almost) none of a plan's text in a document.
SCREENED_OUT: dict[str, Any] = {"relation": Relation.UNRELATED, "priority": "none", "similarity": 0.0, "coverage": 0.0,
                                "changes": [], "figures": [], "screened": True}
#: Consecutive checks an anti-bot page must persist before it is alerted as ``unreachable``.
UNREACHABLE_AFTER = 3
#: Relations of a faithful copy of a plan (a document like this from an official site can be its home).
FAITHFUL_RELATIONS = (Relation.IDENTICAL, Relation.REPOST)
#: Relations after which a document is checked against the plan's older versions.
ALTERED_RELATIONS = (Relation.ALTERED_REPOST, Relation.REVISION)
#: Outcomes after which the document is compared with the tracked plans.
COMPARED_OUTCOMES = (SaveOutcome.NEW, SaveOutcome.NEW_VERSION)


@dataclass
class IngestResult:
    """What happened to one page: archive outcome, relation per plan, alerts enqueued, or the error.

    ``provisional`` says the document stored is the feed's copy, the article itself unread.
    """

    outcome: str
    document_id: int | None = None
    version_id: int | None = None
    relations: dict[str, str] = field(default_factory=dict)
    alerts: int = 0
    error: str | None = None
    provisional: bool = False


class Ingestor:
    """Runs pages and documents through the archive and the tracked plans.

    The tracked plans are read once per Ingestor (one crawl) and re-read after anything
    that changes them (a new plan found, a plan's new version, a rolled-back transaction).
    """

    def __init__(self, archive: Archive, *, unreachable_after: int = UNREACHABLE_AFTER,
                 rules: PlanRules | None = None) -> None:
        self.archive = archive
        self.unreachable_after = max(1, int(unreachable_after))
        self.lifecycle = LifecycleStep(archive, rules)
        self._plans: list[dict[str, Any]] | None = None
        self._index: Any = None
        self._prepared: dict[int, Any] = {}
        self._keys: dict[str, str] = {}

    def _forget_plans(self) -> None:
        """Forget the cached plan list (re-read on the next comparison)."""
        self._plans = None

    def ingest_page(self, page: Page) -> IngestResult:
        """Normalise a crawled page and ingest it; bad pages give ``outcome="error"``, never raise.

        A feed's own copy stands in for an article that could not be read (fetch failed,
        unreadable, anti-bot or blocked page) only while the archive has nothing better:
        a document already stored from the article itself is never overwritten by it.
        """
        known = self.archive.known_document(page.url)
        try:
            doc = self._document(page, known)
        except NormaliseError as exc:
            return IngestResult("error", error=f"{exc}: {hide_credentials(page.url)}")
        if doc is None:
            assert known is not None, "only a stored document is kept in place of a feed copy"
            return IngestResult("unchanged", known["id"], known.get("latest_version_id"))
        return self.ingest_document(doc, source=page.source)

    def _document(self, page: Page, known: dict[str, Any] | None) -> Document | None:
        """The page's Document, a feed copy standing in for it, or None (keep what is stored)."""
        try:
            doc = document_from_page(page)
        except NormaliseError as exc:
            if not (from_feed(page) and self._open_to_feed_copy(known)):
                raise
            return provisional_document(page, reason=f"article page unreadable: {exc}")
        if doc.status in ("blocked", "unreachable") and from_feed(page) and self._open_to_feed_copy(known):
            return provisional_document(page, reason="article page blocked (anti-bot check or violation notice)")
        if doc.meta.get("provisional") and not self._open_to_feed_copy(known):
            return None
        return doc

    def _open_to_feed_copy(self, known: dict[str, Any] | None) -> bool:
        """No document yet, or only a provisional one: a feed copy may be stored."""
        if known is None:
            return True
        stored = self.archive.get(known["id"])
        return is_provisional(stored.version if stored else None)

    def ingest_document(self, doc: Document, *, source: str | None = None) -> IngestResult:
        """Save ``doc``; alert on its own change; compare a new document or version with every plan.

        One transaction: the version, its comparisons and its alerts are stored together or
        not at all (a crash or a failing comparison leaves the page to be ingested again).
        """
        try:
            with self.archive.write():
                saved = self.archive.save(doc, source=source)
                result = IngestResult(saved.outcome, saved.document_id, saved.version_id,
                                      provisional=bool(doc.meta.get("provisional")))
                result.alerts += self._status_change(doc, saved, source)
                if saved.outcome == SaveOutcome.NEW_VERSION and doc.status == "ok":
                    result.alerts += self._own_change(doc, saved, source)
                if saved.outcome in COMPARED_OUTCOMES and saved.version_id is not None and doc.status == "ok":
                    self._compare_with_plans(doc, saved.document_id, saved.version_id, source, result)
                    self._lifecycle(doc, saved, source, result)
        except BaseException:
            self._forget_plans()  # a plan version made in the rolled-back transaction is gone
            raise
        return result

    def _lifecycle(self, doc: Document, saved: SaveResult, source: str | None, result: IngestResult) -> None:
        """A policy's life (crawler.lifecycle): drafts, finals, new plans; a new plan is screened from now on."""
        assert saved.version_id is not None, "a policy's life is read from a stored version"
        raised = self.lifecycle.apply(doc, Saved(saved.document_id, saved.version_id, source), result.relations)
        result.alerts += sum(count for _, count in raised)
        if any(kind == "new_plan" and count for kind, count in raised):
            self._forget_plans()

    def _compare_with_plans(self, doc: Document, document_id: int, version_id: int, source: str | None,
                            result: IngestResult) -> None:
        """Compare a new text with every tracked plan the screen lets through (others: screened out)."""
        candidates = self._screen(doc)
        for plan in self.plans():
            if plan["name"] in candidates:
                relation, alerted = self._compare(plan, doc, document_id, version_id, source)
            else:
                relation, alerted = self._screened_out(plan, version_id)
            result.relations[plan["name"]] = relation
            result.alerts += alerted

    def _status_change(self, doc: Document, saved: SaveResult, source: str | None) -> int:
        """Enqueue a ``status`` alert for ok → deleted/blocked/unavailable, a lasting anti-bot page, or a return."""
        status_from, status_to = saved.previous_status, doc.status
        if status_from is None or saved.version_id is None or status_from == status_to == "ok":
            return 0
        if status_to == "unreachable":
            if saved.unreachable_checks != self.unreachable_after:
                return 0
            status_from = self._status_before_unreachable(saved.document_id)
        elif status_from == "unreachable" and saved.unreachable_checks < self.unreachable_after:
            if status_to == "ok":
                return 0  # a passing anti-bot spell was never alerted, so its end is not news
            status_from = self._status_before_unreachable(saved.document_id)
        elif saved.outcome != SaveOutcome.STATUS_CHANGED and status_to != "ok":
            return 0
        if status_from == status_to:
            return 0
        version = self.archive.get_version(saved.version_id)
        facts = document_facts(doc, source)
        priority = status_priority(doc.kind if doc.status == "ok" else (version.kind if version else None),
                                   facts["url"] or (version.url if version else None), status_to)
        summary = status_summary(version, facts, status_from, status_to, priority, doc.meta.get("message"))
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.STATUS, group_key=f"status:{saved.document_id}:{len(self.archive.events(saved.document_id))}",
            priority=priority, plan_id=None, document_id=saved.document_id, version_id=saved.version_id,
            comparison_id=None, relation=None, title=summary.title or summary.url or "", summary=summary)
        return int(created)

    def _status_before_unreachable(self, document_id: int) -> str:
        """The status a document had before its current unreachable spell began."""
        spell = [e for e in self.archive.events(document_id) if e["new_status"] == "unreachable"]
        return (spell[-1]["old_status"] if spell else None) or "ok"

    def _own_change(self, doc: Document, saved: SaveResult, source: str | None) -> int:
        """A new version of a known document: a ``plan_changed`` alert for a plan's home, else ``revised``.

        A provisional feed copy replaced by the article itself is not a revision.
        """
        old = self.archive.get_version(saved.previous_version_id) if saved.previous_version_id else None
        if old is None or is_provisional(old) or doc.meta.get("provisional"):
            return 0
        homed = self.archive.plans_homed_at(saved.document_id)
        if homed:
            return sum(self._plan_changed(plan, doc, saved, source) for plan in homed)
        diff = version_diff(old.title, old.text, doc.title, doc.text)
        priority = revision_priority(diff)
        if priority is None:
            return 0
        summary = change_summary(AlertKind.REVISED, diff, priority, document_facts(doc, source),
                                 from_version=old.seq, to_version=old.seq + 1, previous_version_id=old.id)
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.REVISED, group_key=f"revised:{saved.version_id}", priority=priority, plan_id=None,
            document_id=saved.document_id, version_id=saved.version_id, comparison_id=None, relation=None,
            title=doc.title or doc.url or "", summary=summary)
        return int(created)

    def _plan_changed(self, plan: dict[str, Any], doc: Document, saved: SaveResult, source: str | None) -> int:
        """The home of ``plan`` changed: its text becomes the next plan version, alerted as ``plan_changed``."""
        tracked = self.archive.track_plan(plan["name"], doc, source_version_id=saved.version_id)
        if not tracked.created_version:
            return 0
        self._forget_plans()
        diff = version_diff(plan.get("title") or "", plan.get("body") or "", doc.title, plan_text(doc))
        summary = change_summary(AlertKind.PLAN_CHANGED, diff, "high", document_facts(doc, source),
                                 plan=plan["name"], from_plan_version=plan["version_count"],
                                 to_plan_version=plan["version_count"] + 1)
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.PLAN_CHANGED, group_key=f"plan_changed:{tracked.plan_version_id}", priority="high",
            plan_id=plan["id"], document_id=saved.document_id, version_id=saved.version_id, comparison_id=None,
            relation=None, title=plan["name"], summary=summary)
        return int(created)

    def plans(self) -> list[dict[str, Any]]:
        """The tracked plans (cached, with their screening indexes)."""
        if self._plans is None:
            from diffing.screen_index import Prepared, ScreenIndex

            self._plans = [p for p in self.archive.plans() if p.get("body")]
            self._prepared = {p["plan_version_id"]: self._prepared.get(p["plan_version_id"])
                              or Prepared.build(p["name"], p["body"], p.get("title") or "") for p in self._plans}
            self._index = ScreenIndex(self._prepared.values())
            self._keys = {p["name"]: title_key(p.get("title") or p["name"]) for p in self._plans}
        return self._plans

    def _screen(self, doc: Document) -> set[str]:
        """Names of the plans the document shares enough text with to deserve a full comparison."""
        if not self.plans():
            return set()
        text = f"{doc.title}\n{doc.text}"
        cited = cited_names(text)
        return ({hit.name for hit in self._index.screen(text)}
                | {name for name, key in self._keys.items() if key in cited})

    def _screened_out(self, plan: dict[str, Any], version_id: int) -> tuple[str, int]:
        """Record that the screen found nothing of the plan in the document (no full compare, no alert)."""
        self.archive.save_comparison(version_id, plan["plan_version_id"], SCREENED_OUT)
        return Relation.UNRELATED, 0

    def _compare(self, plan: dict[str, Any], doc: Document, document_id: int, version_id: int,
                 source: str | None) -> tuple[str, int]:
        """Compare with the plan's newest version; alert unless unrelated or the plan's own home.

        A document that differs from the newest version but copies an older one exactly
        is reported as copying that version; an official faithful copy of a plan with no
        home becomes its home.
        """
        from diffing import compare

        comparison = compare(plan["body"], doc.text, plan_title=plan.get("title") or plan["name"],
                             doc_title=doc.title)
        data = comparison.to_dict()
        if interprets(doc, plan.get("title") or plan["name"], comparison.relation):
            data.update(relation=Relation.INTERPRETATION, priority=comparison.priority if comparison.partial else "normal")
            self.archive.link("interprets", document_id, plan_id=plan["id"])
        older = self._copied_version(plan, doc) if comparison.relation in ALTERED_RELATIONS else None
        if older is not None:
            data["copies_plan_version"] = older[0]["seq"]
        comparison_id = self.archive.save_comparison(version_id, plan["plan_version_id"], data)
        if comparison.relation in FAITHFUL_RELATIONS and not plan.get("home_document_id") and official(
                doc.kind, doc.url):
            self.archive.set_plan_home(plan["id"], document_id)
            self._forget_plans()
        if data["relation"] == Relation.UNRELATED or plan.get("home_document_id") == document_id:
            return data["relation"], 0
        if older is not None:
            return self._copies_older(plan, older, doc, document_id, version_id, source)
        return data["relation"], self._plan_alert(plan, plan["plan_version_id"], comparison.fingerprint(),
                                                     data, doc, document_id, version_id, comparison_id, source)

    def _copied_version(self, plan: dict[str, Any], doc: Document) -> tuple[dict[str, Any], Any] | None:
        """(older plan version, its comparison) when ``doc`` copies an older version of the plan faithfully."""
        from diffing import compare

        if (plan.get("version_count") or 1) < 2:
            return None
        for version in reversed(self.archive.plan_versions(plan["id"])[:-1]):
            comparison = compare(version["body"], doc.text, plan_title=version.get("title") or plan["name"],
                                 doc_title=doc.title)
            if comparison.relation in FAITHFUL_RELATIONS and not comparison.changes and not comparison.figures:
                return version, comparison
        return None

    def _copies_older(self, plan: dict[str, Any], older: tuple[dict[str, Any], Any], doc: Document,
                      document_id: int, version_id: int, source: str | None) -> tuple[str, int]:
        """Record and alert a faithful copy of an older plan version ("reposts v1; the plan is now v2")."""
        version, comparison = older
        data = comparison.to_dict()
        data.update(copies_plan_version=version["seq"], plan_version=plan["version_count"], priority="normal")
        comparison_id = self.archive.save_comparison(version_id, version["id"], data)
        group = f"{comparison.fingerprint()}:now-v{plan['version_count']}"  # not the alerts of v1's own time
        alerted = self._plan_alert(plan, version["id"], group, data, doc, document_id, version_id,
                                   comparison_id, source)
        return comparison.relation, alerted

    def _plan_alert(self, plan: dict[str, Any], plan_version_id: int, fingerprint: str, data: dict[str, Any],
                    doc: Document, document_id: int, version_id: int, comparison_id: int,
                    source: str | None) -> int:
        """Enqueue (or join) the ``plan`` alert of a comparison; 1 when a new alert was created."""
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.PLAN,
            group_key=f"{plan_version_id}:{fingerprint}",
            priority=data["priority"],
            plan_id=plan["id"],
            document_id=document_id,
            version_id=version_id,
            comparison_id=comparison_id,
            relation=data["relation"],
            title=doc.title or doc.url or "",
            summary=alert_summary(doc, data, plan=plan["name"], source=source),
        )
        return int(created)


def alert_summary(doc: Document, comparison: dict[str, Any], *, plan: str, source: str | None) -> AlertSummary:
    """The alert's payload: who said what, the changed figures first, the top changed clauses, counts."""
    changes = [c for c in comparison.get("changes", []) if c.get("kind") != "moved"]
    return AlertSummary.from_dict({
        "kind": AlertKind.PLAN,
        "title": doc.title,
        "url": doc.url or doc.canonical_url,
        "account": doc.account,
        "source": source or doc.source,
        "published_at": doc.published_at,
        "plan": plan,
        "relation": comparison.get("relation"),
        "priority": comparison.get("priority"),
        "similarity": comparison.get("similarity"),
        "coverage": comparison.get("coverage"),
        "figures": [{"context": f.get("context"), "plan": f.get("plan"), "doc": f.get("doc")}
                    for f in comparison.get("figures", [])],
        "changes": [{"kind": c.get("kind"), "section": c.get("section"), "plan_text": c.get("plan_text"),
                     "doc_text": c.get("doc_text")} for c in changes[:TOP_CHANGES]],
        "counts": comparison.get("counts", {}),
        "provisional": bool(doc.meta.get("provisional")),
        "copies_plan_version": comparison.get("copies_plan_version"),
        "plan_version": comparison.get("plan_version"),
    })
