"""Search: the archive's Chinese full-text search with filters, highlighted snippets and pages."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.params import RELATIONS, SearchFilters
from policywatch.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/search", name="search_page")
def search_page(request: Request, query: Annotated[SearchFilters, Query()]) -> Response:
    """The search form; with ``q``, one page of results linking to document pages."""
    archive = archive_for(request)
    results = queries.search(archive, query) if query.q else None
    return render(request, "search.html", q=query.q, params=query.filters(), results=results,
                  relations=RELATIONS, plans=queries.plan_list(archive))
