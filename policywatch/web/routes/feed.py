"""``/alerts.atom``: the Atom feed of recent alerts, the same one the atom channel writes to a file."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from policywatch.channels.atom import render_atom
from policywatch.web.archive_access import archive_for
from policywatch.web.params import FeedFilters

router = APIRouter()

#: Alerts in the feed (newest first), as feed readers expect a bounded document.
FEED_SIZE = 50


@router.get("/alerts.atom", name="alerts_atom", response_class=Response, summary="Atom feed of alerts",
            responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0 feed"}})
@router.head("/alerts.atom", name="alerts_atom_head", response_class=Response, include_in_schema=False)
def alerts_atom(request: Request, query: Annotated[FeedFilters, Query()]) -> Response:
    """The newest alerts as an Atom feed, filtered by ``kind``, ``plan``, ``priority`` and ``source``.

    ``/alerts.atom?kind=revised&priority=high`` is a feed of a reader's own; entry links
    open the alert's review page. HEAD answers the same headers without the body.
    """
    rows = archive_for(request).alerts(**query.archive_filters(), limit=FEED_SIZE)
    body = render_atom(rows, base_url=request.app.state.base_url, timezone=request.app.state.timezone)
    return Response(body if request.method == "GET" else b"", media_type="application/atom+xml; charset=utf-8",
                    headers={"Content-Length": str(len(body.encode("utf-8")))})
