"""The one ingest path: normalise → archive.save → compare with every tracked plan → store → alert.

Used by the Scrapy pipeline (every crawled page), by ``policywatch add`` (files and
URLs given by hand) and by the cluster coordinator (pages read back from scrapyd
item feeds). Nothing is compared unless the archive stored a new document or a new
version, so re-crawling an unchanged site stores nothing and alerts nobody.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.items import Page
from crawler.normalise import NormaliseError
from crawler.pagedoc import document_from_page, from_feed, is_provisional, provisional_document
from crawler.urls import redact
from store.archive import Archive
from store.kinds import AlertKind
from store.model import Document

#: How many changed clauses an alert summary carries (the full diff is in the archive).
TOP_CHANGES = 5
#: The comparison stored when the cheap screen finds (almost) none of a plan's text in a document.
SCREENED_OUT: dict[str, Any] = {"relation": "unrelated", "priority": "none", "similarity": 0.0, "coverage": 0.0,
                                "changes": [], "figures": [], "screened": True}
#: Outcomes after which the document is compared with the tracked plans.
COMPARED_OUTCOMES = ("new", "new_version")


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

    The tracked plans are read once per Ingestor (one crawl); call :meth:`refresh_plans`
    when a long-lived ingestor must see a plan tracked meanwhile.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._plans: list[dict[str, Any]] | None = None
        self._indexes: list[Any] = []

    def refresh_plans(self) -> None:
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
            return IngestResult("error", error=f"{exc}: {redact(page.url)}")
        if doc is None:
            return IngestResult("unchanged", known["id"], known.get("latest_version_id"))
        self._keep_identity(doc, known)
        return self.ingest_document(doc, source=page.source)

    def _document(self, page: Page, known: dict[str, Any] | None) -> Document | None:
        """The page's Document, a feed copy standing in for it, or None (keep what is stored)."""
        try:
            doc = document_from_page(page)
        except NormaliseError as exc:
            if not (from_feed(page) and self._open_to_feed_copy(known)):
                raise
            return provisional_document(page, reason=f"article page unreadable: {exc}")
        if doc.status == "blocked" and from_feed(page) and self._open_to_feed_copy(known):
            return provisional_document(page, reason="article page blocked (anti-bot check or violation notice)")
        if doc.meta.get("provisional") and not self._open_to_feed_copy(known):
            return None
        return doc

    def _open_to_feed_copy(self, known: dict[str, Any] | None) -> bool:
        """No document yet, or only a provisional one: a feed copy may be stored."""
        if known is None:
            return True
        return is_provisional((self.archive.get(known["id"]) or {}).get("version"))

    @staticmethod
    def _keep_identity(doc: Document, known: dict[str, Any] | None) -> None:
        """A document keeps the key it was first stored under.

        A deleted WeChat page has no canonical link of its own, and a provisional feed
        copy is keyed by the feed's link while the real page names a longer canonical
        URL: both must land on the document already known for the URL that was fetched.
        """
        if known and known.get("key") and doc.canonical_url != known["key"]:
            if doc.canonical_url:
                doc.meta.setdefault("page_canonical_url", doc.canonical_url)
            doc.canonical_url = known["key"]

    def ingest_document(self, doc: Document, *, source: str | None = None) -> IngestResult:
        """Save ``doc``; for a new document or version compare it with every plan and enqueue alerts.

        One transaction: the version, its comparisons and its alerts are stored together or
        not at all (a crash or a failing comparison leaves the page to be ingested again).
        """
        plans = self.plans()
        with self.archive.write():
            saved = self.archive.save(doc, source=source)
            result = IngestResult(saved.outcome, saved.document_id, saved.version_id,
                                  provisional=bool(doc.meta.get("provisional")))
            if saved.outcome in COMPARED_OUTCOMES and saved.version_id is not None and doc.status == "ok":
                candidates = self._screen(doc)
                for plan in plans:
                    if plan["name"] in candidates:
                        relation, alerted = self._compare(plan, doc, saved.document_id, saved.version_id, source)
                    else:
                        relation, alerted = self._screened_out(plan, saved.version_id)
                    result.relations[plan["name"]] = relation
                    result.alerts += alerted
        return result

    def plans(self) -> list[dict[str, Any]]:
        """The tracked plans (cached, with their screening indexes)."""
        if self._plans is None:
            from diffing.screen import PlanIndex

            self._plans = [p for p in self.archive.plans() if p.get("body")]
            self._indexes = [PlanIndex.build(p["name"], p["body"], p.get("title") or "") for p in self._plans]
        return self._plans

    def _screen(self, doc: Document) -> set[str]:
        """Names of the plans the document shares enough text with to deserve a full comparison."""
        from diffing.screen import screen

        if not self.plans():
            return set()
        return {hit.name for hit in screen(self._indexes, f"{doc.title}\n{doc.text}")}

    def _screened_out(self, plan: dict[str, Any], version_id: int) -> tuple[str, int]:
        """Record that the screen found nothing of the plan in the document (no full compare, no alert)."""
        self.archive.save_comparison(version_id, plan["plan_version_id"], SCREENED_OUT)
        return "unrelated", 0

    def _compare(self, plan: dict[str, Any], doc: Document, document_id: int, version_id: int,
                 source: str | None) -> tuple[str, int]:
        from diffing import compare

        comparison = compare(plan["body"], doc.text, plan_title=plan.get("title") or plan["name"],
                             doc_title=doc.title)
        data = comparison.to_dict()
        comparison_id = self.archive.save_comparison(version_id, plan["plan_version_id"], data)
        if comparison.relation == "unrelated":
            return comparison.relation, 0
        _, created = self.archive.enqueue_alert(
            kind=AlertKind.PLAN,
            group_key=f"{plan['plan_version_id']}:{comparison.fingerprint()}",
            priority=comparison.priority,
            plan_id=plan["id"],
            document_id=document_id,
            version_id=version_id,
            comparison_id=comparison_id,
            relation=comparison.relation,
            title=doc.title or doc.url or "",
            summary=alert_summary(doc, data, plan=plan["name"], source=source),
        )
        return comparison.relation, int(created)


def alert_summary(doc: Document, comparison: dict[str, Any], *, plan: str, source: str | None) -> dict[str, Any]:
    """The alert's payload: who said what, the changed figures first, the top changed clauses, counts."""
    changes = [c for c in comparison.get("changes", []) if c.get("kind") != "moved"]
    return {
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
    }
