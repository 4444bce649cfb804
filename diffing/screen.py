"""Cheap screening of one document against many tracked plans, before the full compare.

``PlanIndex.build`` turns a plan into a set of hashed 8-character shingles of its loose
key (folded, without punctuation or numbering labels), once per plan version. ``screen``
folds the document once and, per plan, intersects two sets: the share of the plan's
shingles found in the document (``plan_share`` — high for reposts, revisions, excerpts)
and the share of the document's shingles that are plan text (``doc_share`` — high for
an excerpt even when it is a small part of the plan). Containment, not similarity: a
commentary quoting a few clauses has a small Jaccard index but a clear ``plan_share``.
Cost: linear in the document's length plus one set intersection per plan.
Shingle hashes use Python's ``hash`` and are only valid within one process.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from diffing.align import loose
from diffing.textnorm import fold

SHINGLE = 8
#: A plan is a hit when either share reaches this, or when the document names the plan.
MIN_SHARE = 0.02


def shingles(key: str) -> frozenset[int]:
    """Hashed character shingles of a loose key (``loose(fold(text))``)."""
    if len(key) < SHINGLE:
        return frozenset((hash(key),)) if key else frozenset()
    return frozenset(hash(key[i:i + SHINGLE]) for i in range(len(key) - SHINGLE + 1))


@dataclass(frozen=True)
class PlanIndex:
    """A tracked plan prepared for screening: its name, title and shingle set."""

    name: str
    title: str
    shingles: frozenset[int]

    @classmethod
    def build(cls, name: str, body: str, title: str = "") -> PlanIndex:
        """Index a plan's body (do it once per plan version, not once per document)."""
        return cls(name, loose(fold(title)), shingles(loose(fold(body))))


@dataclass(frozen=True)
class ScreenHit:
    """How much of a plan a document holds, and how much of the document is that plan."""

    name: str
    plan_share: float
    doc_share: float
    cites_title: bool

    @property
    def score(self) -> float:
        """The larger of the two shares: what the hit list is sorted by."""
        return max(self.plan_share, self.doc_share)


def screen(plans: Iterable[PlanIndex], doc: str, *, min_share: float = MIN_SHARE) -> list[ScreenHit]:
    """The plans worth a full ``compare`` with ``doc``, best first."""
    doc_key = loose(fold(doc))
    doc_shingles = shingles(doc_key)
    hits: list[ScreenHit] = []
    for plan in plans:
        common = len(plan.shingles & doc_shingles) if plan.shingles and doc_shingles else 0
        hit = ScreenHit(plan.name, common / (len(plan.shingles) or 1), common / (len(doc_shingles) or 1),
                        len(plan.title) >= 4 and plan.title in doc_key)
        if hit.score >= min_share or hit.cites_title:
            hits.append(hit)
    return sorted(hits, key=lambda h: (-h.score, h.name))
