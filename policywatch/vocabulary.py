"""A relation filter typed by a user, checked once for the CLI, the web pages and the API.

The store keeps a comparison's relation as text and cannot know diffing's vocabulary
(docs/design.md: ``store`` imports nothing of ours), so the shell checks the word
before it reaches ``Archive.search``/``Archive.documents``: the same one-line
``SearchError`` wherever it was typed.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diffing.model import relation_of
from store.errors import SearchError


def archive_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """``filters`` with ``relation`` (when given) as a :class:`diffing.model.Relation`, or a SearchError."""
    checked = dict(filters)
    if checked.get("relation") is not None:
        try:
            checked["relation"] = relation_of(str(checked["relation"]))
        except ValueError as exc:
            raise SearchError(str(exc)) from None
    return checked
