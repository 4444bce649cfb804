"""The demo's offline mirror: a MIIT-like column (list API, articles, a PDF) and a WeChat-like feed.

What is served is described in ``site.toml`` (package data) and rendered through the
HTML shapes in ``templates/``; the tracked plan's text comes from ``plan_export.txt``
(a copy of the seed export). :func:`build_site` returns the files of one "day" of the
mirror — round 2 is the next day: a repost was deleted and a new article appeared.
"""
from __future__ import annotations

import html
import json
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from policywatch.demo_site.pdfgen import make_pdf

API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PLAN_FILE = "plan_export.txt"


@dataclass
class Mirror:
    """One day of the mirror: static files by path, the list API rows, and the feed's ETag."""

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    list_rows: list[str] = field(default_factory=list)
    page_id: str = ""
    column: str = ""
    feed_etag: str = ""


def data() -> dict[str, Any]:
    """The mirror's description (``site.toml``)."""
    return tomllib.loads(_read("site.toml"))


def plan_path() -> str:
    """Filesystem path of the bundled plan export (what the demo tracks)."""
    return str(resources.files(__package__).joinpath(PLAN_FILE))


def build_site(base_url: str, plan: Any, *, round_no: int = 1) -> Mirror:
    """The mirror's files for ``round_no``; ``plan`` is the normalised plan export (a Document)."""
    site = data()
    mirror = Mirror(page_id=site["miit"]["page_id"], column=site["miit"]["column"], feed_etag=f'"demo-{round_no}"')
    _miit(mirror, site["miit"], plan)
    articles = [a for a in site["wechat"]["article"] if a.get("appears_in_round", 1) <= round_no]
    for article in articles:
        deleted = article.get("deleted_in_round", 99) <= round_no
        page = _template("wechat_deleted.html") if deleted else _wechat_page(article, base_url, plan)
        mirror.files[f"/s/{article['id']}"] = (page.encode("utf-8"), "text/html; charset=utf-8")
    mirror.files[site["feed"]["path"]] = (_feed(site["feed"], articles, base_url).encode("utf-8"),
                                          "application/rss+xml; charset=utf-8")
    return mirror


def _miit(mirror: Mirror, miit: dict[str, Any], plan: Any) -> None:
    column = miit["column"]
    mirror.files[f"{column}index.html"] = (
        _template("miit_column.html").format(column_title=miit["column_title"], page_id=miit["page_id"]).encode(),
        "text/html; charset=utf-8")
    for article in sorted(miit["article"], key=lambda a: a["date"], reverse=True):
        path = f"{column}art/{article['date'][:4]}/art_{article['slug']}.html"
        body = "".join(f"<p>{html.escape(p)}</p>" for p in article["paragraphs"])
        if article.get("pdf") == "plan":
            pdf = f"/cms_files/filemanager/1226211233/attach/20261/{article['slug']}.pdf"
            mirror.files[pdf] = (make_pdf(plan.body, title=plan.title), "application/pdf")
            body += (f'<p><iframe fileurl="{pdf}" src="/cms_files/demo/pdfjs/web/viewer.html?file={pdf}" '
                     f'width="100%" height="800"></iframe></p><p>附件：<a href="{pdf}">行动方案.pdf</a></p>')
        page = _template("miit_article.html").format(column_title=html.escape(miit["column_title"]),
                                                     title=html.escape(article["title"]), date=article["date"],
                                                     unit=html.escape(article["unit"]), body=body)
        mirror.files[path] = (page.encode("utf-8"), "text/html; charset=utf-8")
        mirror.list_rows.append(
            f'<li class="cf"><a class="fl" href="{path}" target="_blank" title="{html.escape(article["title"])}">'
            f'<i></i>{html.escape(article["title"])}</a><span class="fr">{article["date"]}</span></li>')


def list_api(mirror: Mirror, page_no: int, page_size: int = 24) -> bytes:
    """The jpaas list API's JSON for one page."""
    rows = mirror.list_rows[(page_no - 1) * page_size: page_no * page_size]
    fragment = f'<div class="page-content"><ul>{"".join(rows)}</ul></div>'
    return json.dumps({"success": True, "code": 200, "data": {"html": fragment}}, ensure_ascii=False).encode()


def _wechat_page(article: dict[str, Any], base_url: str, plan: Any) -> str:
    paragraphs = list(article.get("paragraphs", []))
    if article.get("plan") == "repost":
        lead = plan.lead if article.get("lead") == "seed" else article.get("lead", "")
        body = plan.body
        for old, new in article.get("replace", {}).items():
            body = body.replace(old, new)
        paragraphs = [p for p in f"{lead}\n\n{body}".split("\n\n") if p.strip()]
    link = f"{base_url}/s/{article['id']}"
    from datetime import datetime, timedelta, timezone

    moment = datetime.fromisoformat(article["published"]).replace(tzinfo=timezone(timedelta(hours=8)))
    return _template("wechat_article.html").format(
        title=html.escape(article["title"]), account=html.escape(article["account"]), link=html.escape(link),
        js_title=_js(article["title"]), js_account=_js(article["account"]), js_link=_js(link),
        ct=int(moment.timestamp()), body="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


def _feed(feed: dict[str, Any], articles: list[dict[str, Any]], base_url: str) -> str:
    items = "".join(
        f"<item><title>{html.escape(a['title'])}</title>"
        f"<link>{html.escape(base_url)}/s/{a['id']}?scene=21&amp;chksm=0a1b2c3d#rd</link>"
        f"<author>{html.escape(a['account'])}</author><description>{html.escape(a.get('summary', ''))}</description>"
        f"<pubDate>{a['published']}</pubDate></item>"
        for a in sorted(articles, key=lambda a: a["published"], reverse=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{html.escape(feed["title"])}'
            f"</title><link>{html.escape(base_url)}/</link>{items}</channel></rss>")


def _js(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


def _template(name: str) -> str:
    return _read(f"templates/{name}")


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
