"""Comparison keys for Chinese policy text: fold away formatting so it never counts as change.

Two versions of a clause that differ only in punctuation width (，/,  （一）/(一)),
full-width digits or Latin (２０２８/2028), spaces between Chinese and digits
("5G 可编程" / "5G可编程"), Markdown bold marks (``**``/``__``), line wrapping,
NBSP, full-width spaces or zero-width characters get the same key. Display text is
never replaced by its key: callers keep the original characters and compare keys.

``fold`` here is the comparison key (the normaliser's content hash is taken of it). The
archive's search folds with its own, faster and differently shaped function
(:mod:`store.textindex`: lower case, spaces between ASCII words kept, bold marks kept);
the two agree on width, invisible characters and spaces next to Chinese
(``tests/test_fold_agreement.py``).
"""
from __future__ import annotations

import re
import unicodedata

#: Characters with no visible content that editors and WeChat sprinkle into text.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

#: Width and style variants NFKC leaves alone but readers treat as the same mark.
_VARIANTS = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u300c": '"', "\u300d": '"',
    "\u2018": "'", "\u2019": "'", "\u300e": '"', "\u300f": '"',
    "\u2014": "-", "\u2013": "-", "\u2012": "-", "\u2212": "-",
    "\u30fb": "\u00b7",
}
_VARIANT = re.compile("[" + "".join(_VARIANTS) + "]")

_BOLD = re.compile(r"\*{2,}|_{2,}")
_SPACES = re.compile(r"\s+")
#: A space survives only between two Latin letters ("Time Sensitive"): next to Chinese,
#: digits ("5G 网络", "PLC 100"), punctuation or anything else it is layout, not content.
_LAYOUT_SPACE = re.compile(r"(?<![A-Za-z]) | (?![A-Za-z])")


#: Full-width ASCII (U+FF01–FF5E) and the ideographic space, mapped to what NFKC makes of
#: them before NFKC runs: NFKC then finds most Chinese text already normalised and
#: returns at once (its slow path costs more than the whole rest of folding).
_WIDE_CHARS = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _has_bold(text: str) -> bool:
    """Whether ``_BOLD`` can match (a plain substring test, cheaper than the regex)."""
    return "**" in text or "__" in text


def _fold_once(text: str) -> str:
    """One pass of the folding rules; ``fold`` repeats it until nothing changes.

    Each regex pass runs only when its target can occur: whitespace other than a plain
    space makes a string non-printable, so printable text without " " has nothing to
    collapse or remove.
    """
    text = _WIDE.sub(lambda m: _WIDE_CHARS[m.group()], _INVISIBLE.sub("", text))
    text = unicodedata.normalize("NFKC", text)
    text = _VARIANT.sub(lambda m: _VARIANTS[m.group()], text)
    if _has_bold(text):
        text = _BOLD.sub("", text)
    if " " in text or not text.isprintable():
        text = _LAYOUT_SPACE.sub("", _SPACES.sub(" ", text))
    return text


def fold(text: str) -> str:
    """The comparison key of ``text``: equal keys mean "differs only in formatting".

    NFKC width folding (full-width digits, Latin and punctuation, （一）→(一)), curly
    quotes and dash variants unified, zero-width characters dropped, all whitespace
    (line breaks, NBSP, U+3000) collapsed and removed where it sits next to anything
    but two Latin letters, and ``**``/``__`` bold marks dropped. Idempotent:
    ``fold(fold(t)) == fold(t)``.
    """
    text = _fold_once(text)
    for _ in range(8):
        if not (_has_bold(text) or not unicodedata.is_normalized("NFKC", text)):
            break
        text = _fold_once(text)
    return text


#: Folded forms of the single characters policy text is made of besides Chinese and ASCII
#: letters/digits (ASCII and general punctuation, CJK marks, full-width forms): a
#: constant table built once at import, so per-character folding is a lookup.
_CHAR_FOLDS = {char: fold(char) for block in ((0x20, 0x80), (0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFFF0))
               for char in map(chr, range(*block))}


def fold_char(char: str) -> str:
    """``fold`` of one character (a table lookup for the common ones)."""
    if "\u4e00" <= char <= "\u9fff":  # Chinese characters fold to themselves
        return char
    folded = _CHAR_FOLDS.get(char)
    return fold(char) if folded is None else folded


def is_formatting(text: str) -> bool:
    """True when ``text`` has no content at all once folded (spaces, bold marks, breaks)."""
    return not fold(text)
