"""Tracked plans: the list, and one plan with its versions and every related document."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.implementations import implementations
from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.errors import NotFound
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


@router.get("/plans/{plan_id}/implementations", name="implementations_page")
def implementations_page(request: Request, plan_id: Id) -> Response:
    """The plans implementing this one (provinces, ministries): a sortable table, targets side by side."""
    archive = archive_for(request)
    plan = archive.plan(plan_id)
    if plan is None or plan["id"] != plan_id:
        raise NotFound(f"no plan {plan_id}")
    rows = implementations(archive, plan["name"])
    contexts = list(dict.fromkeys(t["context"] for row in rows for t in row["targets"]))
    national = {t["context"]: t["plan"] for row in rows for t in row["targets"] if t["plan"]}
    cells = [{t["context"]: t for t in row["targets"]} for row in rows]
    return render(request, "implementations.html", plan=plan, rows=list(zip(rows, cells, strict=True)),
                  contexts=contexts, national=national)
