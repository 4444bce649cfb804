"""The data the diff engine hands out: clauses, headings, changes, figure changes, comparisons.

Plain dataclasses; ``Comparison.to_dict`` is the JSON contract of docs/design.md.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Relation(StrEnum):
    """What a document is to a tracked plan, most faithful first (the one relation vocabulary).

    Members are ``str``: stored, filtered and printed as their plain value.
    """

    IDENTICAL = "identical"
    REPOST = "repost"
    ALTERED_REPOST = "altered_repost"
    REVISION = "revision"
    EXCERPT = "excerpt"
    INTERPRETATION = "interpretation"
    IMPLEMENTATION = "implementation"
    UNRELATED = "unrelated"


#: Every relation's value, most faithful first (for choices, validation and help texts).
RELATIONS: tuple[str, ...] = tuple(relation.value for relation in Relation)

#: Relations whose document carries only part of the plan: changes are only those inside its quotes.
PARTIAL_RELATIONS = frozenset({Relation.EXCERPT, Relation.INTERPRETATION})


def relation_of(value: str) -> Relation:
    """``value`` as a Relation, or ValueError naming the known relations."""
    try:
        return Relation(value)
    except ValueError:
        raise ValueError(f"unknown relation {value!r} (expected one of {', '.join(RELATIONS)})") from None


#: Change kinds that only re-file unchanged wording (cross-references following renumbered
#: articles): shown muted, never raising priority, not counted as substantive.
BOOKKEEPING = frozenset({"renumbered"})

_PRIORITY = {
    Relation.IDENTICAL: "low", Relation.REPOST: "low", Relation.EXCERPT: "normal", Relation.INTERPRETATION: "normal",
    Relation.ALTERED_REPOST: "high", Relation.REVISION: "high", Relation.IMPLEMENTATION: "normal",
    Relation.UNRELATED: "none",
}


@dataclass(frozen=True)
class Heading:
    """One entry of a document's outline: ``（一）`` at level 2 under ``二、``."""

    level: int
    label: str
    title: str
    path: str

    def to_dict(self) -> dict[str, Any]:
        """The ``Document.outline`` entry shape."""
        return {"level": self.level, "label": self.label, "title": self.title, "path": self.path}


class Clause(NamedTuple):
    """A sentence-sized unit of text: one run-in heading, heading line or sentence.

    ``text`` is the original span ``source[start:end]`` (display keeps every character);
    ``key`` is its folded comparison key without the numbering label, so renumbering and
    formatting never count as change. ``section`` is the outline path, e.g. ``二、（三）``.
    A named tuple: documents have thousands of clauses and they are built on every compare.
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index, which no caller uses on a Clause
    text: str
    start: int
    end: int
    key: str
    section: str
    heading: bool = False


@dataclass(frozen=True)
class FigureChange:
    """A key figure that changed, appeared or disappeared: ``不少于50000家`` → ``不少于60000家``."""

    context: str
    plan: str | None
    doc: str | None
    kind: str  # changed | added | removed (| kept: an implementation's target equal to the plan's)
    section: str = ""
    figure: str = "number"  # number | deadline | percent | standard
    direction: str = ""  # raised | lowered | widened | narrowed | later | earlier ('' when not a pair)
    #: An implementation's target pair (``context`` is the clause kind: 企业数, 期限 …) and its
    #: document/plan ratio where both are counts of the same unit.
    ratio: float | None = None
    target: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: context, plan, doc, kind, section, figure, direction (null when not a changed pair);
        and ratio for an implementation's target pair."""
        data: dict[str, Any] = {"context": self.context, "plan": self.plan, "doc": self.doc, "kind": self.kind,
                "section": self.section, "figure": self.figure, "direction": self.direction or None}
        if self.target:
            data["ratio"] = self.ratio
        return data


@dataclass(frozen=True)
class Change:
    """One difference between plan and document at clause level.

    ``inline`` (for ``changed`` and edited ``moved`` clauses) lists ``(op, text)``
    segments, op in equal | delete | insert: the plan side is the equal + delete
    text, the document side is the equal + insert text (the document's characters).
    """

    kind: str  # added | removed | changed | moved | renumbered | split | merged | title
    section: str
    plan_text: str | None
    doc_text: str | None
    inline: tuple[tuple[str, str], ...] = ()
    similarity: float = 1.0
    doc_section: str = ""
    plan_index: int | None = None
    doc_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: kind, section, plan_text, doc_text, inline, similarity, doc_section."""
        return {"kind": self.kind, "section": self.section, "plan_text": self.plan_text,
                "doc_text": self.doc_text, "inline": [list(seg) for seg in self.inline],
                "similarity": round(self.similarity, 4), "doc_section": self.doc_section}


class Row(NamedTuple):
    """One side-by-side row: kind equal | changed | moved | added | removed | outside | paraphrase | repeated.

    ``repeated`` is a document clause that repeats, word for word, plan text the
    document already carries (a duplicated paragraph): shown, not a change.
    """

    kind: str
    section: str
    plan_text: str | None
    doc_text: str | None
    inline: tuple[tuple[str, str], ...] = ()
    plan_ids: tuple[int, ...] = ()
    doc_ids: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a side-by-side row (clause indices included for cross-reference)."""
        return {"kind": self.kind, "section": self.section, "plan_text": self.plan_text,
                "doc_text": self.doc_text, "inline": [list(seg) for seg in self.inline],
                "plan_ids": list(self.plan_ids), "doc_ids": list(self.doc_ids)}


@dataclass
class Comparison:
    """What a document is to a tracked plan, and exactly what differs.

    ``outside`` is the document's own text around the plan (a repost's lead and
    footer, an interpretation's commentary): it is never counted as change.
    """

    relation: Relation
    similarity: float
    coverage: float
    containment: float
    changes: list[Change] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    plan_title: str = ""
    doc_title: str = ""
    notes: list[str] = field(default_factory=list)  # simplifications made to bound the cost
    #: For an implementation: tasks adopted / omitted / added and deadline shifts (diffing.targets).
    implementation: dict[str, Any] = field(default_factory=dict)

    @property
    def priority(self) -> str:
        """``high`` when plan text or figures changed, ``normal``, ``low`` or ``none``."""
        if self.partial and (self.figures or self.changes):
            return "high"
        if self.changes and not self.figures and all(c.kind in BOOKKEEPING for c in self.changes):
            return "low"
        return _PRIORITY.get(self.relation, "normal")

    @property
    def partial(self) -> bool:
        """Whether the document carries only part of the plan (excerpt, interpretation).

        Its changes are then only those inside the quoted part: the plan clauses it
        never quoted are not "removed".
        """
        return self.relation in PARTIAL_RELATIONS

    def quoted(self) -> dict[str, Any]:
        """How much of the plan the document carries: clauses found, of how many, shares."""
        total = int(self.scores.get("plan_clauses", 0))
        return {"clauses": round(self.coverage * total), "of": total, "share": round(self.coverage, 4),
                "chars_share": round(self.scores.get("coverage_chars", self.coverage), 4),
                "partial": self.partial}

    def counts(self) -> dict[str, int]:
        """Number of changes per kind, plus changed figures (``renumbered`` apart from the edits)."""
        tally = {kind: 0 for kind in ("changed", "moved", "added", "removed")}
        for change in self.changes:
            tally[change.kind] = tally.get(change.kind, 0) + 1
        tally["figures"] = len(self.figures)
        return tally

    def fingerprint(self) -> str:
        """Stable hash of relation, changes and figure changes (not of the outside text).

        Twelve faithful reposts of the plan with different leads share one fingerprint,
        so alerts about them can be grouped.
        """
        payload = {
            "relation": self.relation,
            "changes": [[c.kind, c.section, c.plan_text, c.doc_text] for c in self.changes],
            "figures": [[f.kind, f.plan, f.doc] for f in self.figures],
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: relation, similarity, coverage, changes[], figures[] and extras."""
        return {
            "relation": self.relation,
            "priority": self.priority,
            "similarity": round(self.similarity, 4),
            "coverage": round(self.coverage, 4),
            "containment": round(self.containment, 4),
            "changes": [c.to_dict() for c in self.changes],
            "figures": [f.to_dict() for f in self.figures],
            "outside": list(self.outside),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "counts": self.counts(),
            "quoted": self.quoted(),
            "fingerprint": self.fingerprint(),
            "plan_title": self.plan_title,
            "doc_title": self.doc_title,
            "notes": list(self.notes),
            **({"implementation": self.implementation} if self.relation == "implementation" else {}),
        }
