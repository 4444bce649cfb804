"""Screening one document against hundreds of tracked plans without touching each plan.

:func:`diffing.screen.screen` intersects the document's shingles with every plan's: its
cost grows with the number of plans (≈ 0.3 ms per plan of 3,700 characters), too slow
once every official plan is tracked by itself. :class:`ScreenIndex` keeps a *winnowed*
fingerprint set per plan (Schleimer, Wilkerson & Aiken, "Winnowing", SIGMOD 2003: the
minimum shingle hash of every window of ``WINDOW`` consecutive shingles) in one dict
from fingerprint to plans. A document's shingles are looked up there once; only the
plans found (plus those whose title the document names) go through ``screen`` itself,
so the shares and the hit list are exactly ``screen``'s for those plans.

Guarantee (winnowing's): a plan sharing a run of at least ``2 * WINDOW + SHINGLE - 1``
(55) characters of loose key with the document, or two runs of ``WINDOW + SHINGLE - 1``
(31), holds ``MIN_HITS`` fingerprints of it and is a candidate, unless they are
boilerplate (found in more than ``BOILERPLATE_SHARE`` of the plans: phrases every plan
uses say nothing about which plan a document copies). A plan whose only
common text is shorter scattered phrases is not, unless the document names its title.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from diffing.align import loose
from diffing.screen import MIN_SHARE, SHINGLE, PlanIndex, ScreenHit, screen
from diffing.textnorm import fold

#: Shingles per winnowing window: runs of WINDOW + SHINGLE - 1 = 31 characters are always found.
WINDOW = 24
#: A fingerprint in more than this share of the plans (and more than BOILERPLATE_MIN plans) is
#: boilerplate (到2027年达到…, 各地工业和信息化主管部门): it names no plan in particular.
BOILERPLATE_SHARE = 0.05
BOILERPLATE_MIN = 4
#: Fingerprints a plan must share with a document to be a candidate (one shared number like
#: "30年达到123" is chance; a copied passage shares one fingerprint per ~12 characters).
MIN_HITS = 2


def _hashes(key: str) -> list[int]:
    """The hashes of a loose key's shingles, in order (as ``diffing.screen.shingles`` hashes them)."""
    if len(key) < SHINGLE:
        return [hash(key)] if key else []
    return [hash(key[i:i + SHINGLE]) for i in range(len(key) - SHINGLE + 1)]


def winnow(hashes: list[int], window: int = WINDOW) -> set[int]:
    """The minimum hash of every window of ``window`` consecutive hashes (all of them when fewer)."""
    if len(hashes) <= window:
        return set(hashes)
    return {min(hashes[i:i + window]) for i in range(len(hashes) - window + 1)}


@dataclass(frozen=True)
class Prepared:
    """One plan ready for a :class:`ScreenIndex`: its ``PlanIndex`` and winnowed fingerprints.

    Build it once per plan version (:meth:`build`) and keep it: a ScreenIndex of many plans
    is then rebuilt from these in milliseconds when a plan is added or changes.
    """

    plan: PlanIndex
    fingerprints: frozenset[int]

    @classmethod
    def build(cls, name: str, body: str, title: str = "") -> Prepared:
        """Index one plan's body (and title) for screening."""
        return cls(PlanIndex.build(name, body, title), frozenset(winnow(_hashes(loose(fold(body))))))


class ScreenIndex:
    """Tracked plans prepared for screening many at once: one dict from fingerprint to plans."""

    def __init__(self, plans: Iterable[Prepared] = ()) -> None:
        self._plans: list[PlanIndex] = []
        self._fingerprints: dict[int, int | list[int]] = {}
        for prepared in plans:
            self.add(prepared)

    def __len__(self) -> int:
        return len(self._plans)

    def add(self, prepared: Prepared) -> None:
        """Add one prepared plan."""
        position = len(self._plans)
        self._plans.append(prepared.plan)
        for fingerprint in prepared.fingerprints:
            known = self._fingerprints.get(fingerprint)
            if known is None:
                self._fingerprints[fingerprint] = position
            elif isinstance(known, list):
                known.append(position)
            else:
                self._fingerprints[fingerprint] = [known, position]

    def candidates(self, doc_key: str) -> list[PlanIndex]:
        """The plans sharing a fingerprint with the document's loose key, or named (by title) in it."""
        found: Counter[int] = Counter()
        lookup = self._fingerprints.get
        boilerplate = max(BOILERPLATE_MIN, int(len(self._plans) * BOILERPLATE_SHARE))
        for shingle in set(_hashes(doc_key)):
            known = lookup(shingle)
            if known is None:
                continue
            if isinstance(known, list):
                if len(known) <= boilerplate:
                    found.update(known)
            else:
                found[known] += 1
        chosen = {i for i, hits in found.items() if hits >= MIN_HITS}
        chosen.update(i for i, plan in enumerate(self._plans) if len(plan.title) >= 4 and plan.title in doc_key)
        return [self._plans[i] for i in sorted(chosen)]

    def screen(self, doc: str, *, min_share: float = MIN_SHARE) -> list[ScreenHit]:
        """``diffing.screen.screen`` over the candidate plans only: same hits, best first."""
        plans = self.candidates(loose(fold(doc)))
        return screen(plans, doc, min_share=min_share) if plans else []
