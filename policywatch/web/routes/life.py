"""A policy's life on the review page: a plan's timeline, open consultations, "track as plan".

"Track as plan" is a write: like "mark reviewed" it is a form POST, so the token check and
the same-origin check of :mod:`policywatch.web.security` guard it (no cross-site tracking).
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from policywatch.web.archive_access import archive_for
from policywatch.web.errors import BadRequest, NotFound
from policywatch.web.params import Id, form_fields
from policywatch.web.templating import render
from policywatch.web.timeline_chart import repost_chart, silent_alterations

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
#: Longest plan name the form accepts.
MAX_NAME = 200


@router.get("/plans/{plan_id}/timeline", name="plan_timeline")
def plan_timeline(request: Request, plan_id: Id) -> Response:
    """The plan's events in date order, a chart of reposts per day, and the silent alterations."""
    archive = archive_for(request)
    plan = archive.plan(plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    events = archive.timeline(plan["id"])
    return render(request, "timeline.html", plan=plan, events=events, chart=repost_chart(events),
                  altered=silent_alterations(events), family=archive.plan_family(plan["id"]))


@router.get("/consultations", name="consultations_page")
def consultations_page(request: Request) -> Response:
    """Consultation drafts: issuer, deadline, days left, the final once it exists (open ones first)."""
    from crawler.lifecycle import today

    rows = archive_for(request).consultations(today())
    rows.sort(key=lambda r: (r["final_document_id"] is not None, r["days_left"] is None or r["days_left"] < 0,
                             r["deadline"] or ""))
    return render(request, "consultations.html", rows=rows)


@router.post("/documents/{document_id}/track", name="track_document")
def track_document(request: Request, document_id: Id,
                   form: Annotated[dict[str, str], Depends(form_fields)]) -> Response:
    """Track the document's current text as a plan (named by the form, else from its title); go to its timeline."""
    from diffing.lifecycle import plan_name

    archive = archive_for(request)
    stored = archive.get(document_id)
    version = stored.version if stored else None
    if version is None:
        raise NotFound(f"no document {document_id}")
    name = (form.get("name") or "").strip() or plan_name(version.title) or f"document-{document_id}"
    if len(name) > MAX_NAME or any(ord(ch) < 0x20 for ch in name):
        raise BadRequest(f"a plan name is at most {MAX_NAME} printable characters")
    if not version.text.strip():
        raise BadRequest("this document has no text to track")
    with archive.write():
        result = archive.track_plan(name, version.document(), source_version_id=version.id)
        if not (archive.plan(result.plan_id) or {}).get("home_document_id"):
            archive.set_plan_home(result.plan_id, document_id)
    return RedirectResponse(f"/plans/{result.plan_id}/timeline", status_code=303)
