"""``compare(plan, doc)``: the one entry point that turns two texts into a Comparison.

Cut both texts into clauses, align them, read the relation from the scores, and
keep as changes only what that relation makes meaningful: an excerpt does not
"remove" the parts of the plan it never meant to carry, and an interpretation's
commentary is outside the plan, not "added" to it.
"""
from __future__ import annotations

import re

from diffing.align import Alignment, Pair, align, loose
from diffing.articles import article_map, article_of, renumbered_only, splits_and_merges
from diffing.figures import compare_figures, figures_of, may_change_figures
from diffing.inline import inline_diff
from diffing.memo import memoised
from diffing.model import Change, Clause, Comparison, FigureChange, Relation, Row
from diffing.relation import Tally, decide, scores, title_key
from diffing.segment import Parsed, parse
from diffing.targets import compare_targets, implements
from diffing.textnorm import fold
from diffing.titles import SAME_DOCUMENT, title_change

_HANZI_RUN = re.compile(r"[\u4e00-\u9fff]+")


def compare(plan: str, doc: str, *, plan_title: str = "", doc_title: str = "") -> Comparison:
    """Compare a document's full text (lead + body) with a tracked plan's body.

    ``plan_title`` (default: the plan's first line) lets the relation notice a document
    that names the plan; both titles are carried into the renderers. Pure and
    deterministic; parses are memoised, so comparing many documents with one plan
    parses the plan once.
    """
    plan_clauses, doc_clauses = prepare(plan).clauses, parse(doc).clauses
    alignment = align(plan_clauses, doc_clauses)
    title = plan_title or _first_line(plan)
    heading = _title_lines(doc_clauses, alignment, title)
    score = scores(plan_clauses, doc_clauses, alignment, title, heading)
    relation = decide(score, _tally(alignment, heading))
    builder = _RowBuilder(plan_clauses, doc_clauses, alignment, relation, heading, title)
    rows, changes, figures = builder.build()
    if _has_articles(prepare(plan)):
        changes += builder.structure_changes()
    retitled = title_change(plan_title, doc_title) if relation in SAME_DOCUMENT else None
    if relation not in IMPLEMENTATION_NEVER and implements(title, plan, doc_title or _first_line(doc), doc):
        return _implementation(plan, doc, score, rows, plan_title, doc_title)
    if (changes or relation != Relation.IDENTICAL) and _same_words(plan, doc, changes):
        same = _same_key(plan, doc, plan_clauses, doc_clauses, score, plan_title or title, doc_title)
        return _retitled(same, retitled) if retitled else same
    comparison = Comparison(
        relation=relation, similarity=score["similarity"], coverage=score["coverage"],
        containment=score["containment"], changes=changes, figures=figures,
        outside=builder.outside_text(doc), scores=score, rows=rows,
        plan_title=plan_title or title, doc_title=doc_title, notes=builder.notes(),
    )
    return _retitled(comparison, retitled) if retitled else comparison


def _retitled(comparison: Comparison, retitled: tuple[Change, list[FigureChange]]) -> Comparison:
    """The title change first among the changes; a text unchanged but retitled is a revision."""
    change, figures = retitled
    comparison.changes.insert(0, change)
    comparison.figures[:0] = figures
    if comparison.relation == Relation.IDENTICAL:
        comparison.relation = Relation.REVISION
    return comparison


@memoised(maxsize=64)
def prepare(plan: str) -> Parsed:
    """Prepare a tracked plan once: clauses, folded keys, outline, title key, Chinese characters.

    The plan is compared with many documents; ``compare`` calls this, so the plan's
    own work is done once per plan text (memoised). A watcher may call it ahead of the
    first document. Bigrams, loose keys and figures of plan clauses are memoised on
    first use instead: computing them for every clause up front would cost more than
    a whole comparison, and a document touches few of them.
    """
    parsed = parse(plan)
    title_key(_first_line(plan))
    _hanzi(plan)
    return parsed


def _has_articles(parsed: Parsed) -> bool:
    """Whether a text is numbered in articles (第X条), the unit splits and merges are told in."""
    return any(heading.label.endswith("条") for heading in parsed.outline)


#: Relations an implementation never overrides: the plan's own text, complete.
IMPLEMENTATION_NEVER = (Relation.IDENTICAL, Relation.REPOST)


def _implementation(plan: str, doc: str, score: dict[str, float], rows: list[Row], plan_title: str,
                    doc_title: str) -> Comparison:
    """A plan implementing the tracked one: targets compared (figures), not text (no changes)."""
    found = compare_targets(plan, doc)
    return Comparison(relation=Relation.IMPLEMENTATION, similarity=score["similarity"], coverage=score["coverage"],
                      containment=score["containment"], figures=found.figures, scores=score, rows=rows,
                      plan_title=plan_title, doc_title=doc_title, implementation=found.to_dict())


def _same_key(plan: str, doc: str, plan_clauses: list[Clause], doc_clauses: list[Clause],
              score: dict[str, float], plan_title: str, doc_title: str) -> Comparison:
    """Texts whose whole folded keys are equal differ only in formatting, by definition.

    The clause alignment handles re-cut sentences, but when numbering, duplicates and
    lost line breaks combine it can still pair clauses off; equal keys settle it.
    """
    row = Row("equal", "", plan, doc, (), tuple(c.index for c in plan_clauses), tuple(c.index for c in doc_clauses))
    score = dict(score, coverage=1.0, coverage_chars=1.0, exact_coverage=1.0, containment=1.0, purity=1.0,
                 similarity=1.0, outside_share=0.0, outside_chars=0.0)
    return Comparison(relation=Relation.IDENTICAL, similarity=1.0, coverage=1.0, containment=1.0, scores=score,
                      rows=[row], plan_title=plan_title, doc_title=doc_title)


def _same_words(plan: str, doc: str, changes: list[Change]) -> bool:
    """Whether the two texts differ only in formatting (their folded keys are equal).

    Folding leaves Chinese characters alone, so fold-equal texts have the same sequence
    of Chinese characters, and every document clause's characters occur in the plan's
    sequence: one changed or added clause that fails that cheap test settles it
    without folding the whole document.
    """
    plan_hanzi = _hanzi(plan)
    for change in changes:
        if change.doc_text and _hanzi_of(change.doc_text) not in plan_hanzi:
            return False
    return _hanzi(doc) == plan_hanzi and _folded(plan) == fold(doc)


@memoised(maxsize=64)
def _folded(plan: str) -> str:
    """The plan's whole folded text (memoised: only needed when the Chinese characters agree)."""
    return fold(plan)


@memoised(maxsize=64)
def _hanzi(text: str) -> str:
    """The Chinese characters of ``text``, in order (memoised: the plan's is reused)."""
    return _hanzi_of(text)


def _hanzi_of(text: str) -> str:
    return "".join(_HANZI_RUN.findall(text))


@memoised(maxsize=64)
def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _holes(plan: list[Clause], alignment: Alignment) -> list[int]:
    """Plan clauses missing from inside the parts a partial copy carries.

    A clause counts when a clause of its own section was found: a sentence dropped
    from a quoted section is a removal, a section the excerpt never took is not.
    """
    pairs = alignment.pairs
    if not pairs or not alignment.removed:
        return []
    low = min(p.plan for p in pairs)
    high = max(p.plan + p.plan_count for p in pairs) - 1
    sections = {plan[i].section for p in pairs for i in range(p.plan, p.plan + p.plan_count)}
    return [i for i in alignment.removed if low < i < high and plan[i].section in sections]


def _title_lines(doc: list[Clause], alignment: Alignment, plan_title: str) -> frozenset[int]:
    """Unmatched document lines that are the plan's title (folded, without 《》).

    A plain-text plan's first line is often taken as its title and left out of its
    body; the document's copy of that heading is then plan text, not its own.
    """
    key = title_key(plan_title)
    if len(key) < 4 or not alignment.unmatched_doc:  # as ``cites``: a short title is no evidence
        return frozenset()
    return frozenset(j for j in alignment.unmatched_doc if doc[j].key.strip("《》\"") == key)


def _tally(alignment: Alignment, heading: frozenset[int]) -> Tally:
    kinds = [p.kind for p in alignment.pairs]
    return Tally(
        changed=kinds.count("changed"), moved=kinds.count("moved"),
        added=sum(1 for j in alignment.unmatched_doc if alignment.inside(j) and j not in heading),
        removed=len(alignment.removed),
        repeated=len(alignment.repeated),
    )


#: Characters of changed clauses word-diffed per comparison; beyond, changed clauses are shown whole.
INLINE_BUDGET = 2_000_000

#: Share of a quoted clause's characters an edit may delete for it to be a changed quote, not a paraphrase.
ALTERED_QUOTE = 0.2


def _altered_quote(inline: tuple[tuple[str, str], ...]) -> bool:
    """Whether an interpretation's inexact quote is the plan's clause with a small edit.

    A paraphrase rewords much of the clause; a quote with 鼓励 turned into 要求 keeps
    almost all of it and deletes a little: that is a change to the plan's words.
    """
    deleted = sum(len(text) for op, text in inline if op == "delete")
    kept = sum(len(text) for op, text in inline if op == "equal")
    return 0 < deleted <= ALTERED_QUOTE * (kept + deleted)


_new = tuple.__new__  # builds a named tuple in C: most rows are equal clauses


class _RowBuilder:
    """Side-by-side rows in document order, and the changes and figures they carry."""

    def __init__(self, plan: list[Clause], doc: list[Clause], alignment: Alignment, relation: Relation,
                 heading: frozenset[int] = frozenset(), plan_title: str = "") -> None:
        self.plan, self.doc, self.alignment, self.relation = plan, doc, alignment, relation
        self.heading, self.plan_title = (heading, plan_title) if relation != Relation.UNRELATED else (frozenset(), "")
        self.by_doc = {p.doc: p for p in alignment.pairs}
        # Later clauses of grouped pairs (a pair's first clause is in by_doc, which takes precedence).
        self.in_pair = {j for p in alignment.pairs if p.doc_count > 1 for j in range(p.doc + 1, p.doc + p.doc_count)}
        self.repeated = set(alignment.repeated) if relation != Relation.UNRELATED else set()
        self.shown_removed = self._removed_to_show()
        self.outside_runs: list[list[int]] = []
        self._article_map: dict[int, int] | None = None
        self.inline_chars, self.coarse = 0, False
        self._plan_pairs: dict[int, Pair] | None = None
        self._doc_pairs: dict[int, Pair] | None = None

    def _removed_to_show(self) -> list[int]:
        """Removals worth reporting: all for a full copy, only gaps inside an excerpt's quoted sections.

        A partial document never "removes" the plan clauses it did not quote (that
        would list most of the plan); an interpretation quotes selectively by nature.
        """
        if self.relation in (Relation.INTERPRETATION, Relation.UNRELATED):
            return []
        if self.relation == Relation.EXCERPT:
            return _holes(self.plan, self.alignment)
        return list(self.alignment.removed)

    def _reports_added(self, j: int) -> bool:
        """New text is a change inside the plan's span, and in a revision also a numbered part
        outside it (a new chapter heading before the first article); an unnumbered line
        there (an editor's note, an issuing line) is the document's own."""
        if self.relation == Relation.REVISION and self.doc[j].section:
            return True
        return self.relation not in (Relation.INTERPRETATION, Relation.UNRELATED) and self.alignment.inside(j)

    def build(self) -> tuple[list[Row], list[Change], list[FigureChange]]:
        """Walk the document in order: rows, and the changes and figure changes they carry."""
        rows: list[Row] = []
        changes: list[Change] = []
        figures: list[FigureChange] = []
        pending = sorted(self.shown_removed)
        grouped = self.in_pair if self.relation != Relation.UNRELATED else set()
        by_doc = self.by_doc if self.relation != Relation.UNRELATED else {}
        plan = self.plan
        for j, clause in enumerate(self.doc):
            if not clause.key or (j in grouped and j not in by_doc):
                continue
            pair = by_doc.get(j)
            if pair is not None:
                if pending and pair.kind != "moved" and pending[0] < pair.plan:
                    pending = self._flush_removed(pending, pair.plan, rows, changes, figures)
                if pair.kind == "equal" and pair.plan_count == pair.doc_count == 1:  # most rows: inline, cheap
                    same = plan[pair.plan]
                    rows.append(_new(Row, ("equal", same.section, same.text, clause.text, (), (pair.plan,), (j,))))
                else:
                    self._pair_row(pair, rows, changes, figures)
            elif j in self.heading:
                rows.append(Row("equal", "", self.plan_title, clause.text, doc_ids=(j,)))
            elif j in self.repeated:
                rows.append(Row("repeated", clause.section, None, clause.text, doc_ids=(j,)))
            elif self._reports_added(j):
                self._single_row("added", j, rows, changes, figures)
            else:
                if rows and rows[-1].kind == "outside":
                    self.outside_runs[-1].append(j)
                else:
                    self.outside_runs.append([j])
                rows.append(Row("outside", clause.section, None, clause.text, doc_ids=(j,)))
        self._flush_removed(pending, len(self.plan), rows, changes, figures)
        return rows, changes, figures

    def _flush_removed(self, pending: list[int], before: int, rows: list[Row], changes: list[Change],
                       figures: list[FigureChange]) -> list[int]:
        while pending and pending[0] < before:
            self._single_row("removed", pending.pop(0), rows, changes, figures)
        return pending

    def _single_row(self, kind: str, index: int, rows: list[Row], changes: list[Change],
                    figures: list[FigureChange]) -> None:
        clause = (self.plan if kind == "removed" else self.doc)[index]
        plan_text = clause.text if kind == "removed" else None
        doc_text = clause.text if kind == "added" else None
        ids = (index,)
        other = self._counterpart_section(kind, index)
        section, doc_section = (clause.section, other) if kind == "removed" else (other, clause.section)
        rows.append(Row(kind, section, plan_text, doc_text,
                        plan_ids=ids if kind == "removed" else (), doc_ids=ids if kind == "added" else ()))
        changes.append(Change(kind, section, plan_text, doc_text, similarity=0.0, doc_section=doc_section,
                              plan_index=index if kind == "removed" else None,
                              doc_index=index if kind == "added" else None))
        figures.extend(figures_of(clause.text, kind, clause.section))

    def _inline(self, plan_text: str, doc_text: str) -> tuple[tuple[str, str], ...]:
        """The word diff of a changed pair, until ``INLINE_BUDGET`` characters have been diffed.

        Past the budget (tens of thousands of changed clauses between two unrelated
        megabyte texts) a pair is shown whole, deleted and inserted: a coarser diff,
        noted in the comparison, instead of minutes of word diffs.
        """
        self.inline_chars += len(plan_text) + len(doc_text)
        if self.inline_chars <= INLINE_BUDGET:
            return tuple(inline_diff(plan_text, doc_text))
        self.coarse = True
        return (("delete", plan_text), ("insert", doc_text))

    def notes(self) -> list[str]:
        """What was simplified to keep the comparison's cost bounded (empty for almost every pair)."""
        out = []
        if self.alignment.bounded:
            out.append("the texts share few sentences: clauses were paired only where they are equal")
        if self.coarse:
            out.append(f"more than {INLINE_BUDGET:,} characters changed: later changed clauses are shown whole")
        return out

    def _counterpart_section(self, kind: str, index: int) -> str:
        """The section an added (removed) clause's place has in the other text's numbering.

        A neighbour in the same section that was paired tells how that section is
        numbered on the other side (an article renumbered 第四十五条 → 第四十二条).
        Without one, an addition keeps its own section and a removal has none (its
        section may be gone from the document).
        """
        side, pairs_by = (self.plan, self.plan_pairs) if kind == "removed" else (self.doc, self.doc_pairs)
        own = side[index].section
        for step in (-1, 1):
            k = index + step
            while 0 <= k < len(side) and side[k].section == own:
                if (pair := pairs_by.get(k)) is not None:
                    return (self.doc[pair.doc] if kind == "removed" else self.plan[pair.plan]).section
                k += step
        return own if kind == "added" else ""

    @property
    def plan_pairs(self) -> dict[int, Pair]:
        """Pairs by each plan clause they hold (built on first use: only removals need it)."""
        if self._plan_pairs is None:
            self._plan_pairs = {i: p for p in self.alignment.pairs for i in p.plan_ids}
        return self._plan_pairs

    @property
    def doc_pairs(self) -> dict[int, Pair]:
        """Pairs by each document clause they hold (built on first use: only additions need it)."""
        if self._doc_pairs is None:
            self._doc_pairs = {j: p for p in self.alignment.pairs for j in p.doc_ids}
        return self._doc_pairs

    def _pair_row(self, pair: Pair, rows: list[Row], changes: list[Change], figures: list[FigureChange]) -> None:
        plan_text = self._join(self.plan, pair.plan_ids)
        doc_text = self._join(self.doc, pair.doc_ids)
        section = self.plan[pair.plan].section
        doc_section = self.doc[pair.doc].section
        kind = self._kind(pair)
        if kind == "changed" and self._renumbered(section, doc_section, plan_text, doc_text):
            kind = "renumbered"
        inline = self._inline(plan_text, doc_text) if kind != "equal" and pair.similarity < 1.0 else ()
        found = (compare_figures(plan_text, doc_text, section)
                 if inline and kind != "renumbered" and may_change_figures(inline) else [])
        if kind == "changed" and self.relation == Relation.INTERPRETATION and not found and not _altered_quote(inline):
            kind = "paraphrase"
        rows.append(Row(kind, section, plan_text, doc_text, inline, tuple(pair.plan_ids), tuple(pair.doc_ids)))
        if kind in ("equal", "paraphrase"):
            return
        changes.append(Change(kind, section, plan_text, doc_text, inline, pair.similarity, doc_section,
                              pair.plan, pair.doc))
        figures.extend(found)

    def article_map(self) -> dict[int, int]:
        """Old article number → new (from the clauses that stayed equal), computed on first use."""
        if self._article_map is None:
            plan, doc = self.plan, self.doc
            self._article_map = article_map((plan[p.plan].section, doc[p.doc].section) for p in self.alignment.pairs
                                            if p.kind == "equal" and p.plan_count == p.doc_count == 1)
        return self._article_map

    def _renumbered(self, section: str, doc_section: str, plan_text: str, doc_text: str) -> bool:
        """Whether a changed pair only follows the renumbering (its own label included)."""
        if "条" not in plan_text:
            return False
        mapping = self.article_map()
        plan_article, doc_article = article_of(section), article_of(doc_section)
        if plan_article is not None and doc_article is not None:
            mapping = {**mapping, plan_article: doc_article}
        return renumbered_only(plan_text, doc_text, mapping)

    def structure_changes(self) -> list[Change]:
        """Splits and merges of articles, for relations that carry the whole plan."""
        if self.relation in (Relation.INTERPRETATION, Relation.EXCERPT, Relation.UNRELATED):
            return []
        pairs = ((i, j) for p in self.alignment.pairs for i, j in zip(p.plan_ids, p.doc_ids, strict=False))
        return splits_and_merges(self.plan, self.doc, pairs)

    def _kind(self, pair: Pair) -> str:
        """The row kind of a pair under this relation.

        A clause whose words are unchanged (only punctuation differs) is equal. A
        commentary or excerpt that quotes a clause inside its own sentence
        ("文件写明：……") carries the clause unchanged, and quoting out of order is
        not a move. Paraphrases in an interpretation are shown but only reported when
        a figure differs.
        """
        if pair.kind == "changed" and all(len(ids) == 1 for ids in (pair.plan_ids, pair.doc_ids)) and (
                loose(self.plan[pair.plan].key) == loose(self.doc[pair.doc].key)):
            return "equal"
        if self.relation not in (Relation.INTERPRETATION, Relation.EXCERPT):
            return pair.kind
        plan_key = self.plan[pair.plan].key
        if pair.similarity == 1.0 or (pair.plan_count == 1 and plan_key in self.doc[pair.doc].key):
            return "equal"
        return "changed"

    @staticmethod
    def _join(clauses: list[Clause], ids: range) -> str:
        return "".join(clauses[i].text for i in ids)

    def outside_text(self, doc: str) -> list[str]:
        """Runs of outside clauses with no plan text between them, as the document's own text."""
        return [doc[self.doc[run[0]].start:self.doc[run[-1]].end] for run in self.outside_runs]
