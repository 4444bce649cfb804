"""What each page reads from the archive, as page models; shared by the HTML pages and the API."""
from __future__ import annotations

import math

from diffing.model import Relation
from policywatch.vocabulary import archive_filters
from policywatch.web import records, schemas
from policywatch.web.errors import BadRequest, NotFound
from policywatch.web.params import MAX_QUERY, InboxFilters, SearchFilters
from store.archive import Archive
from store.errors import SearchError
from store.records import DocumentRecord, VersionRecord

#: Most related documents listed on a plan page (altered reposts come first).
MAX_RELATED = 500


def plan_names(archive: Archive) -> dict[int, str]:
    """Plan id → name, for labelling alerts and comparisons."""
    return {row["id"]: row["name"] for row in archive.plans()}


def plan_list(archive: Archive) -> list[schemas.Plan]:
    """Every tracked plan."""
    return [records.plan(row) for row in archive.plans()]


def inbox(archive: Archive, query: InboxFilters) -> schemas.AlertPage:
    """One page of alerts, newest first, filtered; one extra row tells whether more follow."""
    rows = archive.alerts(state=query.state, **query.archive_filters(), limit=query.limit + 1, offset=query.offset)
    names = plan_names(archive)
    return schemas.AlertPage(alerts=[records.alert(row, names) for row in rows[:query.limit]],
                             limit=query.limit, offset=query.offset, has_more=len(rows) > query.limit)


def alert_detail(archive: Archive, alert_id: int) -> schemas.AlertDetail:
    """An alert with its documents and deliveries."""
    row = archive.alert(alert_id)
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return records.alert_detail(row, plan_names(archive))


def set_reviewed(archive: Archive, alert_id: int, reviewed: bool) -> schemas.Reviewed:
    """Mark an alert reviewed (or undo it): the one write the review page makes."""
    if archive.alert(alert_id) is None:
        raise NotFound(f"no alert {alert_id}")
    archive.set_reviewed(alert_id, reviewed)
    return schemas.Reviewed(id=alert_id, reviewed=reviewed)


def set_reviewed_many(archive: Archive, alert_ids: list[int], reviewed: bool) -> list[schemas.Reviewed]:
    """Mark several alerts at once (the inbox's "all shown"); unknown ids are a 404, nothing changed."""
    missing = [alert_id for alert_id in alert_ids if archive.alert(alert_id) is None]
    if missing:
        raise NotFound(f"no alert {missing[0]}")
    return [set_reviewed(archive, alert_id, reviewed) for alert_id in alert_ids]


def _document_row(archive: Archive, document_id: int) -> DocumentRecord:
    """The archive's document, or a 404."""
    found = archive.get(document_id)
    if found is None:
        raise NotFound(f"no document {document_id}")
    return found


def versions(archive: Archive, document_id: int) -> list[schemas.Version]:
    """Every version of a document, oldest first."""
    _document_row(archive, document_id)
    return [records.version(row, number) for number, row in enumerate(archive.history(document_id), 1)]


def version_row(archive: Archive, document_id: int, version_id: int) -> VersionRecord:
    """A version that belongs to this document, or a 404."""
    found = archive.get_version(version_id)
    if found is None or found.document_id != document_id:
        raise NotFound(f"document {document_id} has no version {version_id}")
    return found


def document_detail(archive: Archive, document_id: int, version_id: int | None = None) -> schemas.DocumentDetail:
    """The document page: metadata and text (latest or chosen version), versions, comparisons."""
    row = _document_row(archive, document_id)
    chosen = version_row(archive, document_id, version_id) if version_id else None
    doc = records.document(row, chosen)
    names = plan_names(archive)
    return schemas.DocumentDetail(
        **doc.model_dump(),
        versions=[records.version(v, n) for n, v in enumerate(archive.history(document_id), 1)],
        events=[records.status_event(e) for e in archive.events(document_id)],
        comparisons=[records.comparison(c, names) for c in archive.comparisons(document_id=document_id)],
    )


def comparison(archive: Archive, comparison_id: int) -> schemas.Comparison:
    """A stored comparison."""
    row = archive.comparison(comparison_id)
    if row is None:
        raise NotFound(f"no comparison {comparison_id}")
    return records.comparison(row, plan_names(archive))


def search(archive: Archive, query: SearchFilters) -> schemas.SearchResults:
    """One page of full-text results; an unusable query is a 400."""
    if not query.q:
        raise BadRequest("search needs words: ?q=算力")
    if len(query.q) > MAX_QUERY:
        raise BadRequest(f"a search can be at most {MAX_QUERY} characters long; this one has {len(query.q)}."
                         " Shorten it to the words that matter")
    try:
        found = archive.search(query.q, **archive_filters(query.filters()), limit=query.per_page,
                               offset=(query.page - 1) * query.per_page)
    except SearchError as exc:
        raise BadRequest(str(exc)) from exc
    pages = max(1, math.ceil(found.total / query.per_page))
    return schemas.SearchResults(query=query.q, total=found.total, estimated=found.estimated, page=query.page,
                                 pages=pages,
                                 per_page=query.per_page, hits=[records.search_hit(h) for h in found.hits])


def plan_detail(archive: Archive, plan_id: int) -> schemas.PlanDetail:
    """A plan with its versions and related documents: altered reposts first, then by relation."""
    row = archive.plan(plan_id)
    if row is None or row["id"] != plan_id:
        raise NotFound(f"no plan {plan_id}")
    names = {row["id"]: row["name"]}
    compared = [records.comparison(c, names) for c in archive.comparisons(plan_id=plan_id)]
    latest = _latest_per_document(c for c in compared if c.relation != Relation.UNRELATED)
    latest.sort(key=_related_order)
    related = []
    for cmp in latest[:MAX_RELATED]:
        doc_row = archive.get(cmp.document_id) if cmp.document_id else None
        if doc_row is not None:
            related.append(records.related(cmp, records.document(doc_row)))
    return schemas.PlanDetail(
        **records.plan(row).model_dump(), body=row.get("body") or "",
        versions=[records.plan_version(v, n) for n, v in enumerate(row.get("versions") or [], 1)],
        related=related,
    )


_RELATION_ORDER: dict[str, int] = {name: rank for rank, name in enumerate(
    (Relation.ALTERED_REPOST, Relation.REVISION, Relation.IMPLEMENTATION, Relation.REPOST, Relation.IDENTICAL,
     Relation.EXCERPT, Relation.INTERPRETATION))}


def _related_order(cmp: schemas.Comparison) -> tuple[int, int]:
    """Altered reposts and revisions first, most changes first within a relation."""
    return _RELATION_ORDER.get(cmp.relation, len(_RELATION_ORDER)), -len(cmp.changes) - len(cmp.figures)


def _latest_per_document(comparisons) -> list[schemas.Comparison]:
    """Keep one comparison per document: the newest (the archive lists newest first)."""
    seen: dict[int | None, schemas.Comparison] = {}
    for cmp in comparisons:
        seen.setdefault(cmp.document_id, cmp)
    return list(seen.values())


def grouped_by_account(related: list[schemas.RelatedDocument]) -> list[tuple[str | None, list]]:
    """Related documents grouped by account; the group with the most altered reposts first."""
    groups: dict[str | None, list[schemas.RelatedDocument]] = {}
    for doc in related:
        groups.setdefault(doc.account, []).append(doc)
    return sorted(groups.items(), key=lambda item: (_related_order_key(item[1]), item[0] or ""))


def _related_order_key(docs: list[schemas.RelatedDocument]) -> int:
    """The best (lowest) relation rank in a group."""
    return min(_RELATION_ORDER.get(d.relation, len(_RELATION_ORDER)) for d in docs)


def timeline(archive: Archive, plan_id: int) -> list[schemas.TimelineEvent]:
    """A plan's timeline events; an unknown plan is a 404."""
    plan = archive.plan(plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return [schemas.TimelineEvent(**event) for event in archive.timeline(plan["id"])]


def consultations(archive: Archive, *, open_only: bool) -> list[schemas.Consultation]:
    """Consultation drafts, days left counted from today in China (the product's deadline clock)."""
    from crawler.lifecycle import today

    return [schemas.Consultation(**row) for row in archive.consultations(today(), open_only=open_only)]
