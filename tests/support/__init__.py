"""Shared test helpers: a real HTTP server on 127.0.0.1 serving fixture sites (see site.py)."""
from tests.support.site import Request, Response, Site, serve_site

__all__ = ["Request", "Response", "Site", "serve_site"]
