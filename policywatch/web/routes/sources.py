"""Crawl health: ``/sources`` (a page) and ``/api/sources`` (JSON), the same report as ``policywatch sources``."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.health import report
from policywatch.web.archive_access import archive_for
from policywatch.web.templating import render

router = APIRouter()


@router.get("/sources", name="sources_page", include_in_schema=False, response_class=HTMLResponse)
def sources_page(request: Request) -> Response:
    """One row per source: last run, outcome (failing sources marked), counts, last error, next due."""
    return render(request, "sources.html", sources=report(archive_for(request)))


@router.get("/api/sources", summary="Crawl health per source")
def api_sources(request: Request) -> list[dict[str, Any]]:
    """Per source: last run start/end (UTC), outcome, pages, new, changed, not_modified (304s), errors,
    last_error, failing_runs and failing, next_due, documents held."""
    return report(archive_for(request))
