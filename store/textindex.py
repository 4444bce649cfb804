"""What the full-text index holds: folded text and its character-bigram shadow.

SQLite 3.40's trigram tokenizer cannot find two-character terms, and word
segmenters (jieba) miss terms that cut across their word boundaries. Instead
every *run* of the folded text (what lies between spaces: Chinese, letters,
digits and punctuation alike) becomes overlapping character bigrams plus the
run's last character alone::

    "工业互联网" -> "工业 业互 互联 联网 网"

Every character of a run starts exactly one token, so a query run of n >= 2
characters is the FTS5 phrase of its n-1 bigrams, and a single character is the
prefix query ``"c" *``.  Both are exact substring tests: a phrase of consecutive
bigrams can only match inside one run, because a run ends on a 1-character token.
Only spaces end runs, and folding leaves spaces only between Latin words or
digits; a query with such a space is matched run by run and then verified
against the folded text (see :mod:`store.search`). In tokens, ASCII punctuation
is written in its full-width form so that FTS5's ``ascii`` tokenizer keeps it.

Folding is what makes formatting not matter: NFKC (full-width letters, digits and
punctuation become half-width, so （一） equals (一)), lower case, zero-width
characters dropped, and whitespace next to a non-ASCII character dropped (stray
spaces between Chinese and digits, line breaks inside Chinese text); other
whitespace collapses to one space.

This is not :func:`diffing.textnorm.fold` (the comparison key), and cannot be: the store
imports nothing of ours, and search needs a different form — lower case (``5g`` finds
``5G``), spaces kept between ASCII words and numbers (``PLC 100`` is two runs), ``**`` and
quote/dash variants kept as typed. On width, invisible characters and whitespace next to
Chinese the two agree (``tests/test_fold_agreement.py``), so text the diff calls unchanged
is found alike in both versions.
"""
from __future__ import annotations

import operator
import re
import unicodedata

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: Full-width ASCII (the common case of NFKC in Chinese text) and zero-width characters, and their
#: replacements (applied by _replace).
_HALF_WIDTH = {**{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}, "\u3000": " ",
               **dict.fromkeys(_ZERO_WIDTH, "")}
_HALF_WIDTH_CHARS = re.compile("[\uff01-\uff5e\u3000" + _ZERO_WIDTH + "]")
_ZERO_WIDTH_CHARS = re.compile(f"[{_ZERO_WIDTH}]")
_SPACES_NEXT_TO_WIDE = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")
_SPACES = re.compile(r"\s+")
_RUN = re.compile(r"\S+")
#: For tokens only: ASCII punctuation becomes its full-width form (never present in folded text,
#: and a token character for FTS5's ascii tokenizer); control characters end runs like spaces.
_TOKEN_CHARS = {
    **{chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F) if not chr(code).isalnum()},
    **{chr(code): " " for code in (*range(0x20), 0x7F)},
}
_NOT_TOKEN_CHARS = re.compile("[" + re.escape("".join(_TOKEN_CHARS)) + "]")


def fold(text: str) -> str:
    """The comparison form of ``text`` that search matches against (see module doc)."""
    if not text:
        return ""
    text = _replace(text, _HALF_WIDTH, _HALF_WIDTH_CHARS)
    if not unicodedata.is_normalized("NFKC", text):
        text = _ZERO_WIDTH_CHARS.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(_space, text.lower()).strip()


def _replace(text: str, mapping: dict[str, str], chars: re.Pattern) -> str:
    """``text`` with the characters ``chars`` matches replaced by ``mapping``.

    Chinese text holds only a few distinct such characters (，。：；（）), so one
    ``str.replace`` per distinct character present is several times faster than a
    regex callback per occurrence or ``str.translate``.
    """
    for char in set(chars.findall(text)):
        text = text.replace(char, mapping[char])
    return text


def _space(match: re.Match) -> str:
    """What a run of whitespace folds to: nothing next to a non-ASCII character, else one space.

    The common run (ASCII whitespace only) is decided from its two neighbours; a run
    holding non-ASCII whitespace (U+2028…) gets the two-regex rule applied to it and its neighbours.
    """
    run, string, start, end = match.group(), match.string, match.start(), match.end()
    before, after = string[start - 1:start], string[end:end + 1]
    if run.isascii():
        return "" if not before.isascii() or not after.isascii() else " "
    local = _SPACES.sub(" ", _SPACES_NEXT_TO_WIDE.sub("", before + run + after))
    return local[len(before):len(local) - len(after)]


def runs(folded: str) -> list[str]:
    """The runs (what lies between spaces) of an already folded text, in token characters."""
    return _RUN.findall(_replace(folded, _TOKEN_CHARS, _NOT_TOKEN_CHARS))


def shadow(text: str) -> str:
    """The token string stored in the full-text index for ``text``."""
    tokens: list[str] = []
    for run in runs(fold(text)):
        tokens += map(operator.add, run, run[1:])
        tokens.append(run[-1])
    return " ".join(tokens)


def phrase(run: str) -> str:
    """The FTS5 expression that matches exactly the texts containing ``run``."""
    if len(run) == 1:
        return f'"{run}" *'
    return '"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"'


def match_expression(folded_query: str) -> str:
    """An FTS5 MATCH expression for a folded query: its runs' phrases joined by AND.

    The caller must verify hits when the query is not one single run
    (:func:`needs_verification`); an empty string means the query has no run.
    """
    return " AND ".join(phrase(run) for run in runs(folded_query))


def needs_verification(folded_query: str) -> bool:
    """True when index hits are only candidates (the query has spaces between Latin words)."""
    return _RUN.fullmatch(_replace(folded_query, _TOKEN_CHARS, _NOT_TOKEN_CHARS)) is None


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold`` character by character, with each folded character's index in ``text``.

    Slower than :func:`fold`; used for the few texts whose snippets are shown.
    """
    chars: list[str] = []
    offsets: list[int] = []
    pending_space: int | None = None
    for index, char in enumerate(text):
        if char.isspace():
            pending_space = index if pending_space is None else pending_space
            continue
        folded = _ZERO_WIDTH_CHARS.sub("", unicodedata.normalize("NFKC", char)).lower()
        if not folded:
            continue
        if pending_space is not None and chars and chars[-1].isascii() and folded[0].isascii():
            chars.append(" ")
            offsets.append(pending_space)
        pending_space = None
        for piece in folded:
            chars.append(piece)
            offsets.append(index)
    return "".join(chars), offsets
