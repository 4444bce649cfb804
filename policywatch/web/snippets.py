"""Search snippets as safe HTML: escape the text first, then mark the hits with ``<mark>``.

The archive gives each snippet both as ``(text, is_match)`` pieces (used when present:
no parsing, no ambiguity when a page itself contains ``[[``) and as plain text with the
:data:`store.search.MARK_START` / :data:`~store.search.MARK_END` markers.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from store.search import MARK_END, MARK_START


def parts_html(parts: Iterable[Sequence]) -> Markup:
    """``(text, is_match)`` pieces as escaped HTML, matches wrapped in ``<mark>``."""
    return Markup("".join(f"<mark>{escape(text)}</mark>" if hit else str(escape(text)) for text, hit in parts))


def marked_parts(text: str) -> list[tuple[str, bool]]:
    """Split marker-annotated text into ``(text, is_match)`` pieces; stray markers are dropped."""
    pieces: list[tuple[str, bool]] = []
    rest = text
    while (start := rest.find(MARK_START)) >= 0 and (end := rest.find(MARK_END, start + len(MARK_START))) >= 0:
        pieces += [(rest[:start].replace(MARK_END, ""), False), (rest[start + len(MARK_START):end], True)]
        rest = rest[end + len(MARK_END):]
    pieces.append((rest.replace(MARK_START, "").replace(MARK_END, ""), False))
    return [piece for piece in pieces if piece[0]]


def snippet_html(snippet: str, parts: Iterable[Sequence] | None = None) -> Markup:
    """A snippet as safe HTML, from its pieces when the archive gave them, else from its markers."""
    return parts_html(parts if parts else marked_parts(snippet))
