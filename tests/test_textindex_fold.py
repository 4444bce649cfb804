"""``fold`` (the fast form in store.textindex) equals its definition, written as plain regexes here.

The definition: full-width ASCII and U+3000 to half-width, zero-width characters dropped,
NFKC, lower case, whitespace next to a non-ASCII character dropped, other whitespace
collapsed to one space, stripped. The fast form replaces per-occurrence regex callbacks
with per-distinct-character ``str.replace`` and decides each whitespace run from its
neighbours; an index built by one and searched by the other would silently miss documents.
"""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from store.textindex import fold, runs

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ALPHABET = (" \t\n\r\x0b\x0c\x1c\u3000\u2028\u2029\x85\xa0\u1680\u200a" + _ZERO_WIDTH
             + "aZ9,.!-_*\"'()[]（）(一)，。：；！？ＡＢ５～" + "工业互联网算力数据İﬁ①⽅兀" + "\u0301e\x00\x7f\uff5e\uff01")


def folded_by_definition(text: str) -> str:
    """The definition of fold, one regex per rule."""
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c
                   for c in text if c not in _ZERO_WIDTH)
    text = re.sub(f"[{_ZERO_WIDTH}]", "", unicodedata.normalize("NFKC", text)).lower()
    text = re.sub(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


@given(st.text(alphabet=_ALPHABET, max_size=16))
def test_fold_equals_its_definition(text: str) -> None:
    assert fold(text) == folded_by_definition(text)


@given(st.text(alphabet=_ALPHABET, max_size=16))
def test_runs_write_ascii_punctuation_full_width_and_split_at_controls(text: str) -> None:
    folded = fold(text)
    expected = re.sub(r"[\x00-\x1f\x7f]", " ", folded)
    expected = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and 0x21 <= ord(c) < 0x7F and not c.isalnum() else c
                       for c in expected)
    assert runs(folded) == expected.split()
