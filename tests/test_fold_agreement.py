"""The two folds: ``diffing.textnorm.fold`` (the comparison key) and ``store.textindex.fold``
(what search matches). They are different functions on purpose — the store imports nothing of
ours, and search must keep ``PLC 100`` apart from ``PLC100`` and find ``5g`` in ``5G`` — but they
must agree on what makes Chinese policy text "the same": width (（一）/(一), ２０２８/2028),
invisible characters, and whitespace next to Chinese. Otherwise a clause the diff calls
unchanged could be found by search in one version and not in the other.
"""
from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from diffing.textnorm import fold as comparison_key
from store.textindex import fold as search_form

#: Chinese text as pages write it: ideographs, both widths of punctuation, digits and Latin,
#: every kind of space and line break, zero-width characters. Left out: what only the
#: comparison key folds (``**``/``__`` bold marks, curly quotes and dash variants).
_ALPHABET = ("工业互联网算力数据方案年到不少于家" + "，。：；！？、（）《》〔〕【】％"
             + ",.:;!?()[]%+/=#" + "0123456789０１２３４５６７８９" + "5GgＧａＡbB"
             + " \t\n\r\u3000\u00a0\u2028\u200a" + "\u200b\u200c\u200d\u2060\ufeff\u00ad")


@given(st.text(alphabet=_ALPHABET, max_size=40))
@example("（一）到２０２８年，推动 不少于 50000 家企业\n实施改造。")
@example("5G 可编程\u200b网络，ＰＬＣ 100")
def test_the_two_folds_agree_on_width_invisibles_and_spaces_next_to_chinese(text: str) -> None:
    key, found = comparison_key(text), search_form(text)
    assert found.replace(" ", "") == key.lower().replace(" ", "")


@given(st.text(alphabet=_ALPHABET, max_size=30), st.text(alphabet=_ALPHABET, max_size=30))
def test_texts_the_diff_calls_the_same_are_the_same_to_search_up_to_spaces(first: str, second: str) -> None:
    if comparison_key(first) == comparison_key(second):
        assert search_form(first).replace(" ", "") == search_form(second).replace(" ", "")


def test_what_only_the_comparison_key_folds() -> None:
    """The differences, pinned: bold marks, quote/dash variants, case, spaces between non-letters."""
    assert comparison_key("**重点**“任务”—") == '重点"任务"-' and search_form("**重点**“任务”—") == "**重点**“任务”—"
    assert comparison_key("PLC 100 Edge AI") == "PLC100Edge AI" and search_form("PLC 100 Edge AI") == "plc 100 edge ai"
