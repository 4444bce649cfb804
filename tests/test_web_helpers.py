"""Unit and property tests of the review page's small helpers: snippets, redirect targets, figure kinds."""
from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from policywatch.web.routes.inbox import local_path
from policywatch.web.snippets import marked_parts, parts_html, snippet_html
from store.search import MARK_END, MARK_START

TEXT = st.lists(st.sampled_from(list("算力数据<>&\"' ab/=[]") + ["<script>", "onerror=", "[[", "]]"]),
                max_size=12).map("".join)
PIECES = st.lists(st.tuples(TEXT.filter(bool), st.booleans()), max_size=6)


def visible_text(markup: str) -> str:
    """What a browser shows: tags removed, entities decoded."""
    return html.unescape(re.sub(r"</?mark>", "", markup))


@given(PIECES)
def test_pieces_render_as_escaped_text_with_only_mark_tags(pieces):
    markup = str(parts_html(pieces))
    assert re.sub(r"</?mark>", "", markup).count("<") == 0
    assert visible_text(markup) == "".join(text for text, _ in pieces)
    marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", markup)]
    assert marked == [t for t, hit in pieces if hit]


@given(st.lists(st.tuples(TEXT.filter(lambda t: t and "[" not in t and "]" not in t), st.booleans()), max_size=6))
def test_markers_round_trip_to_the_same_highlights(pieces):
    """Exact when the text has no brackets of its own (else the archive's pieces are used)."""
    snippet = "".join(f"{MARK_START}{t}{MARK_END}" if hit else t for t, hit in pieces)
    assert visible_text(str(snippet_html(snippet))) == "".join(t for t, _ in pieces)
    assert [t for t, hit in marked_parts(snippet) if hit] == [t for t, hit in pieces if hit]


@given(TEXT)
def test_any_marker_soup_is_still_safe(text):
    markup = str(snippet_html(text))
    assert re.sub(r"</?mark>", "", markup).count("<") == 0


@given(st.one_of(st.text(max_size=30), st.lists(st.sampled_from(["/", "\\", "\t", "\n", " ", "evil.example",
                                                             "http:", "%2f", "a"]), max_size=8).map("".join)))
def test_redirect_targets_stay_on_this_site(target):
    path = local_path(target, "/fallback")
    as_browser_reads_it = re.sub(r"[\t\n\r]", "", path).replace("\\", "/")
    assert path == "/fallback" or (as_browser_reads_it.startswith("/") and not as_browser_reads_it.startswith("//"))
    assert not re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I)


def test_figure_kind_is_inferred_when_a_summary_leaves_it_out():
    from policywatch.web.records import figures

    kinds = [f.kind for f in figures([{"context": "c", "plan": "50000家", "doc": "60000家"},
                                      {"context": "c", "plan": "20个", "doc": None},
                                      {"context": "c", "plan": None, "doc": "30%"},
                                      {"context": "c", "plan": "x", "doc": "y", "kind": "changed"}])]
    assert kinds == ["changed", "removed", "added", "changed"]
