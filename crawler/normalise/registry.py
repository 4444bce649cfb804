"""The normaliser registry: small classes, one per page kind, chosen by content.

Follows urlwatch's habit: each class registers itself, ``kind`` names it and the
class docstring is the help text ``policywatch normalise --help`` shows.
"""
from __future__ import annotations

import importlib
from typing import ClassVar

from crawler.normalise.errors import NormaliseError
from store.model import Document

#: The page kinds, in the order they are tried when scores tie.
KINDS: tuple[str, ...] = ("wechat", "miit", "export", "generic")

#: A detect score this high ends the search (saves scanning 3 MB pages again).
CERTAIN = 0.95

_REGISTRY: dict[str, type[Normaliser]] = {}


def load_all() -> None:
    """Import every kind's module so that it registers (on first use, not at import time)."""
    for kind in KINDS:
        importlib.import_module(f"crawler.normalise.{kind}")


class Normaliser:
    """Base class: ``detect`` scores how well a page fits, ``parse`` builds the Document."""

    kind: ClassVar[str] = ""

    def detect(self, text: str, url: str | None) -> float:
        """0.0 (not mine) … 1.0 (certainly mine); cheap substring checks only."""
        raise NotImplementedError

    def parse(self, text: str, *, url: str | None, headers: dict[str, str]) -> Document:
        """Build the Document (no outline or content hash; the caller adds those)."""
        raise NotImplementedError


def register(cls: type[Normaliser]) -> type[Normaliser]:
    """Class decorator: make a normaliser available under its ``kind``."""
    _REGISTRY[cls.kind] = cls
    return cls


def get(kind: str) -> Normaliser:
    """The normaliser for ``kind``; NormaliseError names the known kinds otherwise."""
    try:
        return _REGISTRY[kind]()
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise NormaliseError(f"unknown kind {kind!r} (known: {known})") from None


def choose(text: str, url: str | None) -> Normaliser:
    """The registered normaliser whose ``detect`` scores highest (registration order breaks ties)."""
    best, best_score = None, -1.0
    for cls in _REGISTRY.values():
        normaliser = cls()
        score = normaliser.detect(text, url)
        if score > best_score:
            best, best_score = normaliser, score
        if score >= CERTAIN:
            break
    if best is None:
        raise NormaliseError("no normalisers registered")
    return best


def help_texts() -> dict[str, str]:
    """kind → first paragraph of the class docstring (user-facing help)."""
    load_all()
    return {kind: " ".join((_REGISTRY[kind].__doc__ or "").split("\n\n")[0].replace("``", "").split())
            for kind in KINDS if kind in _REGISTRY}
