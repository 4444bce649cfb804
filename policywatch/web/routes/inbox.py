"""The inbox (``/`` and ``/alerts``), an alert's page, and marking an alert reviewed (the only write)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.errors import BadRequest
from policywatch.web.params import Id, InboxFilters, alert_ids, form_fields
from policywatch.web.templating import render
from store.kinds import ALERT_KINDS

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/", name="inbox")
@router.get("/alerts", name="alerts")
def inbox(request: Request, query: Annotated[InboxFilters, Query()]) -> Response:
    """Alerts newest first with their kind, the change, priority, relation, source and state; filters, paging."""
    archive = archive_for(request)
    page = queries.inbox(archive, query)
    return render(request, "inbox.html", page=page, filters=query.filters(), plans=queries.plan_list(archive),
                  alert_kinds=ALERT_KINDS)


@router.get("/alerts/{alert_id}", name="alert_page")
def alert_page(request: Request, alert_id: Id) -> Response:
    """One alert: its figures, its documents (one per reposting account) and deliveries."""
    return render(request, "alert.html", alert=queries.alert_detail(archive_for(request), alert_id))


def local_path(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this site, else ``fallback``.

    Refuses ``//host``, ``http://…``, backslashes and any white space or control character
    (browsers drop tabs and newlines, which would turn "/<tab>/host" into "//host").
    """
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target)):
        return fallback
    return target


def reviewed_flag(form: dict[str, str]) -> bool:
    """The form's ``reviewed`` field: 1 marks reviewed (the default), 0 undoes."""
    flag = form.get("reviewed", "1")
    if flag not in ("0", "1"):
        raise BadRequest("reviewed must be 1 or 0")
    return flag == "1"


@router.post("/alerts/review", name="review_alerts")
def review_alerts(request: Request, form: Annotated[dict[str, str], Depends(form_fields)]) -> Response:
    """Form post from the inbox: every alert shown (``ids=3,5,8``) marked reviewed or unread."""
    queries.set_reviewed_many(archive_for(request), alert_ids(form.get("ids")), reviewed_flag(form))
    return RedirectResponse(local_path(form.get("next"), "/"), status_code=303)


@router.post("/alerts/{alert_id}/review", name="review_alert")
def review_alert(request: Request, alert_id: Id, form: Annotated[dict[str, str], Depends(form_fields)]) -> Response:
    """Form post: ``reviewed=1`` marks the alert reviewed, ``reviewed=0`` undoes it; back to ``next``."""
    queries.set_reviewed(archive_for(request), alert_id, reviewed_flag(form))
    return RedirectResponse(local_path(form.get("next"), f"/alerts/{alert_id}"), status_code=303)
