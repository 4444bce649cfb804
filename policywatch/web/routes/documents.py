"""The document page: metadata, clean text, versions, comparisons with every tracked plan."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.web import queries
from policywatch.web.archive_access import archive_for
from policywatch.web.params import MAX_ID, Id
from policywatch.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/documents/{document_id}", name="document_page")
def document_page(request: Request, document_id: Id,
                  version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> Response:
    """A document (its latest version, or ``?version=ID``) with versions and plan comparisons."""
    archive = archive_for(request)
    doc = queries.document_detail(archive, document_id, version)
    shown = next((v for v in doc.versions if v.id == version), None)
    return render(request, "document.html", doc=doc, shown_version=shown, plans=queries.plan_list(archive),
                  links=archive.links(document_id))
