"""Comparison keys for Chinese policy text: fold away formatting so it never counts as change.

Two versions of a clause that differ only in punctuation width (，/,  （一）/(一)),
full-width digits or Latin (２０２８/2028), spaces between Chinese and digits
("5G 可编程" / "5G可编程"), Markdown bold marks (``**``/``__``), line wrapping,
NBSP, full-width spaces or zero-width characters get the same key. Display text is
never replaced by its key: callers keep the original characters and compare keys.
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


def _fold_once(text: str) -> str:
    """One pass of the folding rules; ``fold`` repeats it until nothing changes."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = _VARIANT.sub(lambda m: _VARIANTS[m.group()], text)
    text = _BOLD.sub("", text)
    text = _SPACES.sub(" ", text)
    return _LAYOUT_SPACE.sub("", text)


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
        if not (_BOLD.search(text) or not unicodedata.is_normalized("NFKC", text)):
            break
        text = _fold_once(text)
    return text


def is_formatting(text: str) -> bool:
    """True when ``text`` has no content at all once folded (spaces, bold marks, breaks)."""
    return not fold(text)
