"""A policy's life as pure text rules: is this a plan, a consultation draft, its deadline, whose final?

Text in, data out, no I/O (docs/design.md); the rule data (marker words, deadline
phrasings, instrument words) lives in :mod:`diffing.lifecycle_rules`. The archive keeps
the links these rules find, and the ingest path applies them to every new document:

- :func:`is_draft` — a consultation draft (征求意见稿/草案/送审稿/公开征求意见).
- :func:`feedback_deadline` — the date feedback is due (请于2026年3月31日前…);
  :func:`instrument_text` — a draft or final without its notice (what the two compare).
- :func:`title_key` — one key for "the same instrument": the draft's and the final's
  titles give the same key once wrappers (关于印发《…》的通知), draft markers and the
  试行/暂行 qualifiers are gone, so finding a draft is one indexed look-up.
- :func:`plan_reason` — why a document is a plan (印发《…方案》, or a body with a plan's
  outline), or None; :class:`PlanRules` narrows it (``[plans]`` in policywatch.toml).
- :func:`names_plan` / :func:`cited_names` — a text naming 《the plan》 (an interpretation's tell).
- :func:`due_reminders` — which "N days before the deadline" reminders are due now.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from diffing.align import loose
from diffing.lifecycle_rules import (
    DEADLINE_DAYS,
    DEADLINE_PATTERNS,
    DRAFT_MARKERS,
    INSTRUMENTS,
    ISSUER_PREFIX,
    MIN_PLAN_CHARS,
    MIN_PLAN_SECTIONS,
    NAME_WRAPPERS,
    NOT_A_PLAN,
    NOTICE_MARKERS,
    QUALIFIERS,
)
from diffing.memo import memoised
from diffing.textnorm import fold

_WRAPPERS = tuple(re.compile(p) for p in NAME_WRAPPERS)
_QUALIFIER = re.compile(r"[(\[](?:" + "|".join(QUALIFIERS) + r")[)\]]|(?:" + "|".join(QUALIFIERS[:6]) + r")$")
_ISSUER = re.compile(ISSUER_PREFIX)
_DEADLINES = tuple(re.compile(p) for p in DEADLINE_PATTERNS)
_DATE_PARTS = re.compile(r"(?:(\d{4})\s*[年\-./]\s*)?(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、,，]|第[一二三四五六七八九十]{1,3}[章条部分])", re.M)


@dataclass(frozen=True)
class PlanRules:
    """Which documents become plans by themselves (``[plans]`` in policywatch.toml).

    ``auto`` off tracks nothing by itself. ``sources`` (names in sources.toml) count as
    official besides MIIT and gov.cn pages; ``title_patterns`` (regular expressions) make a
    matching title a plan whatever its instrument; ``exclude_patterns`` keep matching
    titles out whatever else says yes.
    """

    auto: bool = True
    sources: tuple[str, ...] = ()
    title_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    deadline_days: tuple[int, ...] = DEADLINE_DAYS


@memoised(maxsize=4096)
def _folded(title: str) -> str:
    """The title folded (half-width brackets and digits), without spaces."""
    return re.sub(r"\s+", "", fold(title or ""))


def instrument_name(title: str) -> str:
    """The instrument a title is about: the 《…》 name, the X of 关于印发X的通知, else the title.

    An issuing body before 关于 (工业和信息化部办公厅关于…) is not part of the name.
    """
    folded = _folded(title)
    for wrapper in _WRAPPERS:
        found = wrapper.search(folded)
        if found and found.group("name").strip():
            return found.group("name").strip()
    return _ISSUER.sub("", folded)


def strip_qualifiers(name: str) -> str:
    """``name`` without draft markers and 试行/暂行 qualifiers: (征求意见稿), (试行), trailing 草案."""
    previous = None
    while previous != name:
        previous, name = name, _QUALIFIER.sub("", name).strip()
    return name


def plan_name(title: str) -> str:
    """What an auto-tracked plan is called: its instrument's name without qualifiers."""
    return strip_qualifiers(instrument_name(title)) or _folded(title)


def title_key(title: str) -> str:
    """One key for a draft and its final: the name without qualifiers, punctuation or spaces."""
    return loose(strip_qualifiers(instrument_name(title)))


def is_draft(title: str, *, column: str | None = None) -> bool:
    """A consultation draft: a draft marker in the title, or MIIT's 意见征集 column."""
    folded = _folded(title)
    return any(marker in folded for marker in DRAFT_MARKERS) or bool(column and "意见征集" in column)


def instrument_text(body: str) -> str:
    """An instrument's text without the notice around it: a draft's paragraphs on how and when to send
    feedback, a final's 现将《…》印发给你们 (what the draft → final comparison compares)."""
    paragraphs = re.split(r"\n\s*\n|\n", body or "")
    return "\n\n".join(p for p in paragraphs if p.strip() and not any(m in fold(p) for m in NOTICE_MARKERS))


def instrument(title: str) -> str | None:
    """The instrument word the title's name ends with (方案, 规划 …), or None."""
    name = strip_qualifiers(instrument_name(title))
    return next((word for word in INSTRUMENTS if name.endswith(word)), None)


def _wraps_instrument(title: str) -> bool:
    """印发《…》 / 《…》 with an instrument, or a bare title that is itself an instrument's name."""
    folded = _folded(title)
    if "印发" in folded or "《" in folded:
        return instrument(title) is not None
    return instrument(title) not in (None, "通知", "意见")


def plan_outline(body: str) -> bool:
    """A plan's outline: at least MIN_PLAN_SECTIONS top-level sections (一、 二、 三、 / 第一章)."""
    return len(_SECTION.findall(body or "")) >= MIN_PLAN_SECTIONS


def plan_reason(title: str, body: str, rules: PlanRules = PlanRules()) -> str | None:
    """Why a document is a plan — ``"title"``, ``"outline"`` or ``"pattern"`` — or None.

    Drafts, interpretations and Q&As are never plans, nor a document with too little
    text; an ``exclude_patterns`` match vetoes everything.
    """
    folded = _folded(title)
    if not rules.auto or len(fold(body or "")) < MIN_PLAN_CHARS:
        return None
    if any(re.search(p, title or "") or re.search(p, folded) for p in rules.exclude_patterns):
        return None
    if any(re.search(p, title or "") or re.search(p, folded) for p in rules.title_patterns):
        return "pattern"
    if is_draft(title) or any(word in folded for word in NOT_A_PLAN):
        return None
    if _wraps_instrument(title):
        return "title"
    return "outline" if plan_outline(body) else None


def cited_names(text: str) -> frozenset[str]:
    """The keys (:func:`title_key`) of every 《name》 a text cites: compute once per document."""
    return frozenset(loose(strip_qualifiers(inner)) for inner in re.findall(r"《([^《》]{2,80})》", _folded(text)))


def names_plan(text: str, plan_title: str) -> bool:
    """True when ``text`` names the plan: 《its name》 (qualifiers ignored) appears in it."""
    key = title_key(plan_title)
    return len(key) >= 4 and key in cited_names(text)


def _as_date(raw: str, default_year: int | None) -> date | None:
    """A date from 2026年3月31日 / 3月31日 / 2026-03-31 (the year taken from ``default_year``)."""
    found = _DATE_PARTS.search(raw)
    if not found:
        return None
    year = int(found.group(1)) if found.group(1) else default_year
    if year is None:
        return None
    try:
        return date(year, int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def feedback_deadline(text: str, published: date | None = None) -> date | None:
    """The feedback deadline a consultation notice states, or None.

    Reads 请于2026年3月31日前…, 意见反馈截止时间：2026年3月31日, 征求意见时间为2026年3月1日至
    3月31日 (the end). A date without a year takes the publication year, and a deadline
    before publication is the next year's (a December notice asking for January feedback).
    """
    folded = fold(text or "")
    for pattern in _DEADLINES:
        found = pattern.search(folded)
        if not found:
            continue
        deadline = _as_date(found.group("date"), published.year if published else None)
        if deadline and published and deadline < published and not re.match(r"\d{4}", found.group("date")):
            deadline = deadline.replace(year=deadline.year + 1)
        if deadline:
            return deadline
    return None


def due_reminders(deadline: date, today: date, days: tuple[int, ...] = DEADLINE_DAYS) -> list[int]:
    """The reminders due on ``today``: each N in ``days`` with deadline − N ≤ today ≤ deadline.

    At most one: the smallest N whose day has come (3 days left → the 7-day reminder;
    the last day → the 1-day one, whether or not the 7-day one was ever sent).
    """
    left = (deadline - today).days
    if left < 0:
        return []
    due = [n for n in days if left <= n]
    return [min(due)] if due else []
