"""Property-based tests: normalising never crashes, and its text is stable under formatting."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.normalise import NormaliseError, normalise
from crawler.normalise.quality import body_f1
from crawler.normalise.times import from_text
from crawler.urls import canonical_url
from diffing.textnorm import fold
from tests.support.normalise import MIIT, REAL, fixture_bytes, wechat_page

CHINESE = st.text(alphabet=st.sampled_from("工业互联网人工智能融合赋能行动方案一二三（）()，。；：、 \u3000\xa0\n1234567890abc"),
                  max_size=80)
TAGS = ["p", "div", "section", "span", "strong", "br", "h1", "script", "style", "table", "td", "pre", "a", "img",
        "html", "body", "head", "title", "iframe", "mp-common-profile"]
ATTRS = ['', ' id="js_content"', ' id="con_con"', ' id="UCAP-CONTENT"', ' class="rich_media_content"',
         ' style="display:none"', ' data-src="https://mmbiz.qpic.cn/x.png"', ' fileurl="/a.pdf"', ' id="con_title"']
MARKERS = ["var msg_title = '标题'.html(false);", "var ct = \"1700000000\";", "window.cgiDataNew = {",
           "content_noencode: JsDecode('正文\\x0a第二段'),", "---\ntitle: 标题\n---\n", "<meta charset='gbk'>",
           "该内容已被发布者删除", "以下文章来源于", "预览时标签不可点", "发文字号：", "来源：", "<!--", "-->", "]]>", "&amp;",
           "\\x26amp;", "<", ">", "\x00"]


@st.composite
def html_pages(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            tag = draw(st.sampled_from(TAGS))
            parts.append(f"<{tag}{draw(st.sampled_from(ATTRS))}>")
        elif choice == 1:
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        elif choice == 2:
            parts.append(draw(st.sampled_from(MARKERS)))
        else:
            parts.append(draw(CHINESE))
    return "".join(parts)


def _check(doc) -> None:
    assert doc.status in ("ok", "deleted", "blocked", "unavailable")
    assert doc.kind in ("wechat", "miit", "export", "generic")
    assert len(doc.content_hash) == 64
    json.dumps(doc.to_json_contract(), ensure_ascii=False)
    if doc.status != "ok":
        assert doc.body == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_pages())
def test_normalising_arbitrary_html_never_crashes(page):
    try:
        _check(normalise(page))
    except NormaliseError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_normalising_arbitrary_bytes_never_crashes(data):
    try:
        _check(normalise(data, url="https://mp.weixin.qq.com/s/abc"))
    except NormaliseError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["wechat", "miit", "export", "generic"]))
def test_every_kind_survives_arbitrary_text(text, kind):
    try:
        _check(normalise(text, kind=kind))
    except NormaliseError as exc:
        assert str(exc) and "\n" not in str(exc)


@settings(max_examples=30, deadline=None)
@given(st.lists(CHINESE.filter(lambda s: len(s.strip()) > 3), min_size=2, max_size=6))
def test_html_reformatting_does_not_change_the_hash(paragraphs):
    """Paragraph wrapping and inline formatting of the same text give the same content hash."""
    plain = "".join(f"<p>{p}</p>" for p in paragraphs)
    styled = "".join(f"<section>\n  <p><span><strong>{p}</strong></span></p>\n</section>" for p in paragraphs)
    template = "<html><head><title>标题文字足够长</title></head><body><div id='zoom'>{}</div></body></html>"
    try:
        first = normalise(template.format(plain))
    except NormaliseError:
        return
    assert normalise(template.format(styled)).content_hash == first.content_hash


@given(st.text(max_size=40))
def test_dates_are_iso_or_nothing(text):
    value = from_text(text)
    assert value is None or value[:4].isdigit() and value[4] == "-"


@given(st.text(max_size=60))
def test_canonical_url_never_crashes(text):
    canonical_url(text)
    canonical_url("https://mp.weixin.qq.com/s?" + text)


def test_magic_html_reference_f1():
    """Human-written expected body (magic-html benchmark): report and gate the bigram F1."""
    reference = json.loads((REAL / "wechat" / "magichtml_suide_tuiyijunren_2022.expected.json").read_text())["content"]
    doc = normalise(fixture_bytes(wechat_page("magichtml_suide_tuiyijunren_2022.html")))
    precision, recall, f1 = body_f1(doc.body, reference)
    print(f"magic-html body F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})")
    assert recall >= 0.99 and f1 >= 0.97


def test_folding_normaliser_output_is_idempotent():
    """The comparison key of every real page's text is a fixed point of folding."""
    for path in sorted((REAL / "wechat").glob("*.htm*")):
        doc = normalise(fixture_bytes(path))
        key = fold(f"{doc.title}\n{doc.lead}\n{doc.body}")
        assert fold(key) == key, path.name


@settings(max_examples=80, deadline=None)
@given(CHINESE)
def test_folding_arbitrary_chinese_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


_SAMPLES = [fixture_bytes(wechat_page("goscraper_jiagoushi_2018.html")),
            fixture_bytes(REAL / "govcn" / "gne_govcn_gongbao_2007_23.html")]
_PDF = fixture_bytes(MIIT / "ai_plan_2026.pdf")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_SAMPLES), st.integers(0, 100_000), st.integers(0, 100_000), st.binary(max_size=20))
def test_real_pages_cut_and_spliced_never_crash(page, start, stop, junk):
    """Real pages cut at any byte (even inside a UTF-8 character) and spliced with junk."""
    damaged = page[:start] + junk + page[stop:]
    try:
        _check(normalise(damaged))
    except NormaliseError as exc:
        assert str(exc) and "\n" not in str(exc)


@pytest.mark.chaos
@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_PDF)), st.integers(0, len(_PDF)), st.binary(max_size=20))
def test_damaged_pdf_never_crashes(start, stop, junk):
    """Long (pypdf is slow): run by ``make chaos``; the quick damaged-PDF cases are in test_normalise_miit."""
    try:
        _check(normalise(_PDF[:start] + junk + _PDF[stop:]))
    except NormaliseError as exc:
        assert str(exc) and "\n" not in str(exc)
