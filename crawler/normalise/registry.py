"""The normaliser registry: small classes, one per page kind, chosen by content.

Follows urlwatch's habit: each class registers itself, ``kind`` names it and the
class docstring is the help text ``policywatch normalise --help`` shows.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from enum import StrEnum
from typing import ClassVar

from crawler.normalise.errors import NormaliseError
from store.model import Document


class PageKind(StrEnum):
    """The page kinds, in the order they are tried when scores tie; each is one module here."""

    WECHAT = "wechat"
    MIIT = "miit"
    EXPORT = "export"
    GOV = "gov"
    GENERIC = "generic"


#: Every page kind's value, in the order they are tried (choices of ``policywatch normalise --kind``).
KINDS: tuple[str, ...] = tuple(kind.value for kind in PageKind)

#: A detect score this high ends the search (saves scanning 3 MB pages again).
CERTAIN = 0.95

#: The reader of last resort: it reads any page, so it is tried after every other.
FALLBACK = PageKind.GENERIC

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


def candidates(text: str, url: str | None) -> Iterator[Normaliser]:
    """Normalisers to try on a page, most plausible first, always ending with ``generic``.

    A score of ``CERTAIN`` is tried before the others are even scored (scanning a
    3 MB page once more is the cost avoided); kinds scoring 0 are never tried,
    except the generic reader, which reads anything and so comes last.
    """
    if not _REGISTRY:
        raise NormaliseError("no normalisers registered")
    scored: list[tuple[float, int, Normaliser]] = []
    first: str | None = None
    for order, cls in enumerate(_REGISTRY.values()):
        normaliser = cls()
        if first is not None:
            scored.append((-1.0, order, normaliser))
            continue
        score = normaliser.detect(text, url)
        if score >= CERTAIN:
            first = normaliser.kind
            yield normaliser
        else:
            scored.append((score, order, normaliser))
    scored = [(n.detect(text, url) if s < 0 else s, order, n) for s, order, n in scored]
    scored.sort(key=lambda item: (-item[0], item[1]))
    for score, _, normaliser in scored:
        if score > 0 and normaliser.kind != FALLBACK:
            yield normaliser
    if first != FALLBACK and FALLBACK in _REGISTRY:
        yield _REGISTRY[FALLBACK]()


def help_texts() -> dict[str, str]:
    """kind → first paragraph of the class docstring (user-facing help)."""
    load_all()
    return {kind: " ".join((_REGISTRY[kind].__doc__ or "").split("\n\n")[0].replace("``", "").split())
            for kind in KINDS if kind in _REGISTRY}
