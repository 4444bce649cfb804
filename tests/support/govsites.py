"""Loopback mirrors of the government CMS families, built from the real snippets in the shared notes.

* :class:`TrsColumn`   — NDRC-style TRS WCM list: ``ul.u-list > li`` rows (each nesting a related-解读
  ``div.popbox``), ``createPageHTML(total, 0, "index", "html")``, pages ``index_1.html`` …
* :class:`JcmsColumn`  — 江苏 gxt 大汉 JCMS: ``/col/col89736/index.html`` with page 1 embedded as
  ``<datastore>`` XML and a ``.jpage({…ajaxParam:{…}})`` call; ``POST /module/web/jpage/dataproxy.jsp``
  (refuses requests without ``X-Requested-With``).
* :class:`JpaasColumn` — 浙江 jxt 集约化 jpaas: a column shell with ``queryData`` and ``count=/rows=``,
  ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?…paramJson={"pageNo":N,…}``.
* :class:`PagedColumn` — 湖南-style ``list.html?page=N``.

Articles carry the 信息公开 table (``<td><b>发文字号：</b></td><td>…</td>``), metas and a body in a
family container; attachments (PDF/DOCX/XLSX bytes) are linked from the body.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote

from tests.support.site import Request, Response, Site

JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


@dataclass
class GovArticle:
    """One article: number ``n`` makes its URL; attachments map file name → bytes."""

    n: int
    title: str
    date: str
    paragraphs: list[str]
    doc_number: str = ""
    issuer: str = "江苏省工业和信息化厅"
    written: str = ""
    index_no: str = ""
    attachments: dict[str, bytes] = field(default_factory=dict)


def articles(count: int, *, start: int = 1, issuer: str = "江苏省工业和信息化厅") -> list[GovArticle]:
    """``count`` plain notices, newest first by number."""
    return [GovArticle(n, f"关于开展第{n}批工业互联网标杆工厂申报工作的通知", f"2026-{(n % 11) + 1:02d}-{(n % 27) + 1:02d}",
                       [f"各设区市工业和信息化局：为做好第{n}批申报工作，现将有关事项通知如下。",
                        f"一、申报条件。企业应具备第{n}项基础条件。"], doc_number=f"苏工信函〔2026〕{n}号",
                       issuer=issuer, written=f"2026-01-{(n % 27) + 1:02d}", index_no=f"014000319/2026-{n:05d}")
            for n in range(start, start + count)]


def article_page(article: GovArticle, template: str = "trs") -> str:
    """A detail page: metas, the 信息公开 table, the body in the family's container, attachment links."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    links = "".join(f'<p>附件：<a href="./files/{article.n}/{name}">{html.escape(name)}</a></p>'
                    for name in article.attachments)
    container = {"trs": f'<div class="article_con"><div class="TRS_Editor">{body}</div></div>'
                        f'<div class="attachment">{links}</div>',
                 "jcms": f'<div id="Zoom" class="view TRS_UEDITOR">{body}{links}</div>',
                 "jpaas": f'<div id="zoom">{body}{links}</div>'}[template]
    row = "".join(f"<tr><td><b>{label}：</b></td><td>{html.escape(value)}</td></tr>" for label, value in (
        ("索 引 号", article.index_no), ("发布机构", article.issuer), ("标　　题", article.title),
        ("发文字号", article.doc_number), ("成文日期", article.written.replace("-", "年", 1).replace("-", "月") + "日"
                                       if article.written else ""),
        ("发布日期", article.date), ("主题分类", "工业、交通\\信息产业（含电信）")))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="SiteName" content="{html.escape(article.issuer)}"><meta name="ColumnName" content="政策文件">
<meta name="ArticleTitle" content="{html.escape(article.title)}"><meta name="PubDate" content="{article.date} 09:30:00">
<meta name="ContentSource" content="{html.escape(article.issuer)}">
<title>{html.escape(article.title)}_{html.escape(article.issuer)}</title></head>
<body><div class="header"><h1>{html.escape(article.issuer)}</h1></div>
<div class="zwxxgk_box"><table class="bd1 xxgk_detail_table1">{row}</table></div>
<h2 class="article_title">{html.escape(article.title)}</h2>
<div class="time">发布时间：{article.date.replace("-", "/")}</div><div class="ly">来源：<span>{html.escape(article.issuer)}</span></div>
{container}
<div class="footer">打印 | 关闭</div></body></html>"""


class _Column:
    """Shared: mounting article pages and attachment files under ``article_path``."""

    template = "trs"

    def __init__(self, site: Site, items: list[GovArticle]) -> None:
        self.site = site
        self.articles = list(items)

    def article_path(self, article: GovArticle) -> str:
        raise NotImplementedError

    def mount_articles(self) -> None:
        """(Re)serve every article page and attachment (call after changing ``articles``)."""
        for article in self.articles:
            path = self.article_path(article)
            self.site.route(path, article_page(article, self.template))
            folder = path.rsplit("/", 1)[0]
            for name, data in article.attachments.items():
                self.site.route(quote(f"{folder}/files/{article.n}/{name}"), data, content_type="application/octet-stream")


class TrsColumn(_Column):
    """NDRC-style TRS column (0-based ``index_N.html`` pages of ``per_page`` rows)."""

    template = "trs"

    def __init__(self, site: Site, items: list[GovArticle], *, column: str = "/xxgk/zcfb/tz/",
                 per_page: int = 5) -> None:
        super().__init__(site, items)
        self.column, self.per_page = column, per_page
        self.mount()

    @property
    def url(self) -> str:
        return self.site.url(f"{self.column}index.html")

    def article_path(self, article: GovArticle) -> str:
        day = article.date.replace("-", "")
        return f"{self.column}{day[:6]}/t{day}_{article.n}.html"

    def mount(self) -> None:
        """Serve every list page and article."""
        pages = max(1, -(-len(self.articles) // self.per_page))
        for index in range(pages):
            chunk = self.articles[index * self.per_page:(index + 1) * self.per_page]
            rows = "".join(
                f'<li><a href="./{self.article_path(a)[len(self.column):]}" title="{html.escape(a.title)}">'
                f'{html.escape(a.title[:12])}…</a><div class="popbox"><ul><li><a href="../../jd/jd/202601/t20260101_9{a.n}.html">'
                f'解读</a></li></ul></div><span>{a.date.replace("-", "/")}</span></li>' for a in chunk)
            page = (f'<html><head><meta name="ColumnName"content="通知"><title>通知</title></head><body>'
                    f'<div class="nav"><a href="/">首页</a><a href="/xxgk/">信息公开</a></div>'
                    f'<ul class="u-list">{rows}</ul><div class="page"><script>createPageHTML({pages}, {index}, '
                    f'"index", "html");</script></div></body></html>')
            self.site.route(f"{self.column}index{'' if index == 0 else f'_{index}'}.html", page)
        self.mount_articles()


class JcmsColumn(_Column):
    """江苏-style JCMS column: page 1 embedded, later pages from dataproxy.jsp (POST)."""

    template = "jcms"

    def __init__(self, site: Site, items: list[GovArticle], *, col: int = 89736, unit: int = 405463,
                 per_page: int = 5) -> None:
        super().__init__(site, items)
        self.col, self.unit, self.per_page = col, unit, per_page
        self.mount()

    @property
    def url(self) -> str:
        return self.site.url(f"/col/col{self.col}/index.html")

    def article_path(self, article: GovArticle) -> str:
        year, month, day = (int(x) for x in article.date.split("-"))
        return f"/art/{year}/{month}/{day}/art_{self.col}_{article.n}.html"

    def records(self, chunk: list[GovArticle]) -> str:
        return "".join(f"<record><![CDATA[<li><a target=\"_blank\" href=\"{self.article_path(a)}\" "
                       f"title=\"{html.escape(a.title)}\">{html.escape(a.title[:10])}…</a>"
                       f"<b readlabel=\"{a.date}\">{a.date}</b></li>]]></record>" for a in chunk)

    def mount(self) -> None:
        """Serve the column page and the paging API."""
        first = self.articles[:self.per_page]
        page = (f'<html><head><title>政策文件</title></head><body><div id="{self.unit}">'
                f'<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{DATAPROXY}?page=1&appid=1&webid=23'
                f'&path=/&columnid={self.col}&unitid={self.unit}&webname=江苏省工业和信息化厅&permissiontype=0">]]>'
                f'</nextgroup><recordset>{self.records(first)}</recordset></datastore></script></div>'
                f"<script>$('#{self.unit}').jpage({{totalRecord:{len(self.articles)}, perPage:{self.per_page}, "
                f"proxyUrl:'{DATAPROXY}', ajaxParam:{{col:1, appid:'1', webid:23, path:'/', columnid:{self.col}, "
                f"unitid:'{self.unit}', webname:'江苏省工业和信息化厅', permissiontype:0}}}});</script></body></html>")
        self.site.route(f"/col/col{self.col}/index.html", page)
        self.site.route(DATAPROXY, self._proxy)
        self.mount_articles()

    def _proxy(self, request: Request) -> Response:
        query, form = parse_qs(request.query), parse_qs(request.body.decode())
        if request.method != "POST" or request.headers.get("X-Requested-With") != "XMLHttpRequest" \
                or form.get("columnid") != [str(self.col)] or form.get("unitid") != [str(self.unit)]:
            return Response(403, "<html><body>403 Forbidden 非法请求</body></html>", content_type="text/html")
        start, end = int(query["startrecord"][0]), int(query["endrecord"][0])
        chunk = self.articles[start - 1:end]
        body = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(self.articles)}</totalrecord>'
                f'<totalpage>{-(-len(self.articles) // self.per_page)}</totalpage><recordset>{self.records(chunk)}'
                f'</recordset></datastore>')
        return Response(200, body, content_type="text/xml; charset=utf-8")


class JpaasColumn(_Column):
    """浙江-style jpaas column: a shell with ``queryData``; the list from the build/unit API."""

    template = "jpaas"

    def __init__(self, site: Site, items: list[GovArticle], *, col: str = "1229123402", rows: int = 5) -> None:
        super().__init__(site, items)
        self.col, self.rows = col, rows
        self.mount()

    @property
    def url(self) -> str:
        return self.site.url(f"/col/col{self.col}/index.html")

    def article_path(self, article: GovArticle) -> str:
        return f"/col/col{self.col}/art/{article.date[:4]}/art_{article.n:032x}.html"

    def mount(self) -> None:
        """Serve the column shell and the list API."""
        query = (f"{{'parseType':'bulidstatic','webId':'2945','tplSetId':'52','pageType':'column',"
                 f"'tagId':'当前栏目_list','editType':'null','pageId':'{self.col}'}}")
        shell = (f'<html><head><title>行政规范性文件</title></head><body><div id="listbox">'
                 f'<script src="/cms_files/default/script/AuthorizedRead/unitbuild.js" parseType="bulidstatic" '
                 f'url="{JPAAS_API}" queryData="{query}"></script></div>'
                 f'<div class="pagination" count="{len(self.articles)}" rows="{self.rows}"></div></body></html>')
        self.site.route(f"/col/col{self.col}/index.html", shell)
        self.site.route(JPAAS_API, self._api)
        self.mount_articles()

    def _api(self, request: Request) -> Response:
        query = parse_qs(request.query)
        if query.get("pageId") != [self.col] or "paramJson" not in query:
            return Response(500, json.dumps({"success": False}), content_type="application/json")
        paging = json.loads(query["paramJson"][0])
        page, size = int(paging["pageNo"]), int(paging["pageSize"])
        chunk = self.articles[(page - 1) * size:page * size]
        rows = "".join(f'<li><a href="{self.article_path(a)}" title="{html.escape(a.title)}">{html.escape(a.title)}'
                       f'</a><span>{a.date}</span></li>' for a in chunk)
        data = {"success": True, "data": {"html": f'<div class="default_pgContainer"><ul>{rows}</ul></div>'}}
        return Response(200, json.dumps(data, ensure_ascii=False), content_type="application/json;charset=UTF-8")


class PagedColumn(_Column):
    """A plain list: ``/xxgk/zcwj/list.html?page=N`` with a 下一页 link."""

    template = "trs"

    def __init__(self, site: Site, items: list[GovArticle], *, per_page: int = 5) -> None:
        super().__init__(site, items)
        self.per_page = per_page
        self.site.route("/xxgk/zcwj/list.html", self._list)
        self.mount_articles()

    @property
    def url(self) -> str:
        return self.site.url("/xxgk/zcwj/list.html")

    def article_path(self, article: GovArticle) -> str:
        return f"/xxgk/zcwj/content/{article.date[:4]}/{article.n:04d}.html"

    def _list(self, request: Request) -> str:
        page = int(parse_qs(request.query).get("page", ["1"])[0])
        chunk = self.articles[(page - 1) * self.per_page:page * self.per_page]
        rows = "".join(f'<li><a href="{self.article_path(a)}" title="{html.escape(a.title)}">{html.escape(a.title)}'
                       f'</a><span>{a.date}</span></li>' for a in chunk)
        return (f'<html><body><ul class="list">{rows}</ul><div class="page"><a href="?page={page + 1}">下一页</a>'
                f'</div></body></html>')
