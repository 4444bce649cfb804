"""The Jinja2 environment of the review page: autoescape always on, and small display filters.

Every filter returns escaped text; the only ``Markup`` built here is from text that was
escaped first (search snippets, where the archive's hit markers become ``<mark>``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from diffing.model import Relation
from policywatch.clock import shown, zone_label
from policywatch.textsafe import clean_text
from policywatch.web.params import MAX_QUERY
from policywatch.web.snippets import snippet_html

TEMPLATES_DIR = Path(__file__).with_name("templates")

RELATION_LABELS: dict[str, str] = {
    Relation.IDENTICAL: "identical · 完全相同",
    Relation.REPOST: "repost · 转载",
    Relation.ALTERED_REPOST: "altered repost · 改动转载",
    Relation.REVISION: "revision · 修订",
    Relation.EXCERPT: "excerpt · 节选",
    Relation.INTERPRETATION: "interpretation · 解读",
    Relation.IMPLEMENTATION: "implementation · 实施方案",
    Relation.UNRELATED: "unrelated · 无关",
}

PRIORITY_LABELS = {"high": "high · 高", "normal": "normal · 中", "low": "low · 低", "none": "none"}


def percent(value: float | None) -> str:
    """0.934 → "93%"; missing → "–"."""
    return "–" if value is None else f"{value * 100:.0f}%"


def web_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL, else None: page-supplied links (``javascript:``,
    ``data:``, ``file:``) are shown as text, never made clickable."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


@pass_context
def when(context: Context, value: str | None) -> str:
    """A stored time in the app's display zone, labelled: ``2026-01-07 10:00 +08:00`` (see policywatch.clock)."""
    return shown(value, context["request"].app.state.timezone)


def relation_label(value: str | None) -> str:
    """The relation in English and Chinese."""
    return RELATION_LABELS.get(value or "", value or "–")


def priority_label(value: str | None) -> str:
    """The priority in English and Chinese."""
    return PRIORITY_LABELS.get(value or "", value or "–")


def with_query(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with the query ``params`` updated by ``changes``; empty values are dropped."""
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})
    return f"{path}?{query}" if query else path


def snippet(hit: Any) -> Markup:
    """A search hit's snippet: escaped text with its matches in ``<mark>``."""
    return snippet_html(hit.snippet, hit.snippet_parts)


def paragraphs(value: str | None) -> list[str]:
    """Clean text split into its paragraphs (blank-line separated; single breaks kept inside)."""
    return [part.strip() for part in (value or "").split("\n\n") if part.strip()]


@pass_context
def url_for(context: Context, name: str, /, **params: Any) -> str:
    """The site-relative path of a named route (relative, so links survive any proxy or host name)."""
    return str(context["request"].app.url_path_for(name, **params))


def printable(value: Any) -> Any:
    """Every ``{{ … }}`` output without XML-illegal control characters (stored text predating the normaliser's clean-up)."""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    return clean_text(value) if isinstance(value, str) else value


def make_templates() -> Jinja2Templates:
    """The templates object with autoescape forced on for every template, and control characters dropped."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, finalize=printable)
    env.filters.update(percent=percent, when=when, relation=relation_label, priority=priority_label,
                       snippet=snippet, paragraphs=paragraphs, web_url=web_url)
    env.globals.update(with_query=with_query, escape=escape, url_for=url_for, max_query=MAX_QUERY,
                       zone_label=zone_label)
    return Jinja2Templates(env=env)


def current_url(request: Request) -> str:
    """The request's path and query: where a form should come back to."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render a page template with the request, its URL and ``context``."""
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("current_url", current_url(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code)
