"""CMS families of Chinese government sites: how to recognise one from a column page, and how it lists.

Rule data first (signals, article URL shapes, list containers), then small pure
functions the ``column`` spider and ``policywatch sources --check`` use. The families
(docs/sources.md; the notes' real snippets are in the tests' mirrors):

* ``trs``     TRS WCM static lists: ``createPageHTML(total, cur, "index", "html")``;
              page k is ``index_{k-1}.html`` (0-based) or ``index_{k}.html`` (1-based).
* ``jcms``    大汉 Hanweb JCMS: page 1 embedded as ``<datastore>`` XML in the column page,
              further pages from ``/module/web/jpage/dataproxy.jsp`` (POST, the ``ajaxParam`` form).
* ``jpaas``   Hanweb 集约化 jpaas (MIIT, SAMR, Zhejiang): ``queryData`` in the column shell,
              the list from ``/api-gateway/jpaas-publish-server/front/page/build/unit`` JSON.
* ``paged``   a plain list paged with ``?page=N``.
* ``generic`` anything else: article-shaped links on the page, a ``next`` selector if given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

#: Family → signals in the column page (any one recognises it), most specific family first.
SIGNALS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("jpaas", (re.compile(r"unitbuild\.js"), re.compile(r"queryData\s*="),
               re.compile(r"/api-gateway/jpaas-publish-server/"))),
    ("jcms", (re.compile(r"jpage/dataproxy\.jsp"), re.compile(r"\.jpage\(\s*\{"),
              re.compile(r"<datastore>"))),
    ("trs", (re.compile(r"createPageHTML\s*\("),)),
    ("paged", (re.compile(r"""href=["'][^"']*[?&](?:page|pageNum|pageNo)=2\b"""),)),
)

#: Article URLs of the families (path shapes); links elsewhere on a column page are navigation.
ARTICLE_PATHS = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),                       # TRS ./202604/t20260409_1404577.html
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),  # JCMS /art/2025/10/29/art_80179_11664839.html
    re.compile(r"/art/\d{4}/art_[0-9a-zA-Z]+\.html$"),           # jpaas /col/col1/art/2026/art_<32hex>.html
    re.compile(r"content_\d+\.s?html?$"),                        # gov.cn, CAC-like /content_N.htm
    re.compile(r"/post_\d+\.html$"),                             # gkmlpt
    re.compile(r"/c_\d+\.htm$"),                                 # CAC /YYYY-MM/DD/c_N.htm
    re.compile(r"/(?:art|detail|info|content)/[\w/-]*\d{3,}[\w-]*\.s?html?$"),
)

#: List rows, most specific first; the first container holding article links wins.
LIST_CONTAINERS = (
    "ul.u-list > li", "ul.list_common li", "div.zfxxgk_zdgkc ul li", "ul.list-b li", "div.biaobody ul li",
    "li.nav04Left02_content", ".page-content ul li", "p.lb-list", "ul li", "tr", "p",
)

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL_DATE = re.compile(r"/t(\d{4})(\d{2})(\d{2})_|/art/(\d{4})/(\d{1,2})/(\d{1,2})/")
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_QUOTED = re.compile(r"""^\s*['"](.*)['"]\s*$""")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_JPAGE = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_AJAX_PARAM = re.compile(r"ajaxParam\s*:\s*\{(.*?)\}", re.S)
_PAIR = re.compile(r"""(\w+)\s*:\s*(?:'([^']*)'|"([^"]*)"|([^,}\s]+))""")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", re.S)
_COUNT_ROWS = re.compile(r"""count=["'](\d+)["'][^>]*rows=["'](\d+)["']""")
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
#: Paging parameter names of plain ``?page=N`` lists.
PAGE_PARAMS = ("page", "pageNum", "pageNo")
#: Records per dataproxy.jsp request when the column page does not say.
JCMS_PER_PAGE = 25
#: Rows per jpaas list request when the column page does not say.
JPAAS_ROWS = 20


@dataclass(frozen=True)
class Listed:
    """One row of a column list: the article URL, its title and date (``YYYY-MM-DD`` or '')."""

    url: str
    title: str
    date: str


def recognise(html: str, url: str = "") -> str:
    """The family of a column page (``generic`` when no signal is present)."""
    head = html[:400_000]
    for family, signals in SIGNALS:
        if any(signal.search(head) for signal in signals):
            return family
    if any(f"{name}=" in urlsplit(url).query for name in PAGE_PARAMS):
        return "paged"
    return "generic"


def is_article(url: str) -> bool:
    """Whether ``url`` has the shape of an article page of one of the families."""
    return any(pattern.search(urlsplit(url).path) for pattern in ARTICLE_PATHS)


def list_rows(html: str, base_url: str, links: str = "") -> list[Listed]:
    """The article rows of a list page or fragment, in page order, de-duplicated.

    ``links`` (css or xpath) picks the anchors; otherwise the first list container holding
    article-shaped links is used, so navigation and related-解读 popups stay out.
    """
    selector = Selector(text=html or "<html></html>")
    if links:
        anchors = selector.xpath(links) if links.startswith(("/", "(")) else selector.css(links)
        return _dedupe(_row(a, a, base_url) for a in anchors if a.root.tag == "a" or a.attrib.get("href"))
    for container in LIST_CONTAINERS:
        rows = [_row(row, anchor, base_url) for row in selector.css(container)
                for anchor in row.css("a[href]")[:1] if is_article(_absolute(anchor.attrib["href"], base_url))]
        if rows:
            return _dedupe(rows)
    return _dedupe(_row(a, a, base_url) for a in selector.css("a[href]")
                   if is_article(_absolute(a.attrib["href"], base_url)))


def _row(row: Selector, anchor: Selector, base_url: str) -> Listed:
    url = _absolute(anchor.attrib.get("href", ""), base_url)
    title = anchor.attrib.get("title") or " ".join(" ".join(anchor.css("::text").getall()).split())
    readlabel = row.css("[readlabel]::attr(readlabel)").get() or ""
    return Listed(url, " ".join(title.split()), list_date(readlabel or " ".join(row.css("::text").getall()), url))


def _dedupe(rows: object) -> list[Listed]:
    seen: dict[str, Listed] = {}
    for row in rows:  # type: ignore[attr-defined]
        if row.url and row.url.startswith(("http://", "https://")):
            seen.setdefault(row.url, row)
    return list(seen.values())


def _absolute(href: str, base_url: str) -> str:
    return urljoin(base_url, href.strip()).split("#")[0]


def list_date(text: str, url: str = "") -> str:
    """``YYYY-MM-DD`` from a list row's text, else from the URL (``/t20260409_``, ``/art/2025/10/29/``)."""
    match = _DATE.search(text or "")
    if match:
        year, month, day = match.groups()
    else:
        found = _URL_DATE.search(url)
        if not found:
            return ""
        year, month, day = [g for g in found.groups() if g][:3]
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


# --- TRS -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrsPaging:
    """``createPageHTML`` arguments: page count, the current index, file prefix and extension."""

    total: int
    current: int
    prefix: str
    ext: str

    def url(self, base_url: str, page: int) -> str:
        """URL of 1-based ``page`` (page 1 is ``index.ext``; then 0- or 1-based numbering)."""
        if page <= 1:
            return urljoin(base_url, f"{self.prefix}.{self.ext}")
        number = page - 1 if self.current == 0 else page
        return urljoin(base_url, f"{self.prefix}_{number}.{self.ext}")


def trs_paging(html: str) -> TrsPaging | None:
    """Read ``createPageHTML(9, 0, "index", "html")`` (or CSRC's ``('page_div',5,1,'fg','shtml')``)."""
    match = _CREATE_PAGE.search(html)
    if not match:
        return None
    args = [a.strip() for a in match.group(1).split(",")]
    if args and _QUOTED.match(args[0]):
        args = args[1:]
    try:
        total, current = int(args[0]), int(args[1])
        prefix = _QUOTED.match(args[2]).group(1)  # type: ignore[union-attr]
        ext = _QUOTED.match(args[3]).group(1)  # type: ignore[union-attr]
    except (IndexError, ValueError, AttributeError):
        return None
    return TrsPaging(total, current, prefix or "index", ext or "html")


# --- JCMS ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JcmsPaging:
    """The dataproxy.jsp endpoint, its form (``ajaxParam``), records per page and total records."""

    proxy: str
    form: dict[str, str]
    per_page: int
    total: int

    def url(self, base_url: str, page: int) -> str:
        """The POST URL for 1-based ``page`` (``startrecord``/``endrecord``/``perpage``)."""
        start = (page - 1) * self.per_page + 1
        query = urlencode({"startrecord": start, "endrecord": start + self.per_page - 1, "perpage": self.per_page})
        return f"{urljoin(base_url, self.proxy)}?{query}"

    @property
    def pages(self) -> int:
        """Number of pages (0 when the total is unknown)."""
        return -(-self.total // self.per_page) if self.total else 0


def jcms_records(xml: str) -> str:
    """The ``<record>`` CDATA rows of a datastore (column page or dataproxy answer) as one HTML fragment."""
    return "\n".join(_RECORD.findall(xml))


def jcms_paging(html: str) -> JcmsPaging | None:
    """The jpage call of a JCMS column page (or its ``<nextgroup>`` link when there is no call)."""
    jpage = _JPAGE.search(html)
    if jpage:
        call = jpage.group(1)
        param = _AJAX_PARAM.search(call)
        form = _pairs(param.group(1)) if param else {}
        options = _pairs(_AJAX_PARAM.sub("", call))
        proxy = options.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
        return JcmsPaging(proxy, form, _int(options.get("perPage"), JCMS_PER_PAGE),
                          _int(options.get("totalRecord"), 0))
    nextgroup = _NEXTGROUP.search(html)
    if not nextgroup:
        return None
    parts = urlsplit(nextgroup.group(1).replace("&amp;", "&"))
    form = {k: v for k, v in parse_qsl(parts.query) if k != "page"}
    total = _TOTAL_RECORD.search(html)
    return JcmsPaging(parts.path, {"col": "1", **form}, JCMS_PER_PAGE, int(total.group(1)) if total else 0)


def jcms_total(xml: str) -> int:
    """``<totalrecord>`` of a dataproxy answer (0 when absent)."""
    match = _TOTAL_RECORD.search(xml)
    return int(match.group(1)) if match else 0


def _pairs(text: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _PAIR.finditer(text)}


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip("'\""))
    except (TypeError, ValueError):
        return default


# --- jpaas ------------------------------------------------------------------------------
def jpaas_rows(html: str) -> int:
    """Rows per page from the column page's pagination div (``count="386" rows="15"``)."""
    match = _COUNT_ROWS.search(html)
    return int(match.group(2)) if match else JPAAS_ROWS


# --- ?page=N ----------------------------------------------------------------------------
def paged_url(url: str, page: int) -> str:
    """``url`` with its page parameter (``page``, ``pageNum`` or ``pageNo``) set to ``page``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    name = next((k for k, _ in query if k in PAGE_PARAMS), "page")
    kept = [(k, v) for k, v in query if k != name]
    return urlunsplit(parts._replace(query=urlencode([*kept, (name, str(page))])))


def next_link(html: str, base_url: str, selector: str) -> str | None:
    """The URL a ``next`` selector (css or xpath) points at on a list page, or None."""
    page = Selector(text=html or "<html></html>")
    found = page.xpath(selector) if selector.startswith(("/", "(")) else page.css(selector)
    for node in found:
        href = node.attrib.get("href") if hasattr(node, "attrib") else None
        href = href or node.get()
        if href and not href.strip().startswith(("javascript:", "#", "<")):
            return _absolute(href, base_url)
    return None
