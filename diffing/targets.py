"""Implementation plans: is a document a province's (or ministry's) plan implementing a national one,
and how do its targets compare, target by target?

A national plan's 不少于50000家企业 becomes a province's 5000家; 到2028年 becomes 2027年底前; a
task is adopted, dropped or added. Texts are not compared here — targets are:

* :func:`implements` — the document says 贯彻落实 / 实施方案 / 贯彻…的通知 and names the plan,
  or its outline mirrors the plan's tasks under an 实施方案-style title.
* :func:`compare_targets` — every national figure paired with the province's of the same
  clause kind (企业数, 数据集, 示范项目, 重点行业, 期限 …; rule data below), with ``ratio``
  where both are counts of the same unit; tasks adopted / omitted / added; deadline shifts.

Pure functions over text (no I/O), like the rest of ``diffing``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from diffing.figures import locate
from diffing.model import FigureChange, Heading
from diffing.segment import parse
from diffing.textnorm import fold

#: Words that make a title an implementation of some plan (贯彻落实《…》的实施方案, 贯彻…的通知).
IMPLEMENTATION_TITLE = re.compile(r"贯彻落实|实施方案|实施意见|工作方案|行动计划|若干措施|贯彻.{0,60}的通知")
#: An opening saying the document is a plan made to implement another (制定本实施方案, 结合我省实际…制定).
IMPLEMENTATION_OPENING = re.compile(r"(?:特|现)?制定本(?:实施|工作)?(?:方案|计划|措施|意见)"
                                    r"|结合(?:我省|本省|我市|本市|我区|本区|全省|全市|实际).{0,24}制定")
#: A title announcing or passing on the plan itself (工信部印发《…》, 转发：…, …全文): a repost, whatever else it says.
REPOST_TITLE = re.compile(r"印发|发布|出台|解读|答记者问|转发|转载|全文")
#: …unless it also says it implements it.
IMPLEMENTS_WORDS = re.compile(r"贯彻|落实")
#: Share of the national plan's tasks a document must carry to mirror its outline.
MIRRORED_TASKS = 0.5
#: Characters of the document (after its title) searched for the plan's name.
NAME_WINDOW = 1500
#: Similarity (character bigram Dice) from which two task titles are the same task.
SAME_TASK = 0.5
#: Clause kinds of a target, by the words right after its figure (first found wins), with units.
CLAUSE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("数据集", ("数据集",)),
    ("示范项目", ("示范", "标杆", "项目", "案例", "场景", "试点", "工厂")),
    ("解决方案", ("解决方案", "供应商", "服务商")),
    ("平台", ("平台",)),
    ("重点行业", ("行业", "产业链")),
    ("企业数", ("企业", "家")),
)
#: How far after a figure its clause kind is looked for (characters).
KIND_WINDOW = 20
#: Units whose figures are counts (a ratio is meaningful between two of them).
COUNT_UNITS = frozenset({"家", "个", "项", "户", "所", "条", "类", "套", "款", "座", "台", "种", "部", "张", "件", "名", "人"})
_BIGRAM_MIN = 2


@dataclass(frozen=True)
class Target:
    """One figure of a plan with the kind of clause it belongs to."""

    context: str
    text: str
    kind: str  # deadline | number | percent
    value: float
    unit: str
    section: str


@dataclass
class TargetComparison:
    """Targets paired (national → document), tasks adopted/omitted/added, deadline shifts."""

    figures: list[FigureChange] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``Comparison.implementation``: the task lists and deadline shifts."""
        return {"adopted": list(self.adopted), "omitted": list(self.omitted), "added": list(self.added),
                "deadlines": list(self.deadlines)}


def implements(plan_title: str, plan: str, doc_title: str, doc: str) -> bool:
    """Whether ``doc`` implements the plan.

    It names the plan and its title is an implementation's (贯彻落实, 实施方案 …) or its opening
    says it was made to implement it (结合我省实际…制定本方案); or, under an implementation
    title, its outline carries at least half the plan's tasks.
    """
    name = _plan_name(plan_title)
    if not doc_title or fold(doc_title) == fold(plan_title):
        return False
    opening = doc[:NAME_WINDOW]
    names_plan = len(name) >= 4 and name in fold(f"{doc_title}\n{opening}")
    if names_plan and not REPOST_TITLE.search(doc_title) and IMPLEMENTATION_OPENING.search(opening):
        return True
    if not IMPLEMENTATION_TITLE.search(doc_title):
        return False
    if len(name) >= 4 and name in fold(doc_title) and REPOST_TITLE.search(doc_title) \
            and not IMPLEMENTS_WORDS.search(doc_title):
        return False
    if names_plan:
        return True
    tasks = _tasks(parse(plan).outline)
    adopted, _, _ = match_tasks(tasks, _tasks(parse(doc).outline))
    return bool(tasks) and len(adopted) / len(tasks) >= MIRRORED_TASKS


def _plan_name(plan_title: str) -> str:
    """The plan's name as documents cite it: folded, without 《》 or a 关于印发…的通知 wrapper."""
    title = re.sub(r"^.*?关于印发|的通知$", "", plan_title.strip())
    return fold(title).strip("《》\"")


def compare_targets(plan: str, doc: str) -> TargetComparison:
    """Pair the plan's targets with the document's by clause kind; tasks adopted / omitted / added."""
    result = TargetComparison()
    ours, theirs = targets(plan), targets(doc)
    for kind in dict.fromkeys([t.context for t in ours] + [t.context for t in theirs]):
        plan_side = [t for t in ours if t.context == kind]
        doc_side = [t for t in theirs if t.context == kind]
        for index in range(max(len(plan_side), len(doc_side))):
            national = plan_side[index] if index < len(plan_side) else None
            local = doc_side[index] if index < len(doc_side) else None
            result.figures.append(_pair(kind, national, local))
            if kind == "期限" and national and local and national.value != local.value:
                result.deadlines.append({"plan": national.text, "doc": local.text,
                                         "shift_months": _months(local.value) - _months(national.value)})
    plan_tasks, doc_tasks = _tasks(parse(plan).outline), _tasks(parse(doc).outline)
    result.adopted, result.omitted, result.added = match_tasks(plan_tasks, doc_tasks)
    return result


def targets(text: str) -> list[Target]:
    """The figures of ``text`` that have a clause kind (deadlines, counts of known things, shares)."""
    found: list[Target] = []
    for clause in parse(text).clauses:
        for figure in locate(clause.text):
            kind = _clause_kind(clause.text, figure.text, figure.figure.kind, figure.figure.unit)
            if kind:
                found.append(Target(kind, figure.text, figure.figure.kind, figure.figure.value, figure.figure.unit,
                                    clause.section))
    return found


def _clause_kind(clause: str, figure: str, kind: str, unit: str) -> str | None:
    """期限 for deadlines, 占比 for shares, else the first clause-kind word right after the figure."""
    if kind == "deadline":
        return "期限"
    if kind == "percent":
        return "占比"
    at = clause.find(figure)
    after = clause[at + len(figure):at + len(figure) + KIND_WINDOW] if at >= 0 else ""
    if unit == "家" and not after.startswith(("以上", "左右")):
        after = "家" + after
    hits = [(after.find(word), name) for name, words in CLAUSE_KINDS for word in words if word in after]
    return min(hits)[1] if hits else None


def _pair(kind: str, national: Target | None, local: Target | None) -> FigureChange:
    """One target row: national and document figure, the ratio where both count the same unit."""
    ratio = None
    if national and local and national.kind == local.kind == "number" and national.unit == local.unit \
            and national.unit in COUNT_UNITS and national.value:
        ratio = round(local.value / national.value, 4)
    change = "changed" if national and local else ("removed" if national else "added")
    if national and local and national.value == local.value:
        change = "kept"
    section = (national or local).section  # type: ignore[union-attr]
    figure = (national or local).kind  # type: ignore[union-attr]
    return FigureChange(kind, national.text if national else None, local.text if local else None, change,
                        section, figure, ratio=ratio, target=True)


def _months(value: float) -> int:
    """A deadline value (year + month/100) as a month count (a bare year means its end)."""
    year = int(value)
    month = round((value - year) * 100) or 12
    return year * 12 + month


def _tasks(outline: list[Heading]) -> list[str]:
    """Task headings: the second outline level (（一）…), or the first when there is no second."""
    second = [h for h in outline if h.level == 2]
    chosen = second or [h for h in outline if h.level == 1]
    return [h.title for h in chosen if h.title]


def match_tasks(plan_tasks: list[str], doc_tasks: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(adopted, omitted, added): plan tasks found among the document's, by title similarity."""
    taken: set[int] = set()
    adopted, omitted = [], []
    for task in plan_tasks:
        scored = [(_similar(task, other), j) for j, other in enumerate(doc_tasks) if j not in taken]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SAME_TASK:
            taken.add(best[1])
            adopted.append(task)
        else:
            omitted.append(task)
    added = [task for j, task in enumerate(doc_tasks) if j not in taken]
    return adopted, omitted, added


def _similar(a: str, b: str) -> float:
    """Dice coefficient of the folded titles' character bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _bigrams(text: str) -> set[str]:
    key = fold(text)
    return {key[i:i + _BIGRAM_MIN] for i in range(len(key) - 1)}
