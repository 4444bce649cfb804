"""Fuzzing the text engines: normalisers, the outline parser, the differ and the folding.

No crash (only NormaliseError for bad pages), no input slower than 1 s, and the
invariants users rely on: folding is idempotent and blind to formatting, a text
compared with itself (or with a reformatted copy) has no change, every clause is an
exact span of its source, and a GBK page under a lying charset header reads the
same as its UTF-8 original.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from crawler.normalise import NormaliseError, normalise
from diffing import compare, fold, outline, parse
from store.kinds import STATUSES
from tests.chaos import pages
from tests.chaos.fuzzing import fuzz, fuzz_variants
from tests.chaos.strategies import ANY_TEXT, POLICY_ALPHABET, POLICY_TEXT, formatting_variant, outlined_text

VARIANTS = fuzz_variants()
HTML_BITS = st.sampled_from([
    "<html>", "</html>", "<body>", "</body>", "<p>", "</p>", "<div id='js_content'>", "<div id='con_con'>",
    "<script>var msg_title = '标题';</script>", "<h1 id='con_title'>", "<meta charset='gbk'>", "<!--", "-->",
    "<![CDATA[", "]]>", "&amp;", "&#x4e2d;", "该内容已被发布者删除", "环境异常", "以下文章来源于", "<table><tr><td>",
    "<iframe fileurl='/a.pdf'>", "---\ntitle: 标题\n---\n", "# 标题\n", "\x00", "\ufeff",
])
PAGES = st.lists(st.one_of(HTML_BITS, POLICY_TEXT), max_size=30).map("".join)
KINDS = st.sampled_from([None, "wechat", "miit", "export", "generic"])


def _normalised(data: bytes | str, **kwargs) -> object:
    try:
        return normalise(data, **kwargs)
    except NormaliseError as exc:
        assert "\n" not in str(exc), "a NormaliseError must be one line"
        return None


@pytest.mark.parametrize("variant", VARIANTS)
def test_normalise_survives_hostile_pages(variant):
    def check(page: str, kind: str | None, encoding: str) -> None:
        data = page.encode(encoding, errors="ignore")
        doc = _normalised(data, url="https://mp.weixin.qq.com/s/fuzz", kind=kind)
        if doc is None:
            return
        assert doc.status in STATUSES
        again = normalise(data, url="https://mp.weixin.qq.com/s/fuzz", kind=kind)
        assert again.content_hash == doc.content_hash, "normalising is not deterministic"

    fuzz("normalise-pages", variant, [PAGES, KINDS, st.sampled_from(["utf-8", "gb18030", "utf-16"])], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_normalise_survives_arbitrary_bytes(variant):
    fuzz("normalise-bytes", variant, [st.binary(max_size=4000), KINDS],
         lambda data, kind: _normalised(data, url="http://example.org/x", kind=kind) and None)


GBK_TEXT = st.text(alphabet=POLICY_ALPHABET.replace("\u202e", "").replace("\u200b", "").replace("\ufeff", ""),
                   min_size=1, max_size=80)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gbk_page_under_a_lying_header_reads_like_utf8(variant):
    def check(paragraphs: list[str]) -> None:
        assume(any(p.strip() for p in paragraphs))
        article = pages.Article("F1", "标题测试", tuple(paragraphs), True, datetime(2026, 1, 1, tzinfo=UTC))
        page = pages.wechat_article(article, "https://mp.weixin.qq.com/s/F1")
        try:
            gbk = page.replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
        except UnicodeEncodeError:
            assume(False)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        utf8_doc = _normalised(page.encode(), url="https://mp.weixin.qq.com/s/F1", headers=headers)
        gbk_doc = _normalised(gbk, url="https://mp.weixin.qq.com/s/F1", headers=headers)
        assert (utf8_doc is None) == (gbk_doc is None)
        if utf8_doc is not None:
            assert gbk_doc.title == utf8_doc.title
            assert fold(gbk_doc.body) == fold(utf8_doc.body)

    fuzz("normalise-gbk-lying-header", variant, [st.lists(GBK_TEXT, min_size=1, max_size=6)], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_fold_is_idempotent_and_blind_to_formatting(variant):
    def check(text: str, choice: int) -> None:
        key = fold(text)
        assert fold(key) == key
        assert fold(formatting_variant(text, choice)) == fold(formatting_variant(key, choice)) or choice == 1

    fuzz("fold", variant, [st.one_of(POLICY_TEXT, ANY_TEXT), st.integers(0, 4)], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_outline_parser_keeps_exact_spans(variant):
    def check(text: str) -> None:
        parsed = parse(text)
        for clause in parsed.clauses:
            assert text[clause.start:clause.end] == clause.text
        assert [c.index for c in parsed.clauses] == list(range(len(parsed.clauses)))
        for heading in outline(text):
            assert heading.level >= 1 and heading.path.endswith(heading.label) or not heading.label

    fuzz("outline", variant, [st.one_of(outlined_text(), POLICY_TEXT, ANY_TEXT)], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_text_against_itself_or_a_reformatted_copy_has_no_change(variant):
    def check(text: str, choice: int) -> None:
        same = compare(text, text)
        assert same.changes == [] and same.figures == []
        reformatted = compare(text, formatting_variant(text, choice))
        assert reformatted.changes == [], [c.to_dict() for c in reformatted.changes]

    fuzz("diff-self", variant, [st.one_of(outlined_text(), POLICY_TEXT), st.integers(0, 4)], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_differ_survives_any_pair(variant):
    def check(plan: str, doc: str) -> None:
        result = compare(plan, doc)
        assert 0.0 <= result.similarity <= 1.0 and 0.0 <= result.coverage <= 1.0
        assert result.relation in ("identical", "repost", "altered_repost", "revision", "excerpt",
                                   "interpretation", "unrelated")

    fuzz("diff-pairs", variant, [st.one_of(outlined_text(), POLICY_TEXT, ANY_TEXT)] * 2, check)
