"""``/alerts.atom``: the Atom feed of recent alerts, the same one the atom channel writes to a file."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from policywatch.channels.atom import render_atom
from policywatch.web.archive_access import archive_for

router = APIRouter()

#: Alerts in the feed (newest first), as feed readers expect a bounded document.
FEED_SIZE = 50


@router.get("/alerts.atom", name="alerts_atom", response_class=Response, summary="Atom feed of alerts",
            responses={200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0 feed"}})
def alerts_atom(request: Request) -> Response:
    """The newest alerts as an Atom feed; entry links open the alert's review page."""
    body = render_atom(archive_for(request).alerts(limit=FEED_SIZE), base_url=request.app.state.base_url,
                       timezone=request.app.state.timezone)
    return Response(body, media_type="application/atom+xml; charset=utf-8")
