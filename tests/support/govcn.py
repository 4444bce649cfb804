"""A loopback mirror of www.gov.cn's policy library: the search API and 国务院文件 pages.

``GET /search-gov/data?t=zhengcelibrary_gw&…&p=N&n=M`` answers like sousuo.www.gov.cn
(``{"code":200,"msg":"操作成功","searchVO":{"listVO":[…],"totalCount":…}}``; the combined
``t=zhengcelibrary`` answers with ``searchVO.catMap``), and refuses (403) a request without
a browser User-Agent and the library page as Referer. Articles are
``/zhengce/content/YYYYMM/content_N.htm`` with the 文件信息 table (``table.bd1``) and
``#UCAP-CONTENT``; 部门文件 (``/zhengce/zhengceku/``) pages have no table.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

from tests.support.site import Request, Response, Site

CHINA = timezone(timedelta(hours=8))


@dataclass
class GovcnDoc:
    """One library document."""

    n: int
    title: str
    pcode: str
    puborg: str
    written: str
    published: str
    paragraphs: list[str]
    table: bool = True

    @property
    def path(self) -> str:
        folder = "content" if self.table else "zhengceku"
        return f"/zhengce/{folder}/{self.published[:7].replace('-', '')}/content_{7000000 + self.n}.htm"


def ms(day: str) -> int:
    """Epoch milliseconds of a Beijing date."""
    return int(datetime.fromisoformat(day).replace(tzinfo=CHINA).timestamp() * 1000)


def page(doc: GovcnDoc) -> str:
    """A 国务院文件 page in the current gov.cn template."""
    cn = lambda d: f"{d[:4]}年{d[5:7]}月{d[8:10]}日"  # noqa: E731
    table = (f'<table class="bd1"><tr><td><b>索 引 号：</b></td><td>000014349/2026-{doc.n:05d}</td>'
             f'<td><b>主题分类：</b></td><td class="zcwj_ztfl">工业、交通\\信息产业（含电信）</td></tr>'
             f'<tr><td><b>发文机关：</b></td><td>{doc.puborg}</td><td><b>成文日期：</b></td><td>{cn(doc.written)}</td></tr>'
             f'<tr><td><b>标　　题：</b></td><td colspan="3">{html.escape(doc.title)}</td></tr>'
             f'<tr><td><b>发文字号：</b></td><td>{doc.pcode}</td><td><b>发布日期：</b></td><td>{cn(doc.published)}</td>'
             f'</tr></table>') if doc.table else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in doc.paragraphs)
    return (f'<html><head><meta charset="utf-8"><title>{html.escape(doc.title)}_中国政府网</title>'
            f'<meta name="firstpublishedtime" content="{doc.published}-17:00:00"><meta name="manuscriptId" '
            f'content="{doc.n}"></head><body><div class="header">首页 | 简 | 繁 | EN | 登录</div>{table}'
            f'<div class="share-title">{html.escape(doc.title)}</div><span class="font-zyygwj">来源：中国政府网</span>'
            f'<div class="pages_content" id="UCAP-CONTENT">{body}</div><div class="pages_print">打印 | 关闭</div>'
            f'</body></html>')


class GovcnLibrary:
    """Mounts the search API and the documents on ``site``."""

    def __init__(self, site: Site, docs: list[GovcnDoc]) -> None:
        self.site = site
        self.docs = list(docs)
        site.route("/search-gov/data", self._search)
        self.mount()

    def url(self, t: str = "zhengcelibrary_gw", n: int = 3) -> str:
        """A source URL for category ``t`` with ``n`` rows per page."""
        return self.site.url(f"/search-gov/data?t={t}&q=&timetype=timeqb&mintime=&maxtime=&sort=pubtime"
                             f"&sortType=1&searchfield=title&pcodeJiguan=&childtype=&subchildtype=&tsbq=&"
                             f"pubtimeyear=&puborg=&pcodeYear=&pcodeNum=&filetype=&p=1&n={n}&inpro=&type=gwyzcwjk")

    def mount(self) -> None:
        """(Re)serve every document page."""
        for doc in self.docs:
            self.site.route(doc.path, page(doc))

    def _row(self, doc: GovcnDoc) -> dict:
        return {"id": doc.n, "title": doc.title.replace("工业互联网", "<em>工业互联网</em>"),
                "url": self.site.url(doc.path), "pcode": doc.pcode, "puborg": doc.puborg,
                "pubtime": ms(doc.published), "ptime": ms(doc.written), "pubtimeStr": doc.published.replace("-", "."),
                "index": f"000014349/2026-{doc.n:05d}", "childtype": "工业、交通\\信息产业（含电信）", "summary": ""}

    def _search(self, request: Request) -> Response:
        if "Mozilla" not in request.headers.get("User-Agent", "") \
                or not request.headers.get("Referer", "").endswith("/zcwjk/policyDocumentLibrary"):
            return Response(403, "<html><body>403 Forbidden</body></html>", content_type="text/html")
        query = parse_qs(request.query, keep_blank_values=True)
        p, n = int(query["p"][0]), int(query["n"][0])
        chunk = [self._row(d) for d in self.docs[(p - 1) * n:p * n]]
        if query["t"][0] == "zhengcelibrary":
            vo = {"totalCount": 0, "catMap": {"gongwen": {"totalCount": len(self.docs), "listVO": chunk},
                                              "bumenfile": {"totalCount": 0, "listVO": []}}}
        else:
            vo = {"listVO": chunk, "totalCount": len(self.docs), "totalpage": -(-len(self.docs) // n)}
        return Response(200, json.dumps({"code": 200, "msg": "操作成功", "searchVO": vo}, ensure_ascii=False),
                        content_type="application/json;charset=UTF-8")


def docs(count: int, *, start: int = 1) -> list[GovcnDoc]:
    """``count`` 国务院办公厅 documents numbered from ``start``; every fourth has no 文件信息 table."""
    return [GovcnDoc(n, f"国务院办公厅关于推进工业互联网第{n}项工作的意见", f"国办发〔2026〕{n}号", "国务院办公厅",
                     f"2026-02-{n:02d}", f"2026-03-{n:02d}",
                     ["各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", f"一、总体要求。第{n}项工作加快推进。"],
                     table=n % 4 != 0)
            for n in range(start, start + count)]
