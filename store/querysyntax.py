"""The search syntax: words, ``OR``, ``-excluded`` and ``"quoted phrases"``, parsed once.

``人工智能 算力``           both words (a space means AND)
``算力 OR 数据``            either word
``工业互联网 -转载``         the first, and not the second
``"machine learning"``      a phrase: its spaces are kept (unquoted, they separate words)

``OR`` binds the words on each side of it: ``a OR b c`` is (a or b) and c. Only an
upper-case standalone ``OR`` is the operator (quote it to search for it). A ``-``
alone or inside a word (``5G-A``) is text. Full-width ``＂`` and ``－`` act as their
ASCII forms. Every word is then folded (:func:`store.textindex.fold`) and matched
exactly as a substring of the folded title or the folded lead+body, whatever its
language or length; the expression for the index is built from the exact
per-word phrases of :mod:`store.textindex`, never from the user's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from store.errors import SearchError
from store.textindex import fold, match_expression, needs_verification

_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_WIDE_SYNTAX = str.maketrans({"\uff02": '"', "\uff0d": "-"})
OR = "OR"


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (a group matches when any of its words does), no exclusion may."""

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...] = ()

    @property
    def words(self) -> list[str]:
        """The folded words looked for (not the excluded ones), in order, without repeats."""
        return list(dict.fromkeys(word for group in self.groups for word in group))

    def matches(self, folded_texts: tuple[str, ...]) -> bool:
        """The brute-force meaning of the query over already folded texts (title, lead+body)."""
        def found(word: str) -> bool:
            return any(word in text for text in folded_texts)

        return all(any(found(word) for word in group) for group in self.groups) and not any(
            found(word) for word in self.excluded)

    def needs_verification(self) -> bool:
        """True when index hits are only candidates (a word with a space between Latin words)."""
        return any(needs_verification(word) for word in (*self.words, *self.excluded))

    def expression(self) -> str:
        """The FTS5 expression over the text columns: exact for every word.

        An excluded word that the index can only approximate is left out here (it
        would drop documents that do not contain it); verification removes those.
        """
        groups = ["(" + " OR ".join(f"({match_expression(word)})" for word in group) + ")" for group in self.groups]
        positive = " AND ".join(groups)
        exact_excluded = [word for word in self.excluded if not needs_verification(word)]
        if not exact_excluded:
            return positive
        return f"({positive}) NOT (" + " OR ".join(f"({match_expression(word)})" for word in exact_excluded) + ")"


def parse(query: str | None) -> Query:
    """The :class:`Query` for what was typed, or a SearchError when nothing is left to look for."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for minus, quoted, bare in _TOKEN.findall((query or "").translate(_WIDE_SYNTAX)):
        if bare == OR:
            join_next = bool(groups)
            continue
        exclude = minus == "-" or (len(bare) > 1 and bare.startswith("-"))
        word = fold(quoted if not bare else bare[1:] if exclude else bare)
        if not match_expression(word):
            continue  # nothing the index can find (empty, or only control characters)
        if exclude:
            excluded.append(word)
        elif join_next:
            groups[-1].append(word)
        else:
            groups.append([word])
        join_next = False
    if not groups:
        raise SearchError("a search needs at least one word to find besides spaces and -exclusions")
    return Query(tuple(tuple(dict.fromkeys(group)) for group in groups), tuple(dict.fromkeys(excluded)))
