"""``/docs``: the JSON API described from its OpenAPI schema, as a plain page.

FastAPI's Swagger UI loads its scripts from a CDN, which the Content-Security-Policy
forbids and an offline analyst machine cannot reach; this page needs neither.
The machine-readable schema stays at ``/openapi.json``.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from policywatch.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per (path, method): summary, description, parameters, response model name."""
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            ok = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            ref = ok.get("schema", {})
            model = (ref.get("$ref") or ref.get("items", {}).get("$ref") or "").rsplit("/", 1)[-1]
            found.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [p["name"] for p in operation.get("parameters", [])],
                "model": f"list[{model}]" if "items" in ref else model,
            })
    return found


@router.get("/docs", name="api_docs")
def api_docs(request: Request) -> Response:
    """Every /api/ endpoint with its parameters and response model."""
    return render(request, "api.html", endpoints=endpoints(request.app.openapi()))
