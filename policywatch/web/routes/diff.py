"""Diff pages: a stored comparison, a document against a plan, two versions of a document."""
from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.web import diffs
from policywatch.web.archive_access import archive_for
from policywatch.web.params import MAX_ID, DiffView, Id
from policywatch.web.templating import render

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

VersionId = Annotated[int, Query(ge=1, le=MAX_ID)]


def _page(request: Request, pair: diffs.Pair, view: DiffView, **params: int) -> Response:
    """Render ``diff.html`` (``params`` are the query values the view links keep), or send its 对照表 file."""
    if view.download:
        return _table_file(pair, view.download)
    return render(request, "diff.html", diff=pair.diff(), view=view.view, params=params)


def _table_file(pair: diffs.Pair, kind: str) -> Response:
    """The 修改前后对照表 of the pair as a .docx or .xlsx download."""
    table = pair.table()
    if kind == "docx":
        from policywatch.exports.docx import docx_bytes

        body = docx_bytes(table)
    else:
        from policywatch.exports.xlsx import comparison_xlsx_bytes

        body = comparison_xlsx_bytes(table)
    name = f"duizhaobiao-{pair.comparison_id or pair.right.version_id}.{kind}"
    return Response(body, media_type=MEDIA_TYPES[kind], headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote('修改前后对照表')}-{name}"})


@router.get("/diff/{comparison_id}", name="diff_page")
def diff_page(request: Request, comparison_id: Id, view: Annotated[DiffView, Query()]) -> Response:
    """The diff an alert links to: the plan and the document side by side."""
    return _page(request, diffs.comparison_pair(archive_for(request), comparison_id), view)


@router.get("/documents/{document_id}/diff/{plan_id}", name="document_plan_diff")
def document_plan_diff(request: Request, document_id: Id, plan_id: Id,
                       view: Annotated[DiffView, Query()]) -> Response:
    """A document's latest version against a tracked plan's latest version."""
    return _page(request, diffs.plan_pair(archive_for(request), document_id, plan_id), view)


@router.get("/documents/{document_id}/compare", name="compare_versions")
def compare_versions(request: Request, document_id: Id, a: VersionId, b: VersionId,
                     view: Annotated[DiffView, Query()]) -> Response:
    """Any two versions of a document (``?a=OLDER&b=NEWER``)."""
    return _page(request, diffs.versions_pair(archive_for(request), document_id, a, b), view, a=a, b=b)
