"""``create_app``: the review page's FastAPI application over one archive file."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from policywatch import __version__
from policywatch.clock import DEFAULT_ZONE
from policywatch.web.archive_access import ArchivePool
from policywatch.web.errors import install_error_handlers
from policywatch.web.routes import ROUTERS
from policywatch.web.security import TrustedHosts, install_security
from policywatch.web.templating import make_templates

STATIC_DIR = Path(__file__).with_name("static")

DESCRIPTION = """Review alerts about tracked Chinese industrial-policy plans: the inbox, documents and
their versions, clause-by-clause diffs against the plans, archive search, tracked plans.
The only writes are an alert's reviewed state and "track as plan" on a document page."""


#: Where links point when neither ``base_url`` nor a bound address is known (the config's default).
DEFAULT_LINK_BASE = "http://127.0.0.1:8080"


def create_app(db_path: str | Path, *, token: str | None = None, base_url: str | None = None,
               bound: tuple[str, int] | None = None, timezone: str = DEFAULT_ZONE) -> FastAPI:
    """The review page for the archive at ``db_path``.

    ``token``: when set, every request needs it (basic-auth password or Bearer token).
    ``base_url``: the public address used in the Atom feed's links; by default the
    bound address. Links never come from the request's ``Host`` header.
    ``bound``: the (host, port) the server listens on; without a token only requests
    naming it (or loopback on its port, or ``base_url``'s host) are answered.
    ``timezone``: the zone every time on the pages is shown in (``[display] timezone``).
    """
    app = FastAPI(title="policywatch", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    app.state.archives = ArchivePool(db_path)
    app.state.templates = make_templates()
    app.state.base_url = (base_url or (bound_url(*bound) if bound else DEFAULT_LINK_BASE)).rstrip("/")
    app.state.timezone = timezone
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    trusted = TrustedHosts.for_server(*bound, base_url) if bound and not token else None
    install_security(app, token=token, trusted=trusted)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    return app


def bound_url(host: str, port: int) -> str:
    """``http://host:port`` for a listening address (IPv6 in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
