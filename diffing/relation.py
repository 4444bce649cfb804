"""What a document is to a tracked plan, from the alignment and the scores behind it.

Containment, not only similarity: an interpretation that quotes five clauses among
pages of commentary has a low similarity but those quotes are plan text. The scores:

- ``coverage``: share of plan clauses found in the document (exactly or edited);
- ``coverage_chars``: the same weighted by clause length;
- ``exact_coverage``: share of plan characters found unchanged;
- ``containment``: share of the document's characters that are plan text;
- ``purity``: the same, counted only between the first and last plan clause found
  (an excerpt with a lead is pure, a commentary quoting the plan is not);
- ``similarity``: Dice of the two texts' aligned characters (0–1);
- ``outside_share`` / ``outside_chars``: document text outside the plan's span;
- ``cites_title``: 1.0 when the document names the plan (its own title, see ``title_key``);
- ``quoted_phrases``: plan headings/short clauses quoted inside the document's sentences
  (counted only when the document names the plan and no clause of the plan was found).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from diffing.align import Alignment
from diffing.memo import memoised
from diffing.model import Clause, Relation
from diffing.textnorm import fold

#: Thresholds (rule data, tuned on the planted-edit corpus in tests/fixtures/diff).
MOST_OF_PLAN = 0.6        # coverage_chars from which a document carries the plan (repost, revision, altered repost)
EXCERPT_CONTAINMENT = 0.9  # containment from which a partial document is an excerpt, whatever its shape
EXCERPT_FRAMED = 0.5      # ... or from which it is one when its own text only frames the quotes (lead, footer)
RELATED_CLAUSES = 0.05    # coverage (clauses) from which a document relates to the plan at all
RELATED_CHARS = 200       # ... or this many plan characters quoted
REVISION_OUTSIDE = 80     # characters outside the plan up to which a changed full text is a revision
#                           (a heading or an issuing line, not a repost's lead or footer)
TITLE_MIN = 4             # folded characters a plan title needs to count as named
QUOTED_PHRASES = 2        # plan phrases (headings, short clauses) a document naming the plan must quote
PHRASE_MIN, PHRASE_MAX = 6, 40  # length (folded characters) of a plan phrase that counts as quoted


@dataclass(frozen=True)
class Tally:
    """Counts of in-place edits found by the alignment (before the relation filters them)."""

    changed: int
    moved: int
    added: int
    removed: int
    repeated: int = 0

    @property
    def edits(self) -> int:
        """Number of changes a faithful copy would not have."""
        return self.changed + self.moved + self.added + self.removed


def scores(plan: list[Clause], doc: list[Clause], alignment: Alignment, plan_title: str,
           heading: frozenset[int] = frozenset()) -> dict[str, float]:
    """The numbers behind the relation (see the module docstring).

    ``heading``: document clauses that are the plan's title line (plan text, not the
    document's own, though the plan's body may not carry it).
    """
    plan_len = [len(c.key) for c in plan]
    doc_len = [len(c.key) for c in doc]
    plan_total, doc_total = sum(plan_len) or 1, sum(doc_len) or 1
    counted = [c for c in plan if c.key]
    found_plan = found_doc = exact = aligned = 0.0
    found_clauses = 0
    for pair in alignment.pairs:
        if pair.plan_count == pair.doc_count == 1:
            p, d = plan_len[pair.plan], doc_len[pair.doc]
            found_clauses += 1
            if pair.similarity == 1.0:  # most pairs: the general sums below with the factor 1
                found_plan += p
                found_doc += d
                aligned += min(p, d)
                exact += p
                continue
        else:
            p = sum(plan_len[i] for i in pair.plan_ids)
            d = sum(doc_len[j] for j in pair.doc_ids)
            found_clauses += sum(1 for i in pair.plan_ids if plan[i].key)
        found_plan += p * pair.similarity
        found_doc += d * pair.similarity
        aligned += min(p, d) * pair.similarity
        exact += p if pair.similarity == 1.0 else 0
    region = alignment.region
    region_total = sum(doc_len[region[0]:region[1] + 1]) if region else 0
    title_chars = sum(doc_len[j] for j in heading)
    found_doc += title_chars
    framed = region_total + sum(doc_len[j] for j in heading if not alignment.inside(j))
    return {
        "coverage": found_clauses / (len(counted) or 1),
        "coverage_chars": found_plan / plan_total,
        "exact_coverage": exact / plan_total,
        "containment": found_doc / doc_total,
        "purity": found_doc / region_total if region_total else 0.0,
        "similarity": 2 * aligned / (plan_total + doc_total),
        "outside_share": 1 - framed / doc_total if doc else 0.0,
        "outside_chars": float(sum(doc_len) - framed),
        "plan_chars_found": found_plan,
        "cites_title": (named := 1.0 if cites(plan_title, doc) else 0.0),
        "quoted_phrases": float(quoted_phrases(plan, doc)) if named and not found_plan else 0.0,
        "plan_clauses": float(len(counted)),
        "doc_clauses": float(sum(1 for c in doc if c.key)),
    }


def cites(plan_title: str, doc: list[Clause]) -> bool:
    """Whether the document names the plan (its own folded title, without 《》)."""
    title = title_key(plan_title)
    return len(title) >= TITLE_MIN and any(title in c.key for c in doc)


def quoted_phrases(plan: list[Clause], doc: list[Clause]) -> int:
    """How many of the plan's short phrases (headings, short clauses) the document's text quotes.

    A commentary quotes headings inside its own sentences ("围绕‘加快工业网络开放智能
    升级’……"), where no clause of it is the plan's clause; phrase by phrase they are found.
    """
    text = "".join(c.key for c in doc)
    phrases = {c.key for c in plan if PHRASE_MIN <= len(c.key) <= PHRASE_MAX}
    return sum(1 for phrase in phrases if phrase in text)


_NAMED = re.compile(r"《([^《》]+)》")


@memoised(maxsize=64)
def title_key(plan_title: str) -> str:
    """The plan's own folded title ``cites`` looks for (memoised: one per tracked plan).

    A repost's headline given as the title (工信部印发《…行动方案》) is not the plan's
    title: the longest document it names in 《》 is.
    """
    key = fold(plan_title)
    named = [name for name in _NAMED.findall(key) if len(name) >= TITLE_MIN]
    return max(named, key=len) if named else key.strip("《》\"")


def decide(score: dict[str, float], tally: Tally) -> Relation:
    """The relation: identical | repost | altered_repost | revision | excerpt | interpretation | unrelated.

    (``implementation`` is decided apart, by diffing.targets, in ``compare``.)
    """
    if not score["plan_clauses"]:
        return Relation.IDENTICAL if not score["doc_clauses"] else Relation.UNRELATED
    related = (score["coverage"] >= RELATED_CLAUSES or score["plan_chars_found"] >= RELATED_CHARS
               or (score["cites_title"] and score["plan_chars_found"] > 0)
               or (score["cites_title"] and score.get("quoted_phrases", 0) >= QUOTED_PHRASES))
    if not related:
        return Relation.UNRELATED
    if score["coverage_chars"] >= MOST_OF_PLAN:
        if tally.edits == 0 and score["coverage"] == 1.0:
            return Relation.IDENTICAL if score["outside_share"] == 0 and not tally.repeated else Relation.REPOST
        return Relation.REVISION if score["outside_chars"] <= REVISION_OUTSIDE else Relation.ALTERED_REPOST
    return partial_relation(score, tally)


def partial_relation(score: dict[str, float], tally: Tally) -> Relation:
    """Excerpt or interpretation: a document carrying less than most of the plan.

    Only a document carrying most of the plan can be a (altered) repost or revision;
    changed quotes in a partial one are reported as changes, they do not make it a
    repost. What decides is how much of the document is plan text (containment): an
    excerpt is (almost) nothing else, or only framed by a lead or footer; own text
    *between* the quotes (``tally.added``: unmatched clauses inside the quoted span)
    with a fair share of the document is commentary, an interpretation.
    """
    containment = score["containment"]
    if containment >= EXCERPT_CONTAINMENT or (containment >= EXCERPT_FRAMED and not tally.added):
        return Relation.EXCERPT
    return Relation.INTERPRETATION
