"""The one text-sanitising step: what a page may not put into any field of a Document.

C0 and C1 control characters other than newline and tab (``\\x1b`` of a terminal
escape, ``\\x07``), DEL, lone surrogates and the non-characters U+FFFE/U+FFFF are
removed from the title and every other text of a Document at normalise time, so no
stored text can break an XML feed or a terminal. Renderers escape again as a
second line; this is the first.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any

from store.model import Document
from store.textchars import ILLEGAL

__all__ = ["ILLEGAL", "clean", "sanitise"]


def clean(text: str) -> str:
    """``text`` without control characters (but ``\\n`` and ``\\t``) and XML-illegal code points."""
    return ILLEGAL.sub("", text)


def sanitise(doc: Document) -> Document:
    """Every text of ``doc`` cleaned in place: its fields, and strings inside its lists and dicts."""
    for spec in fields(doc):
        setattr(doc, spec.name, _cleaned(getattr(doc, spec.name)))
    return doc


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value) if ILLEGAL.search(value) else value
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value
