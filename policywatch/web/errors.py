"""HTTP errors of the review page and their handlers: an HTML page or a JSON body, never a traceback.

Routes raise :class:`WebError` (or its subclasses); the handlers installed by
:func:`install_error_handlers` answer ``/api/...`` requests with ``{"error": ..., "status": ...}``
and every other request with the ``error.html`` page.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from store.errors import ArchiveError, SearchError

log = logging.getLogger(__name__)


class WebError(Exception):
    """An error with an HTTP status and a one-line message safe to show to the user."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotFound(WebError):
    """The alert, document, comparison or plan asked for does not exist."""

    status = 404


class BadRequest(WebError):
    """A malformed id, filter or query."""

    status = 400


def wants_json(request: Request) -> bool:
    """API paths and the Atom feed's clients get JSON errors; browsers get a page."""
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str) -> Response:
    """Render one error as JSON or as the HTML error page."""
    if wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    """The first validation problem as one line: ``offset: Input should be a valid integer``."""
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        return f"{where}: {error.get('msg', 'invalid value')}"
    return "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Turn every error, expected or not, into a clean HTML or JSON answer."""

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        response = error_response(request, exc.status_code, message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(ArchiveError)
    async def _archive(request: Request, exc: ArchiveError) -> Response:
        if isinstance(exc, SearchError):  # a bad filter or query: the same line the CLI prints
            return error_response(request, 400, str(exc))
        return error_response(request, 503, f"archive: {exc}")

    @app.middleware("http")
    async def _unexpected(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """A 500 page and one log line; the traceback only at debug level.

        A middleware rather than an ``Exception`` handler: Starlette re-raises after such a
        handler, and the server then prints the whole traceback on stderr.
        """
        try:
            return await call_next(request)
        except Exception as exc:  # noqa: BLE001 - the last line of defence answers every error
            log.error("unexpected error on %s: %s: %s", request.url.path, type(exc).__name__,
                      str(exc).splitlines()[0] if str(exc) else "")
            log.debug("traceback of the error on %s", request.url.path, exc_info=True)
            return error_response(request, 500, "internal error; the server log has the details")
