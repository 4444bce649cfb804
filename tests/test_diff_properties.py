"""Properties of the differ on texts built from the plan and on arbitrary text.

diff(a, a) and diff(a, fold(a)) report nothing; for any pair every clause of both
sides is accounted for exactly once, and inline diffs reproduce both sides.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffing import compare, fold
from diffing.inline import doc_side, plan_side
from diffing.relation import MOST_OF_PLAN
from diffing.segment import parse
from tests.fixtures.diff.corpus import PLAN

PARAGRAPHS = [p for p in PLAN.split("\n\n") if p.strip()]
FULL = {"identical", "repost", "revision", "altered_repost"}
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
NOISE = st.text(alphabet=st.one_of(CJK, st.sampled_from(list("，。；（）()一二1２ \n*、：%年家个"))), max_size=60)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plan_like(draw: st.DrawFn) -> str:
    """A few plan paragraphs, in any order, with some arbitrary text between them."""
    parts = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6))
    extra = draw(st.lists(NOISE, max_size=2))
    return "\n\n".join(parts + extra)


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits: cut, insertion, replacement, paragraph swap."""
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["cut", "insert", "replace", "swap"]))
        if op == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "insert":
            text = text[:at] + draw(NOISE) + text[at:]
        elif op == "replace":
            text = text[:at] + draw(CJK) + text[at + 1:]
        else:
            paras = text.split("\n\n")
            draw(st.randoms()).shuffle(paras)
            text = "\n\n".join(paras)
    return text


@SETTINGS
@given(st.one_of(plan_like(), NOISE))
def test_a_text_against_itself_has_no_change(text: str) -> None:
    cmp = compare(text, text)
    assert cmp.changes == [] and cmp.figures == [] and cmp.relation == "identical"


@SETTINGS
@given(st.one_of(plan_like(), NOISE))
def test_a_text_against_its_folded_key_has_no_change(text: str) -> None:
    cmp = compare(text, fold(text))
    assert cmp.changes == [] and cmp.figures == []
    assert cmp.relation == "identical"


def _check_accounting(plan: str, doc: str) -> None:
    cmp = compare(plan, doc)
    plan_clauses = [c.index for c in parse(plan).clauses if c.key]
    doc_clauses = [c.index for c in parse(doc).clauses if c.key]
    shown_plan = [i for row in cmp.rows for i in row.plan_ids if parse(plan).clauses[i].key]
    shown_doc = [j for row in cmp.rows for j in row.doc_ids if parse(doc).clauses[j].key]
    assert sorted(shown_doc) == doc_clauses, "every document clause is in exactly one row"
    assert len(shown_plan) == len(set(shown_plan)) and set(shown_plan) <= set(plan_clauses)
    if cmp.relation in FULL and cmp.scores["coverage_chars"] >= MOST_OF_PLAN:
        assert sorted(shown_plan) == plan_clauses, "every plan clause is in exactly one row"
    for row in cmp.rows:
        if row.inline:
            assert doc_side(list(row.inline)) == row.doc_text
            assert fold(plan_side(list(row.inline))) == fold(row.plan_text or "")


@SETTINGS
@given(st.data())
def test_every_clause_of_both_sides_is_accounted_for(data: st.DataObject) -> None:
    plan = data.draw(plan_like())
    _check_accounting(plan, data.draw(edited(plan)))


@SETTINGS
@given(NOISE, NOISE)
def test_accounting_holds_for_arbitrary_text(plan: str, doc: str) -> None:
    _check_accounting(plan, doc)


def test_accounting_holds_on_the_whole_plan_and_the_seed() -> None:
    from tests.fixtures.diff.corpus import SEED, cases

    for case in cases():
        _check_accounting(PLAN, case.doc)
    _check_accounting(SEED, PLAN)
