"""Real amended laws (LawRefBook texts; truth from the amendment instruments, see
tests/fixtures/revisions/MANIFEST.md): which articles the diff says changed, and that
every change shows its edit.

Scored per article: an old article counts as found when some change touches it (a
changed/moved/removed clause in its old numbering, or an added clause in the new
article it became); a new article with no old counterpart when text was added or moved into it.
"""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crawler.normalise import load
from diffing import compare
from diffing.model import Comparison
from diffing.textnorm import fold

REVISIONS = Path(__file__).parent / "fixtures" / "revisions"
TRUTH = json.loads((REVISIONS / "truth.json").read_text(encoding="utf-8"))
FLOOR = 0.98
_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))


def article_number(section: str) -> int | None:
    """第一百六十五条 → 165 (the last article label of an outline path)."""
    found = re.findall(r"第([零一二三四五六七八九十百]+)条", section or "")
    if not found:
        return None
    total = number = 0
    for char in found[-1]:
        if char in _DIGITS:
            number = _DIGITS[char]
        else:
            total += (number or 1) * (10 if char == "十" else 100)
            number = 0
    return total + number


@cache
def comparison(name: str) -> Comparison:
    old, new = load(str(REVISIONS / name / "old.md")), load(str(REVISIONS / name / "new.md"))
    return compare(old.body, new.body, plan_title=old.title, doc_title=new.title)


def found_articles(name: str) -> tuple[set[int], set[int]]:
    """(old articles some change touches, new articles without an old one that gained text)."""
    truth = TRUTH[name]
    new_to_old = {new: int(old) for old, new in truth["article_map"].items()}
    file_only = set(truth.get("file_only_new_text", ()))
    old, new = set(), set()
    for change in comparison(name).changes:
        target = article_number(change.doc_section or change.section)
        if change.kind != "added" and (number := article_number(change.section)) is not None:
            old.add(number)
        elif target in new_to_old and target not in file_only:
            old.add(new_to_old[target])
        if change.kind != "removed" and target is not None and target not in new_to_old.keys() | file_only:
            new.add(target)
    return old, new


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_article_recall_and_precision(name):
    truth = TRUTH[name]
    want_old = set(truth["changed_articles"]) | set(truth["removed_articles"])
    want_new = set(truth["added_articles"])
    got_old, got_new = found_articles(name)
    hits = len(got_old & want_old) + len(got_new & want_new)
    recall = hits / (len(want_old) + len(want_new))
    precision = hits / max(1, len(got_old) + len(got_new))
    assert recall >= FLOOR, (recall, sorted(want_old - got_old), sorted(want_new - got_new))
    assert precision >= FLOOR, (precision, sorted(got_old - want_old), sorted(got_new - want_new))


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_change_without_a_visible_edit(name):
    for change in comparison(name).changes:
        if change.kind == "changed":
            edits = "".join(text for op, text in change.inline if op != "equal")
            assert fold(edits).strip("，。；、：,.;: "), change


def test_new_penalty_tiers_are_changes_of_their_articles():
    """刑法修正案（十二）: tiers whose wording other articles already have are still new here."""
    changes = comparison("xingfa_2020_2023").changes
    assert not [r for r in comparison("xingfa_2020_2023").rows if r.kind == "repeated"]
    for article, tier in (("第三百九十一条", "情节严重的，处三年以上七年以下有期徒刑，并处罚金"),
                          ("第三百八十七条", "情节特别严重的，处三年以上十年以下有期徒刑"),
                          ("第三百九十三条", "情节特别严重的，处三年以上十年以下有期徒刑，并处罚金")):
        assert any(c.section.endswith(article) and tier in (c.doc_text or "")
                   and (c.kind == "added" or any(op == "insert" and tier in text for op, text in c.inline))
                   for c in changes), article


def test_cross_references_that_follow_the_renumbering_are_bookkeeping():
    """国际海运条例 old 28 and 42 change only 第二十一条 → 第十八条 (old 21 became new 18)."""
    cmp = comparison("guojihaiyun_tiaoli_2019_2023")
    renumbered = [c for c in cmp.changes if c.kind == "renumbered"]
    assert {article_number(c.section) for c in renumbered} == {28, 42}
    assert {article_number(c.doc_section) for c in renumbered} == {25, 38}
    assert cmp.counts()["renumbered"] == 2
    for article in (28, 42):
        assert [c.kind for c in cmp.changes if article_number(c.section) == article] == ["renumbered"]


def test_renumbering_alone_never_raises_priority():
    only = compare("第一条 总则。\n第五条 依照本法第六条处理。\n第六条 罚则。\n",
                   "第一条 总则。\n第四条 依照本法第五条处理。\n第五条 罚则。\n")
    assert [c.kind for c in only.changes] == ["renumbered"] and only.priority == "low"


def test_splits_and_merges_name_all_their_parts():
    split = [c for c in comparison("kuaijifa_2017_2024").changes if c.kind == "split"]
    assert [(article_number(c.section), c.doc_section.count("条")) for c in split] == [(8, 2)]
    assert "第四十九条" in split[0].doc_section
    merged = [c for c in comparison("ods_tiaoli_2018_2023").changes if c.kind == "merged"]
    assert [(c.section.count("条"), article_number(c.doc_section)) for c in merged] == [(2, 17)]
    assert "第十九条" in merged[0].section
    sme = {article_number(c.section): c.doc_section for c in comparison("sme_payment_tiaoli_2020_2025").changes
           if c.kind == "split"}
    assert "第三十四条" in sme[27] and "第三十三条" in sme[27]


def test_every_change_carries_both_numberings():
    """An addition in a renumbered article names the old article too (new 42 was old 45)."""
    cmp = comparison("kuaijifa_2017_2024")
    added = [c for c in cmp.changes if c.kind == "added" and article_number(c.doc_section) == 42]
    assert added and all(article_number(c.section) == 45 for c in added)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_every_new_clause_of_a_revision_is_in_some_change(name):
    """Nothing of a new version's numbered text is left as 'repeated' or 'outside': each such
    clause is equal to the old text or part of a change (only unnumbered header lines, such as
    LawRefBook's promulgation history before the first chapter, may stand outside)."""
    rows = comparison(name).rows
    assert not [row for row in rows if row.kind == "repeated"]
    assert not [row for row in rows if row.kind == "outside" and row.section], name


ARTICLES = [f"第{n}条　{body}" for n, body in zip(
    ("一", "二", "三", "四", "五", "六"),
    ("为了规范管理，制定本办法。主管部门负责组织实施。", "本办法适用于全国范围内的相关活动。法律另有规定的除外。",
     "违反本办法规定的，责令改正；情节严重的，处一万元以上十万元以下的罚款。",
     "主管部门应当加强监督检查。发现问题的，依法处理投诉举报。", "有关单位应当建立健全内部管理制度。拒不改正的，通报批评。",
     "本办法由主管部门负责解释。本办法自公布之日起施行。"), strict=True)]


@given(st.integers(0, 5), st.integers(0, 5))
def test_wording_added_to_an_article_is_a_change_wherever_else_it_occurs(source, target):
    """A sentence copied from one article into another is an addition to that article
    (every article has two sentences: the copy is never a whole article)."""
    sentence = re.findall(r"[^　。；]+[。；]", ARTICLES[source].split("　", 1)[1])[-1]
    assume(sentence not in ARTICLES[target])
    new = list(ARTICLES)
    new[target] += sentence
    cmp = compare("\n".join(ARTICLES), "\n".join(new))
    assert any(sentence.rstrip("。；") in (c.doc_text or "") and c.kind in ("added", "changed")
               for c in cmp.changes), cmp.changes
    assert not [row for row in cmp.rows if row.kind == "repeated"]
