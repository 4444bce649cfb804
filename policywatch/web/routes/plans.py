"""Tracked plans: the list, and one plan with its versions and every related document."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.params import Id
from policywatch.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/plans", name="plans_page")
def plans_page(request: Request) -> Response:
    """Every tracked plan."""
    return render(request, "plans.html", plans=queries.plan_list(archive_for(request)))


@router.get("/plans/{plan_id}", name="plan_page")
def plan_page(request: Request, plan_id: Id) -> Response:
    """A plan's versions and related documents, grouped by account, altered reposts first."""
    plan = queries.plan_detail(archive_for(request), plan_id)
    return render(request, "plan.html", plan=plan, groups=queries.grouped_by_account(plan.related))
