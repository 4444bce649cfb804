"""Chinese full-text search is exact: the same documents as a brute-force scan.

The corpus is generated from the real seed plan (benchmarks/store_corpus.py) plus
hand-written documents with the formatting traps of real pages. The oracle scans
every document's current version: a word matches when ``fold(word) in fold(title)``
or ``fold(word) in fold(lead + body)``, and the query's syntax (space = AND, OR,
-excluded, "quoted phrase") combines the words; hypothesis draws words of 1 to 12
characters from the corpus itself (so most have hits) and from a small alphabet (so
some do not), and joins them with the syntax.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policywatch.vocabulary import archive_filters
from store.archive import Archive, SearchError
from store.documents import version_text
from store.model import Document
from store.querysyntax import parse
from store.textindex import fold
from tests.support.search_corpus import EXTRA, TRAPS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """An archive of the traps and 150 generated documents, and the brute-force oracle's texts."""
    path = tmp_path_factory.mktemp("search") / "archive.db"
    archive = Archive(path)
    archive.save_many(TRAPS + EXTRA)
    # a second version replaces a text: only the current text is searched
    archive.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/t3", title="无关文章（修订）",
                          account="新华社", body="今天下雨。", content_hash="t3b"))
    texts = {}
    for doc in archive.documents():
        texts[doc["id"]] = (fold(doc["title"] or ""), fold(version_text(doc)))
    yield archive, texts
    archive.close()


def brute_force(texts: dict[int, tuple[str, str]], query: str) -> set[int]:
    parsed = parse(query)
    return {doc_id for doc_id, folded in texts.items() if parsed.matches(folded)}


def found(archive: Archive, query: str, **filters) -> set[int]:
    page = archive.search(query, limit=10_000, **filters)
    ids = {hit["id"] for hit in page.hits}
    assert page.total == len(ids) == len(page.hits)
    return ids


def check(corpus, query: str) -> None:
    archive, texts = corpus
    try:
        parse(query)
    except SearchError:
        with pytest.raises(SearchError):
            archive.search(query)
        return
    assert found(archive, query) == brute_force(texts, query)


@pytest.mark.parametrize("query", [
    "算力", "数据", "工业互联网", "不少于50000家", "5G", "5g", "算", "力", "（一）", "(一)", "50000 家",
    "数据要素", "ai路由器", "AI编程", "5G-A", "TSN", "编者按", "原文如下。", "算力不足", "天气", "下雨",
    "一", "０", "×", "要素×", "网络和数据要素", "工业互联网和人工智能融合赋能行动方案",
])
def test_named_queries_match_brute_force(corpus, query):
    check(corpus, query)


def test_named_queries_find_what_analysts_expect(corpus):
    archive, _ = corpus
    trap_ids = {archive.find_document(d.url)["id"]: d.url[-2:] for d in TRAPS}
    by_suffix = {v: k for k, v in trap_ids.items()}
    assert {by_suffix["a1"], by_suffix["t2"]} <= found(archive, "不少于50000家")  # full-width and spaced digits
    assert by_suffix["a1"] in found(archive, "算力网络")  # line break between 算力 and 网络
    assert by_suffix["t3"] not in found(archive, "天气")  # replaced by a newer version
    assert by_suffix["t2"] in found(archive, "（一）推动")


@pytest.mark.parametrize("query", ['"', '"算力', 'NEAR(数据 算力)', "数据 AND 算力", "数据 OR", "算*",
                                   "(工业)", "col:title", "^数据", "-", "   ", "", "*", "'; DROP TABLE versions;--"])
def test_fts_syntax_is_just_text(corpus, query):
    check(corpus, query)


@st.composite
def corpus_queries(draw):
    source = draw(st.sampled_from(TRAPS + EXTRA[:40]))
    text = draw(st.sampled_from([source.title, source.body]))
    length = draw(st.integers(1, 12))
    start = draw(st.integers(0, max(0, len(text) - length)))
    return text[start:start + length]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(corpus_queries(), st.text(alphabet="工业数据算力网络互联5Gg０（）(), 。家", min_size=1, max_size=6)))
def test_any_query_matches_brute_force(corpus, query):
    check(corpus, query)


@st.composite
def syntax_queries(draw):
    """Two to four words from the corpus or a small alphabet, quoted or not, joined by space/OR/-."""
    words = draw(st.lists(st.one_of(corpus_queries(), st.text(alphabet="工业数据算力网络5Gg家 ", min_size=1,
                                                                         max_size=4)), min_size=2, max_size=4))
    parts = []
    for word in words:
        word = word.replace('"', "")
        quoted = draw(st.booleans())
        text = f'"{word}"' if quoted else word
        parts.append(draw(st.sampled_from(["", "-"])) + text)
        parts.append(draw(st.sampled_from([" ", " ", " OR "])))
    return "".join(parts[:-1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=syntax_queries())
def test_any_syntax_query_matches_brute_force(corpus, query):
    check(corpus, query)


@pytest.mark.parametrize("query", [
    "人工智能 算力", "算力 数据", "算力 OR 天气", "工业 -转载", "工业 -\"数据要素\"", '"50000 家"', '"ai 路由器"',
    '"AI 路由器"', "算力 OR 数据 工业", "-数据 算力", "OR 算力", "算力 OR", "5G-A", "工业互联网 -5G -TSN",
    '"不少于 50000"', "＂算力 网络＂", "算力 －数据", '-"ai 路由器" 5G', "数据 or 算力",
    '"ai router"', '"router ai"', 'edge -"ai router"', "\x00", "\x1b", "算力 \x00", "算力 -\x1b", '"\x00"', 'edge -"router edge"', '"edge ai" OR 天气', "ai router",
])
def test_syntax_queries_match_brute_force(corpus, query):
    check(corpus, query)


def test_the_syntax_means_what_it_says(corpus):
    archive, texts = corpus
    trap = {d.url[-2:]: archive.find_document(d.url)["id"] for d in TRAPS}
    both = found(archive, "工业互联网 人工智能")
    assert both and all("工业互联网" in "".join(texts[i]) and "人工智能" in "".join(texts[i]) for i in both)
    assert found(archive, "天气 OR 下雨") == found(archive, "天气") | found(archive, "下雨")
    assert trap["t2"] not in found(archive, "不少于50000家 -转载") and trap["t2"] in found(archive, "不少于50000家")
    assert trap["a1"] in found(archive, '"ai 路由器"') and trap["t3"] not in found(archive, '"ai 路由器"')
    assert found(archive, 'router -"edge ai router"') == set() and trap["t4"] in found(archive, '"ai router"')
    assert trap["t4"] in found(archive, 'router -"edge router"')
    assert parse('a OR b c -d "e f"').groups == (("a", "b"), ("c",), ("e f",))
    assert parse('a OR b c -d "e f"').excluded == ("d",)
    assert parse("5G-A -").groups == (("5g-a",), ("-",))
    with pytest.raises(SearchError, match="besides spaces and -exclusions"):
        archive.search("-算力")


def test_snippets_mark_every_word(corpus):
    archive, _ = corpus
    hit = next(h for h in archive.search("算力 数据", limit=50).hits if "算力" in h["snippet"] and "数据" in h["snippet"])
    assert "[[算力]]" in hit["snippet"] and "[[数据]]" in hit["snippet"]


def test_filters_combine_with_the_query(corpus):
    archive, texts = corpus
    everything = brute_force(texts, "工业")
    rows = {doc["id"]: doc for doc in archive.documents()}
    wanted = {i for i in everything if rows[i]["account"] == "工信微报"}
    assert found(archive, "工业", account="工信微报") == wanted
    wanted = {i for i in everything if rows[i]["source"] == "miit"}
    assert found(archive, "工业", source="miit") == wanted
    in_2025 = {i for i in everything if (rows[i]["published_at"] or "").startswith("2025")}
    assert found(archive, "工业", since="2025-01-01", until="2025-12-31") == in_2025
    assert found(archive, "工业", since="2025", until="2025") == in_2025
    with pytest.raises(SearchError, match="date"):
        archive.search("工业", since="March")
    with pytest.raises(SearchError, match="status"):
        archive.search("工业", status="gone")


def test_ranking_puts_title_matches_first_and_pages(corpus):
    archive, _ = corpus
    page = archive.search("数据要素", limit=3)
    assert page.hits[0]["title"] == "转载：数据要素×"
    scores = [hit["score"] for hit in archive.search("数据要素", limit=50).hits]
    assert scores == sorted(scores, reverse=True)
    second = archive.search("数据要素", limit=3, offset=3)
    assert second.total == page.total and not {h["id"] for h in page.hits} & {h["id"] for h in second.hits}


def test_snippets_mark_the_match_in_the_original_text(corpus):
    archive, _ = corpus
    hit = next(h for h in archive.search("50000家", limit=50).hits if h["account"] == "工信部")
    assert "[[５００００家]]" in hit["snippet"]  # original (full-width) text, marked
    assert ["５００００家", True] in hit["snippet_parts"]
    assert "\n" not in hit["snippet"]
    for hit in archive.search("算力", limit=20).hits:
        marked = [text for text, is_match in hit["snippet_parts"] if is_match]
        assert marked and all(fold(text) == "算力" for text in marked)
        assert len(hit["snippet"]) < 160


def test_relation_and_plan_filters(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        plan = archive.track_plan("融合赋能", TRAPS[0])
        saved = [archive.save(doc) for doc in TRAPS]
        archive.save_comparison(saved[0].version_id, plan.plan_version_id, {"relation": "identical"})
        archive.save_comparison(saved[1].version_id, plan.plan_version_id, {"relation": "altered_repost"})
        assert found(archive, "50000家", relation="altered_repost") == {saved[1].document_id}
        assert found(archive, "50000家", plan="融合赋能") == {saved[0].document_id, saved[1].document_id}
        with pytest.raises(SearchError, match="unknown plan '其他方案'"):
            found(archive, "50000家", plan="其他方案")
        with pytest.raises(SearchError, match="unknown relation 'alterd'"):
            found(archive, "50000家", **archive_filters({"relation": "alterd"}))
        with pytest.raises(SearchError, match="unknown source 'nosuch'"):
            found(archive, "50000家", source="nosuch")
        with pytest.raises(SearchError, match="is after --until"):
            found(archive, "50000家", since="2026-05-01", until="2026-03")
