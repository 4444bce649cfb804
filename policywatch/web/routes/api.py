"""The JSON API under ``/api/``: everything the pages show, with response models for OpenAPI.

Errors are ``{"error": "...", "status": N}`` (:class:`~policywatch.web.schemas.ApiError`).
The only write is an alert's reviewed state: ``POST`` / ``DELETE /api/alerts/{id}/reviewed``.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from policywatch.web import diffs, queries, schemas
from policywatch.web.archive_access import archive_for
from policywatch.web.params import MAX_ID, BulkReview, Id, InboxFilters, SearchFilters

ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": schemas.ApiError} for status in (400, 401, 404)}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

VersionId = Annotated[int, Query(ge=1, le=MAX_ID)]


@router.get("/alerts", response_model=schemas.AlertPage, summary="Alerts, newest first")
def api_alerts(request: Request, query: Annotated[InboxFilters, Query()]) -> schemas.AlertPage:
    """The inbox: filter by plan (id or name), priority, source and state (unread | reviewed)."""
    return queries.inbox(archive_for(request), query)


@router.get("/alerts/{alert_id}", response_model=schemas.AlertDetail, summary="One alert")
def api_alert(request: Request, alert_id: Id) -> schemas.AlertDetail:
    """An alert with its grouped documents and per-channel deliveries."""
    return queries.alert_detail(archive_for(request), alert_id)


@router.post("/alerts/{alert_id}/reviewed", response_model=schemas.Reviewed, summary="Mark reviewed")
def api_mark_reviewed(request: Request, alert_id: Id) -> schemas.Reviewed:
    """Mark the alert reviewed."""
    return queries.set_reviewed(archive_for(request), alert_id, True)


@router.delete("/alerts/{alert_id}/reviewed", response_model=schemas.Reviewed, summary="Undo reviewed")
def api_unmark_reviewed(request: Request, alert_id: Id) -> schemas.Reviewed:
    """Put the alert back to unread."""
    return queries.set_reviewed(archive_for(request), alert_id, False)


@router.post("/alerts/reviewed", response_model=list[schemas.Reviewed], summary="Mark several reviewed")
def api_review_many(request: Request, body: BulkReview) -> list[schemas.Reviewed]:
    """Mark several alerts reviewed (``{"ids": [3, 5], "reviewed": true}``) or unread again (false)."""
    return queries.set_reviewed_many(archive_for(request), body.ids, body.reviewed)


@router.get("/documents/{document_id}", response_model=schemas.DocumentDetail, summary="One document")
def api_document(request: Request, document_id: Id,
                 version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> schemas.DocumentDetail:
    """Metadata and clean text (latest version or ``?version=ID``), versions, plan comparisons."""
    return queries.document_detail(archive_for(request), document_id, version)


@router.get("/documents/{document_id}/versions", response_model=list[schemas.Version],
            summary="A document's versions")
def api_versions(request: Request, document_id: Id) -> list[schemas.Version]:
    """Every stored version, oldest first."""
    return queries.versions(archive_for(request), document_id)


@router.get("/documents/{document_id}/compare", response_model=schemas.Diff, summary="Two versions compared")
def api_compare_versions(request: Request, document_id: Id, a: VersionId, b: VersionId) -> schemas.Diff:
    """Version ``a`` (left) against version ``b`` (right), aligned clause by clause."""
    return diffs.versions_diff(archive_for(request), document_id, a, b)


@router.get("/documents/{document_id}/diff/{plan_id}", response_model=schemas.Diff,
            summary="A document against a plan")
def api_document_plan_diff(request: Request, document_id: Id, plan_id: Id) -> schemas.Diff:
    """The document's latest version against the plan's latest version."""
    return diffs.plan_diff(archive_for(request), document_id, plan_id)


@router.get("/comparisons/{comparison_id}", response_model=schemas.Comparison, summary="A stored comparison")
def api_comparison(request: Request, comparison_id: Id) -> schemas.Comparison:
    """Relation, scores, changed clauses and figures, as stored when the document arrived."""
    return queries.comparison(archive_for(request), comparison_id)


@router.get("/comparisons/{comparison_id}/diff", response_model=schemas.Diff, summary="A comparison's diff")
def api_comparison_diff(request: Request, comparison_id: Id) -> schemas.Diff:
    """The side-by-side rows and figures behind a stored comparison."""
    return diffs.comparison_diff(archive_for(request), comparison_id)


@router.get("/search", response_model=schemas.SearchResults, summary="Full-text search")
def api_search(request: Request, query: Annotated[SearchFilters, Query()]) -> schemas.SearchResults:
    """Exact Chinese full-text search; snippets mark hits with the archive's markers (plain text)."""
    return queries.search(archive_for(request), query)


@router.get("/stats", response_model=dict[str, Any], summary="Archive statistics")
def api_stats(request: Request) -> dict[str, Any]:
    """Rows per table, documents per status, unread alerts and the archive's size in bytes."""
    return archive_for(request).stats()


@router.get("/plans", response_model=list[schemas.Plan], summary="Tracked plans")
def api_plans(request: Request) -> list[schemas.Plan]:
    """Every tracked plan."""
    return queries.plan_list(archive_for(request))


@router.get("/plans/{plan_id}", response_model=schemas.PlanDetail, summary="One tracked plan")
def api_plan(request: Request, plan_id: Id) -> schemas.PlanDetail:
    """A plan's text, versions and related documents (altered reposts first)."""
    return queries.plan_detail(archive_for(request), plan_id)


@router.get("/plans/{plan_id}/timeline", response_model=list[schemas.TimelineEvent], summary="A plan's life")
def api_plan_timeline(request: Request, plan_id: Id) -> list[schemas.TimelineEvent]:
    """The plan's events in date order: draft, final, versions, copies, interpretations, revisions, deletions."""
    return queries.timeline(archive_for(request), plan_id)


@router.get("/consultations", response_model=list[schemas.Consultation], summary="Consultation drafts")
def api_consultations(request: Request,
                      open_only: Annotated[bool, Query(alias="open")] = False) -> list[schemas.Consultation]:
    """Drafts with their feedback deadline and days left (today in China); ``?open=true``: no final, not past."""
    return queries.consultations(archive_for(request), open_only=open_only)
