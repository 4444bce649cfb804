"""Archive records and rows (from :class:`store.archive.Archive`) → the page models.

Alerts, documents and versions arrive as typed records (:mod:`store.records`, JSON
decoded by the store); the other rows (comparisons, plans, search hits) are still plain
dicts, and this is the only place that knows their column names, so a schema change
touches one module. JSON columns of those rows may arrive decoded or as text; both are
accepted.
"""
from __future__ import annotations

import json
from typing import Any

from policywatch.web import schemas
from store.kinds import AlertKind, DocumentStatus
from store.records import AlertRecord, DocumentRecord, VersionRecord

Row = dict[str, Any]


def decoded(value: Any, default: Any) -> Any:
    """A JSON column's value: decoded when it is text, ``default`` when empty or broken."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


def _sides(item: dict[str, Any], before: str, after: str) -> tuple[Any, Any]:
    """The two sides of a figure or change: ``old``/``new`` (a document's own change) or plan/document."""
    if "old" in item or "new" in item:
        return item.get("old"), item.get("new")
    return item.get(before), item.get(after)


def figure_kind(figure: dict[str, Any]) -> str:
    """A figure change's kind; alert summaries leave it out, so infer it from the sides."""
    if figure.get("kind"):
        return figure["kind"]
    old, new = _sides(figure, "plan", "doc")
    if new is None:
        return "removed"
    return "added" if old is None else "changed"


def figures(items: Any) -> list[schemas.Figure]:
    """Figure changes from a comparison or an alert summary (left side in ``plan``, right in ``doc``)."""
    found = []
    for f in decoded(items, []):
        if isinstance(f, dict):
            old, new = _sides(f, "plan", "doc")
            found.append(schemas.Figure(context=f.get("context") or "", plan=old, doc=new, kind=figure_kind(f)))
    return found


def changes(items: Any) -> list[schemas.Change]:
    """Clause changes from a comparison or an alert summary, each with its word-level edit."""
    found = []
    for c in decoded(items, []):
        if isinstance(c, dict):
            old, new = _sides(c, "plan_text", "doc_text")
            kind = c.get("kind") or "changed"
            found.append(schemas.Change(kind=kind, section=c.get("section") or "", plan_text=old or "",
                                        doc_text=new or "", inline=_inline(c.get("inline"), old, new)))
    return found


def _inline(segments: Any, old: str | None, new: str | None) -> list[schemas.Segment]:
    """The stored word-level edit, or one computed now when both sides are there (older summaries)."""
    if not segments and old and new and old != new:
        from diffing.inline import inline_diff

        segments = inline_diff(old, new)
    return [schemas.Segment(op=str(op), text=str(text)) for op, text in segments or [] if text]


def alert(record: AlertRecord, plan_names: dict[int, str]) -> schemas.Alert:
    """An inbox entry; ``plan_names`` maps plan ids to names."""
    summary = record.summary
    return schemas.Alert(
        id=record.id, kind=record.kind or AlertKind.PLAN, headline=headline(record),
        created_at=record.created_at, priority=record.priority or "normal",
        relation=record.relation or summary.relation or "", title=record.title or summary.title or "",
        plan_id=record.plan_id, plan_name=record.plan_name or plan_names.get(record.plan_id or 0),
        document_id=record.document_id, version_id=record.version_id, comparison_id=record.comparison_id,
        source=record.source or summary.source, account=summary.account, url=summary.url or record.url,
        documents=record.doc_count or 1, reviewed=record.reviewed_at is not None, reviewed_at=record.reviewed_at,
        figures=figures(summary.figures),
    )


def alert_detail(record: AlertRecord, plan_names: dict[int, str]) -> schemas.AlertDetail:
    """An alert with its grouped documents, deliveries and top changed clauses."""
    base = alert(record, plan_names)
    summary = record.summary
    members = [alert_member(doc) for doc in record.documents or []]
    return schemas.AlertDetail(
        **base.model_dump(exclude={"documents"}), documents=max(len(members), base.documents),
        members=members, deliveries=[delivery(d) for d in record.deliveries or []],
        changes=changes(summary.changes or summary.get("top_changes")),
        title_change=summary.title_change, status_from=summary.status_from, status_to=summary.status_to,
        last_text=summary.last_text, previous_version_id=summary.previous_version_id,
    )


def headline(record: AlertRecord) -> str | None:
    """The change an alert is about, said first ("修订：50000家 → 60000家"), as every channel says it."""
    from policywatch.messages import AlertView
    from policywatch.messages import headline as message_headline

    return message_headline(AlertView.from_record(record, base_url=""))


def alert_member(row: Row) -> schemas.AlertDocument:
    """One document grouped under an alert."""
    return schemas.AlertDocument(
        document_id=row["document_id"], version_id=row.get("version_id"),
        comparison_id=row.get("comparison_id"), title=row.get("title") or "", account=row.get("account"),
        url=row.get("url"), published_at=row.get("published_at"), relation=row.get("relation") or "",
        coverage=row.get("coverage"),
    )


def delivery(row: Row) -> schemas.Delivery:
    """The state of an alert on one channel."""
    return schemas.Delivery(channel=row.get("channel") or "", status=row.get("status") or "",
                            attempts=row.get("attempts") or 0, last_error=row.get("last_error"),
                            delivered_at=row.get("delivered_at"))


def document(record: DocumentRecord, version: VersionRecord | None = None) -> schemas.Document:
    """A document's metadata and text; ``version`` defaults to its latest version."""
    v = version if version is not None else record.version
    return schemas.Document(
        id=record.id, version_id=v.id if v else None, kind=(v.kind if v else None) or record.kind,
        status=record.status or (v.status if v else None) or DocumentStatus.OK,
        url=(v.url if v else None) or record.url,
        canonical_url=(v.canonical_url if v else None) or record.canonical_url,
        source=(v.source if v else None) or record.source, title=v.title if v else "",
        account=v.account if v else None, author=v.author if v else None, doc_number=v.doc_number if v else None,
        published_at=v.published_at if v else None, fetched_at=v.fetched_at if v else None,
        first_seen=record.first_seen, last_seen=record.last_seen,
        origin=v.origin if v else None, origin_url=v.origin_url if v else None,
        lead=v.lead if v else "", body=v.body if v else "",
    )


def version(record: VersionRecord, number: int) -> schemas.Version:
    """One entry of a document's version list."""
    return schemas.Version(id=record.id, number=record.seq or number, title=record.title,
                           content_hash=record.content_hash, fetched_at=record.fetched_at,
                           created_at=record.created_at)


def status_event(row: Row) -> schemas.StatusEvent:
    """One status change of a document."""
    return schemas.StatusEvent(at=row.get("at"), old_status=row.get("old_status"),
                               new_status=row.get("new_status") or "")


def comparison(row: Row, plan_names: dict[int, str]) -> schemas.Comparison:
    """A stored comparison with its changes and figures."""
    return schemas.Comparison(
        id=row["id"], plan_id=row.get("plan_id"),
        plan_name=row.get("plan_name") or plan_names.get(row.get("plan_id") or 0),
        plan_version_id=row.get("plan_version_id"), version_id=row.get("version_id"),
        document_id=row.get("document_id"), relation=row.get("relation") or "",
        similarity=row.get("similarity"), coverage=row.get("coverage"), created_at=row.get("created_at"),
        changes=changes(row.get("changes")), figures=figures(row.get("figures")),
    )


def plan(row: Row) -> schemas.Plan:
    """A tracked plan in the list."""
    return schemas.Plan(id=row["id"], name=row.get("name") or str(row["id"]), title=row.get("title") or "",
                        plan_version_id=row.get("plan_version_id") or row.get("latest_version_id"),
                        created_at=row.get("created_at"), home_document_id=row.get("home_document_id"))


def plan_version(row: Row, number: int) -> schemas.PlanVersion:
    """One version of a tracked plan."""
    return schemas.PlanVersion(id=row["id"], number=row.get("seq") or number, title=row.get("title") or "",
                               content_hash=row.get("content_hash"), created_at=row.get("created_at"))


def related(cmp: schemas.Comparison, doc: schemas.Document) -> schemas.RelatedDocument:
    """A document related to a plan, with how it relates."""
    return schemas.RelatedDocument(
        document_id=doc.id, comparison_id=cmp.id, title=doc.title, account=doc.account,
        url=doc.original_url, published_at=doc.published_at, relation=cmp.relation,
        similarity=cmp.similarity, coverage=cmp.coverage, changes=len(cmp.changes), figures=len(cmp.figures),
        status=doc.status,
    )


def search_hit(row: Row) -> schemas.SearchHit:
    """One search result (the snippet keeps the archive's hit markers)."""
    return schemas.SearchHit(id=row["id"], title=row.get("title") or "", url=row.get("url"),
                             account=row.get("account"), published_at=row.get("published_at"),
                             snippet=row.get("snippet") or "",
                             snippet_parts=[(str(t), bool(m)) for t, m in row.get("snippet_parts") or []],
                             score=row.get("score"))
