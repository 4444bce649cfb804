"""Plan clauses ↔ document clauses: exact matches first, then fuzzy pairs, then moves.

1. **Chain** (``chain.py``): clauses with equal folded keys, in order (patience diff: keys unique on
   both sides anchor a longest increasing subsequence, gaps are solved recursively).
2. **Edits in place**: in each gap between two chain anchors, unmatched plan and
   document clauses are paired by character-bigram similarity (Dice ≥ 0.5): ``changed``.
3. **Moves**: remaining clauses whose key appears elsewhere in the document, or that
   are similar enough (Dice ≥ 0.6) to one elsewhere, are ``moved`` — never a
   delete plus an insert.
Candidates come from an inverted bigram index, so the cost follows the number of
similar pairs rather than plan size × document size.
"""
from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from diffing.chain import exact_chain, longest_increasing
from diffing.memo import memoised
from diffing.model import Clause

#: Numbering labels anywhere in a key, and everything that is not a letter or digit:
#: removed for the "same words, cut differently" check between unmatched clauses.
_LABELS_ANYWHERE = re.compile(
    r"\([〇零一二两三四五六七八九十百]+\)|\(\d{1,3}\)|[〇零一二两三四五六七八九十百]+、|(?<![\d.])\d{1,3}\.(?!\d)")
_NOT_WORD = re.compile(r"[^\w%‰]+|_")

CHANGED_MIN = 0.5
MOVED_MIN = 0.6
_MIN_SHARED = 2
_DIRECT = 64  # up to this many clause pairs, compare every pair instead of indexing bigrams
#: Plan clauses sharing the most rare bigrams with a document clause that are scored in full.
_TOP_CANDIDATES = 12
#: Bigrams in more plan clauses than this are too common to find candidates by.
MAX_POSTING = 48
#: Postings one alignment may visit looking for fuzzy partners (a few seconds of work at most).
WORK_BUDGET = 4_000_000
_WIDEN_GAIN = 0.1
#: A duplicated paragraph sits this close (in clauses) to the copy it repeats.
REPEAT_NEAR = 8  # similarity a joined/split neighbour must add to be taken into an edited pair


class Pair(NamedTuple):
    """A plan clause and the document clause it became: equal, changed or moved.

    A pair may span several clauses on either side (``plan_count``/``doc_count``) when
    the same words were only cut into sentences differently (a heading run into its
    paragraph, two sentences joined): such a group is ``equal``.
    """

    kind: str
    plan: int
    doc: int
    similarity: float
    plan_count: int = 1
    doc_count: int = 1

    @property
    def plan_ids(self) -> range:
        """Indices of the plan clauses in this pair."""
        return range(self.plan, self.plan + self.plan_count)

    @property
    def doc_ids(self) -> range:
        """Indices of the document clauses in this pair."""
        return range(self.doc, self.doc + self.doc_count)


@dataclass(frozen=True)
class Alignment:
    """Pairs in document order, unmatched plan clauses, and the document's plan region.

    ``repeated`` are document clauses that say again, word for word, a plan clause
    already found elsewhere in the document (a page that duplicates a paragraph): they
    are neither added text nor a change to the plan.
    """

    pairs: list[Pair]
    removed: list[int]
    unmatched_doc: list[int]
    region: tuple[int, int] | None
    repeated: tuple[int, ...] = ()
    bounded: bool = False  # the fuzzy pairing ran out of its work budget: a coarser alignment
    in_articles: frozenset[int] = frozenset()  # unpaired clauses inside an article the plan has

    def inside(self, doc_index: int) -> bool:
        """Whether a document clause lies within the span of text that matches the plan, or
        inside one of the plan's articles (a sentence added at the end of the last article)."""
        return (self.region is not None and self.region[0] <= doc_index <= self.region[1]) or (
            doc_index in self.in_articles)


@memoised(maxsize=16384)
def loose(key: str) -> str:
    """A key without numbering labels and punctuation: equal loose keys differ only in layout."""
    return _NOT_WORD.sub("", _LABELS_ANYWHERE.sub("", key))


@memoised(maxsize=16384)
def bigrams(key: str) -> frozenset[tuple[str, ...]]:
    """Character bigrams of a folded key, as pairs (the key itself when shorter than two).

    Pairs of characters, not two-character strings: zipping is faster than slicing
    and concatenating, and only the sets' sizes and overlaps matter.
    """
    if len(key) < 2:
        return frozenset(((key,),)) if key else frozenset()
    return frozenset(zip(key, key[1:], strict=False))


def dice(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Dice coefficient of two bigram sets (1.0 for equal sets, 0.0 when disjoint)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


class _Matcher:
    """State of one alignment: which clauses are taken and how they pair up."""

    def __init__(self, plan: list[Clause], doc: list[Clause]) -> None:
        self.plan, self.doc = plan, doc
        chain = exact_chain([c.key for c in plan], [c.key for c in doc])
        new = tuple.__new__  # straight to C: one equal pair per chained clause
        self.pairs: dict[int, Pair] = {i: new(Pair, ("equal", i, j, 1.0, 1, 1)) for i, j in chain}
        self.plan_taken: set[int] = {i for i, _ in chain}
        self.doc_taken: set[int] = {j for _, j in chain}
        # Clauses only ever get taken, never released: later scans filter these short lists.
        self._free_plan = [i for i, c in enumerate(plan) if c.key and i not in self.plan_taken]
        self._free_doc = [j for j, c in enumerate(doc) if c.key and j not in self.doc_taken]
        self.anchor_plan = [i for i, _ in chain]
        self.anchor_doc = [j for _, j in chain]
        self.work = 0
        self.bounded = False

    def _take(self, pair: Pair) -> None:
        self.pairs[pair.plan] = pair
        self.plan_taken.update(pair.plan_ids)
        self.doc_taken.update(pair.doc_ids)

    def free_plan(self) -> list[int]:
        """Plan clauses with content that are not paired yet."""
        self._free_plan = [i for i in self._free_plan if i not in self.plan_taken]
        return list(self._free_plan)

    def free_doc(self, allowed: range | None = None) -> list[int]:
        """Document clauses with content that are not paired yet (within ``allowed``)."""
        self._free_doc = [j for j in self._free_doc if j not in self.doc_taken]
        return [j for j in self._free_doc if allowed is None or j in allowed]

    def gap_of_plan(self, i: int) -> int:
        """Which gap between chain anchors a plan clause sits in."""
        return bisect_left(self.anchor_plan, i)

    def gap_of_doc(self, j: int) -> int:
        """Which gap between chain anchors a document clause sits in."""
        return bisect_left(self.anchor_doc, j)

    def candidates(self, plan_ids: list[int], doc_ids: list[int], floor: float) -> list[tuple[float, int, int]]:
        """(similarity, plan, doc) for pairs sharing bigrams, best first, at least ``floor``.

        Bigrams held by more than ``MAX_POSTING`` plan clauses (的规, 规定, 应当 …) say
        little about which clause is which and would make the work grow with plan size
        × document size, so candidates are found through the rarer bigrams, then scored
        on all of them. The work has a budget (``WORK_BUDGET`` postings visited per
        alignment); when it runs out, the remaining clauses get no fuzzy partner and the
        alignment is marked ``bounded`` (a coarser diff, with a note).
        """
        if len(plan_ids) * len(doc_ids) <= _DIRECT:
            return self._direct(plan_ids, doc_ids, floor)
        index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in plan_ids:
            for gram in bigrams(self.plan[i].key):
                index[gram].append(i)
        rare = {gram: ids for gram, ids in index.items() if len(ids) <= MAX_POSTING}
        found: list[tuple[float, int, int]] = []
        for j in doc_ids:
            if self.work > WORK_BUDGET:
                self.bounded = True
                break
            grams = bigrams(self.doc[j].key)
            shared: dict[int, int] = {}
            for gram in grams:
                ids = rare.get(gram)
                if ids:
                    self.work += len(ids)
                    for i in ids:
                        shared[i] = shared.get(i, 0) + 1
            best = heapq.nlargest(_TOP_CANDIDATES, shared.items(), key=itemgetter(1)) if len(shared) > \
                _TOP_CANDIDATES else shared.items()
            for i, common in best:
                if common < _MIN_SHARED and len(grams) > 1:
                    continue
                other = bigrams(self.plan[i].key)
                score = 2 * len(grams & other) / (len(other) + len(grams))
                if score >= floor:
                    found.append((score, i, j))
        found.sort(key=lambda t: (-t[0], t[1], t[2]))
        return found

    def _direct(self, plan_ids: list[int], doc_ids: list[int], floor: float) -> list[tuple[float, int, int]]:
        """``candidates`` for a handful of clauses: every pair, set intersections in C."""
        found: list[tuple[float, int, int]] = []
        for j in doc_ids:
            grams = bigrams(self.doc[j].key)
            for i in plan_ids:
                other = bigrams(self.plan[i].key)
                common = len(grams & other)
                score = 2 * common / (len(grams) + len(other)) if grams and other else 0.0
                if score >= floor and (common >= _MIN_SHARED or score == 1.0):
                    found.append((score, i, j))
        found.sort(key=lambda t: (-t[0], t[1], t[2]))
        return found

    def regroup(self) -> None:
        """Pair runs of unmatched clauses whose words are the same but cut differently.

        Works outward from the chain anchors on each side of every gap, so a repost's
        lead before the plan is never swallowed.
        """
        lo, ld = _LooseKeys(self.plan), _LooseKeys(self.doc)
        gaps: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i in self.free_plan():
            gaps[self.gap_of_plan(i)][0].append(i)
        for j in self.free_doc():
            gaps[self.gap_of_doc(j)][1].append(j)
        last = len(self.anchor_plan)
        for gap, (plan_ids, doc_ids) in gaps.items():
            if gap != 0 or last == 0:
                self._group_run(plan_ids, doc_ids, lo, ld, forward=True)
            if gap != last:
                self._group_run(plan_ids, doc_ids, lo, ld, forward=False)

    def _group_run(self, plan_ids: list[int], doc_ids: list[int], lo: dict[int, str], ld: dict[int, str],
                   *, forward: bool) -> None:
        ps = [i for i in (plan_ids if forward else plan_ids[::-1]) if i not in self.plan_taken]
        ds = [j for j in (doc_ids if forward else doc_ids[::-1]) if j not in self.doc_taken]
        i = j = 0
        while i < len(ps) and j < len(ds):
            group = _grow(ps[i:], ds[j:], lo, ld, forward)
            if group is None:
                return
            took_p, took_d = group
            chosen_p, chosen_d = sorted(ps[i:i + took_p]), sorted(ds[j:j + took_d])
            self._take(Pair("equal", chosen_p[0], chosen_d[0], 1.0,
                            chosen_p[-1] - chosen_p[0] + 1, chosen_d[-1] - chosen_d[0] + 1))
            i, j = i + took_p, j + took_d

    def edits_in_place(self) -> None:
        """Pair unmatched clauses that sit in the same gap between chain anchors.

        Only pairs within one gap can be taken, so candidates are scored gap by gap (a
        moved section leaves plan clauses in one gap and document clauses in another:
        nothing to score) and then taken best first across all gaps.
        """
        gaps: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i in self.free_plan():
            gaps[self.gap_of_plan(i)][0].append(i)
        for j in self.free_doc():
            if self._near_chain(j):
                gaps[self.gap_of_doc(j)][1].append(j)
        found = [c for plan_ids, doc_ids in gaps.values() if plan_ids and doc_ids
                 for c in self.candidates(plan_ids, doc_ids, CHANGED_MIN)]
        found.sort(key=lambda t: (-t[0], t[1], t[2]))
        chosen: list[Pair] = []
        for score, i, j in found:
            if i in self.plan_taken or j in self.doc_taken:
                continue
            pair = Pair("equal" if score == 1.0 and self.plan[i].key == self.doc[j].key else "changed", i, j, score)
            self._take(pair)
            chosen.append(pair)
        self._demote_crossings(chosen)

    def widen_edits(self) -> None:
        """Edited sentences that were also joined or split: pair them as one group.

        "A。B。" edited into "A，并B。" first pairs A with the joined sentence and leaves B
        removed; taking B in too is kept when it raises the similarity clearly.
        """
        for pair in [p for p in self.pairs.values() if p.kind == "changed" and p.plan_count == p.doc_count == 1]:
            best = max(self._widenings(pair), key=lambda p: p.similarity, default=pair)
            if best.similarity >= pair.similarity + _WIDEN_GAIN:
                del self.pairs[pair.plan]
                self._take(best)

    def _widenings(self, pair: Pair) -> list[Pair]:
        options = []
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            i, j = pair.plan + di, pair.doc + dj
            free = (0 <= i < len(self.plan) and 0 <= j < len(self.doc)
                    and (i == pair.plan or (i not in self.plan_taken and self.plan[i].key))
                    and (j == pair.doc or (j not in self.doc_taken and self.doc[j].key)))
            if not free:
                continue
            plan_ids = range(min(i, pair.plan), max(i, pair.plan) + 1)
            doc_ids = range(min(j, pair.doc), max(j, pair.doc) + 1)
            score = dice(bigrams("".join(self.plan[k].key for k in plan_ids)),
                         bigrams("".join(self.doc[k].key for k in doc_ids)))
            options.append(Pair("changed", plan_ids[0], doc_ids[0], score, len(plan_ids), len(doc_ids)))
        return options

    def _near_chain(self, j: int) -> bool:
        """Inside the chain's span, or just before/after it by as many clauses as the plan has there."""
        if not self.anchor_doc:
            return True
        first, last = self.anchor_doc[0], self.anchor_doc[-1]
        head = self.anchor_plan[0]
        tail = len(self.plan) - 1 - self.anchor_plan[-1]
        return first - head - 1 <= j <= last + tail + 1

    def _demote_crossings(self, chosen: list[Pair]) -> None:
        """Pairs of one gap that cross each other: the shorter order wins, others are moves."""
        by_gap: dict[int, list[Pair]] = defaultdict(list)
        for pair in chosen:
            by_gap[self.gap_of_plan(pair.plan)].append(pair)
        for pairs in by_gap.values():
            ordered = sorted((p.plan, p.doc) for p in pairs)
            keep = set(longest_increasing(ordered))
            for pair in pairs:
                if (pair.plan, pair.doc) not in keep:
                    self.pairs[pair.plan] = Pair("moved", pair.plan, pair.doc, pair.similarity)

    def moves(self, *, fuzzy: bool = True) -> None:
        """Clauses found elsewhere in the document: exact keys first, then (``fuzzy``) similar ones."""
        free_by_key: dict[str, list[int]] = defaultdict(list)
        for j in self.free_doc():
            free_by_key[self.doc[j].key].append(j)
        for i in self.free_plan():
            spots = free_by_key.get(self.plan[i].key)
            if spots:
                self._take(Pair("moved", i, spots.pop(0), 1.0))
        if not fuzzy:
            return
        region = self.region()
        allowed = range(region[0], region[1] + 1) if region else None
        for score, i, j in self.candidates(self.free_plan(), self.free_doc(allowed), MOVED_MIN):
            if i not in self.plan_taken and j not in self.doc_taken:
                self._take(Pair("moved", i, j, score))

    def region(self) -> tuple[int, int] | None:
        """First and last document clause paired with plan text, if any."""
        docs = [p.doc for p in self.pairs.values()]
        return (min(docs), max(docs)) if docs else None

    def result(self) -> Alignment:
        """The finished alignment."""
        pairs = sorted(self.pairs.values(), key=lambda p: p.doc)
        removed = self.free_plan()
        free_doc = self.free_doc()
        region = self.region()
        low, high = region if region else (0, -1)
        copies = self._paired_copies(free_doc)
        unmatched: list[int] = []
        repeated: list[int] = []
        for j in free_doc:
            (repeated if low <= j <= high and self._repeats(j, copies) else unmatched).append(j)
        return Alignment(pairs, removed, unmatched, region, tuple(repeated), self.bounded,
                         self._in_articles(unmatched))

    def _in_articles(self, unmatched: list[int]) -> frozenset[int]:
        """Unpaired document clauses whose article (a 第X条 section) also holds paired clauses.

        Before the first or after the last paired clause a clause is usually a repost's
        lead or footer; inside a numbered article of the plan's text it is not.
        """
        if not unmatched:
            return frozenset()
        articles = {self.doc[j].section for j in self.doc_taken if "条" in self.doc[j].section}
        return frozenset(j for j in unmatched if self.doc[j].section in articles)

    def _paired_copies(self, free_doc: list[int]) -> dict[str, list[int]]:
        """Paired document clauses by key, for the keys some unpaired clause has."""
        wanted = {self.doc[j].key for j in free_doc}
        copies: dict[str, list[int]] = defaultdict(list)
        for j in self.doc_taken:
            if self.doc[j].key in wanted:
                copies[self.doc[j].key].append(j)
        return copies

    def _repeats(self, j: int, copies: dict[str, list[int]]) -> bool:
        """Whether an unpaired clause only says again what a paired clause close by says.

        A page that duplicates a paragraph repeats it next to the original, in the same
        section. The same words in another section (a law's 情节严重的，处三年以上七年以下
        有期徒刑 added to one more article) are new wording there: an addition.
        """
        clause = self.doc[j]
        return any(abs(j - k) <= REPEAT_NEAR and self.doc[k].section == clause.section
                   for k in copies.get(clause.key, ()))


class _LooseKeys(dict):
    """Loose keys of clauses by index, computed on first use: a gap with clauses on one
    side only (a moved section, a lead) never needs them."""

    def __init__(self, clauses: list[Clause]) -> None:
        super().__init__()
        self.clauses = clauses

    def __missing__(self, index: int) -> str:
        value = self[index] = loose(self.clauses[index].key)
        return value


def _grow(ps: list[int], ds: list[int], lo: dict[int, str], ld: dict[int, str],
          forward: bool) -> tuple[int, int] | None:
    """How many clauses from each side make the same loose text, or None."""
    a, b = lo[ps[0]], ld[ds[0]]
    took_p = took_d = 1
    while a != b:
        if len(a) < len(b) and took_p < len(ps) and (b.startswith(a) if forward else b.endswith(a)):
            nxt = lo[ps[took_p]]
            a, took_p = (a + nxt if forward else nxt + a), took_p + 1
        elif len(b) < len(a) and took_d < len(ds) and (a.startswith(b) if forward else a.endswith(b)):
            nxt = ld[ds[took_d]]
            b, took_d = (b + nxt if forward else nxt + b), took_d + 1
        else:
            return None
    while took_p < len(ps) and not lo[ps[took_p]]:
        took_p += 1
    while took_d < len(ds) and not ld[ds[took_d]]:
        took_d += 1
    return took_p, took_d


def align(plan: list[Clause], doc: list[Clause]) -> Alignment:
    """Align plan clauses with document clauses (see the module docstring for the steps).

    Two large texts that share almost no sentence (``mostly_unrelated``) skip the fuzzy
    pairing: its answer would be a few chance pairs, at a cost that grows with the
    product of their sizes. The alignment is then ``bounded`` (exact matches only).
    """
    matcher = _Matcher(plan, doc)
    matcher.regroup()
    if mostly_unrelated(len(plan), len(doc), len(matcher.plan_taken)):
        matcher.bounded = True
    else:
        matcher.edits_in_place()
        matcher.widen_edits()
    matcher.moves(fuzzy=not matcher.bounded)
    return matcher.result()


#: From this many clauses on both sides together, a text pair is large enough to check.
LARGE_PAIR = 4000
#: Share of the smaller text's clauses found word for word below which two large texts
#: are mostly unrelated (a revision keeps most sentences; a 5%-edited one keeps ~90%).
UNRELATED_SHARE = 0.1


def mostly_unrelated(plan_clauses: int, doc_clauses: int, exact: int) -> bool:
    """Whether two large texts share so few sentences that fuzzy pairing is not worth its cost."""
    return plan_clauses + doc_clauses >= LARGE_PAIR and exact < UNRELATED_SHARE * min(plan_clauses, doc_clauses)
