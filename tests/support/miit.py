"""A MIIT-like site on a test :class:`~tests.support.site.Site`, built as the shared notes describe www.miit.gov.cn.

Column page (JS shell with ``script[parseType=buildstatic]`` / single-quoted ``queryData``)
→ ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?…&paramJson={"pageNo":N,…}``
answering ``{"success":true,"data":{"html":"<div class=page-content><ul><li class=cf>…"}}``
→ article pages (``h1#con_title``, ``div.cinfo``, ``#con_con``) → optional PDF in ``iframe[fileurl]``.
The list API refuses (403) requests without a browser User-Agent and the column Referer, like the WAF.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.support.site import Request, Response, Site

API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 24


@dataclass
class Article:
    """One MIIT article: its id (32 hex in real life), title, date, paragraphs, optional PDF bytes."""

    slug: str
    title: str
    date: str
    paragraphs: list[str]
    pdf: bytes | None = None
    source_unit: str = "信息技术发展司"
    extra: dict = field(default_factory=dict)


def column_shell(page_id: str) -> str:
    """The column page: a shell whose list is loaded by unitbuild.js from the jpaas API."""
    query = ("{'parseType':'buildstatic','webId':'8d828e408d90447786ddbe128d495e9e',"
             "'tplSetId':'209741b2109044b5b7695700b2bec37e','pageType':'column','tagId':'右侧内容',"
             f"'editType':'null','pageId':'{page_id}'}}")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政策解读_工业和信息化部</title></head>
<body><div class="clist_con">
<script id="4e3a2e3cc51f4a7688f34405910955e2" src="/cms_files/default/script/AuthorizedRead/unitbuild.js?v=3.1.3-GXB"
  webId="8d828e408d90447786ddbe128d495e9e" parseType="buildstatic" url="{API_PATH}" queryData="{query}">
</script></div></body></html>"""


def list_fragment(articles: list[Article], column: str) -> str:
    """The decoded ``data.html`` of one list API page."""
    rows = "".join(
        f'<li class="cf"><a class="fl" href="{column}art/{a.date[:4]}/art_{a.slug}.html" target="_blank" '
        f'title="{html.escape(a.title)}"><i></i>{html.escape(a.title)}</a><span class="fr">{a.date}</span></li>'
        for a in articles)
    return f'<div class="page-content"><ul>{rows}</ul><div class="page">共 {len(articles)} 条</div></div>'


def article_html(article: Article, column: str) -> str:
    """A detail page in MIIT's template; the PDF (if any) is embedded with ``iframe[fileurl]``."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    if article.pdf is not None:
        path = pdf_path(article)
        body += (f'<p style="text-align:center"><iframe fileurl="{path}" '
                 f'src="/cms_files/demo/pdfjs/web/viewer.html?file={path}" width="100%" height="800"></iframe></p>'
                 f'<p>附件：<a href="{path}">{html.escape(article.title)}.pdf</a></p>')
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="中华人民共和国工业和信息化部"><meta name="ColumnName" content="政策解读">
<meta name="ArticleTitle" content="{html.escape(article.title)}"><meta name="PubDate" content="{article.date} 10:00">
<meta name="ContentSource" content="{article.source_unit}">
<title>{html.escape(article.title)}_工业和信息化部</title></head>
<body><div id="barrierfree_container"><div class="ctitle"><h1 id="con_title">{html.escape(article.title)}</h1></div>
<div class="cinfo center"><span id="con_time">发布时间：{article.date} 10:00</span>  <span>来源：{article.source_unit}</span></div>
<div class="ccontent center" id="con_con">{body}</div></div></body></html>"""


def pdf_path(article: Article) -> str:
    """Where the article's PDF attachment is served."""
    return f"/cms_files/filemanager/1226211233/attach/2026/{article.slug}.pdf"


class MiitSite:
    """Mounts one MIIT column with its articles on ``site``; ``articles`` may be changed between crawls."""

    def __init__(self, site: Site, articles: list[Article], *, column: str = "/zwgk/zcjd/",
                 page_id: str = "ca517c97303b40cf80bd668b35f6148f", waf: bool = True) -> None:
        self.site = site
        self.column = column
        self.page_id = page_id
        self.waf = waf
        self.articles = list(articles)
        site.route(f"{column}index.html", column_shell(page_id))
        site.route(API_PATH, self._api)
        self.mount_articles()

    @property
    def url(self) -> str:
        """The column page URL (what a source points at)."""
        return self.site.url(f"{self.column}index.html")

    def mount_articles(self) -> None:
        """(Re)serve every article page and PDF (call after changing ``articles``)."""
        for article in self.articles:
            self.site.route(f"{self.column}art/{article.date[:4]}/art_{article.slug}.html",
                            article_html(article, self.column))
            if article.pdf is not None:
                self.site.route(pdf_path(article), article.pdf, content_type="application/pdf")

    def article_path(self, article: Article) -> str:
        """Path of ``article``'s page."""
        return f"{self.column}art/{article.date[:4]}/art_{article.slug}.html"

    def _api(self, request: Request) -> Response | str:
        query = parse_qs(request.query)
        if self.waf and ("Mozilla" not in request.headers.get("User-Agent", "")
                         or not request.headers.get("Referer", "").endswith(f"{self.column}index.html")):
            return Response(403, "forbidden", content_type="text/plain")
        if query.get("pageId", [""])[0] != self.page_id or "paramJson" not in query:
            return Response(500, json.dumps({"success": False}), content_type="application/json")
        page_no = int(json.loads(query["paramJson"][0])["pageNo"])
        chunk = self.articles[(page_no - 1) * PAGE_SIZE: page_no * PAGE_SIZE]
        data = {"success": True, "code": 200, "data": {"html": list_fragment(chunk, self.column)}}
        return Response(200, json.dumps(data, ensure_ascii=False), content_type="application/json;charset=UTF-8")
