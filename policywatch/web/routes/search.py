"""Search: the archive's Chinese full-text search with filters, highlighted snippets and pages."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from diffing.model import RELATIONS
from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.errors import WebError
from policywatch.web.params import SearchFilters
from policywatch.web.templating import render
from store.kinds import STATUSES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/search", name="search_page")
def search_page(request: Request, query: Annotated[SearchFilters, Query()]) -> Response:
    """The search form; with ``q``, one page of results linking to document pages.

    A query or filter the archive refuses shows its one-line message above the form,
    which keeps what was typed (status 400), instead of an error page.
    """
    archive = archive_for(request)
    results, error = None, None
    try:
        results = queries.search(archive, query) if query.q else None
    except WebError as exc:
        error = exc.message
    return render(request, "search.html", status_code=400 if error else 200, q=query.q, params=query.filters(),
                  results=results, error=error, relations=RELATIONS, statuses=STATUSES,
                  plans=queries.plan_list(archive))
