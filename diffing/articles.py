"""Article-level bookkeeping of law-style texts (第X条): renumbering, splits and merges.

When an amendment deletes or inserts articles, every later article shifts and the
text's own cross-references (本法第二十八条) follow: that edit is bookkeeping, reported
as ``renumbered``. When an old article's clauses end up in several new articles it was
``split``; when a new article gathers clauses of several old ones they were ``merged``.
The article each clause belongs to is the last 第X条 label of its outline path.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from diffing.memo import memoised
from diffing.model import Change, Clause
from diffing.textnorm import fold

_ARTICLE = re.compile(r"第([零〇一二两三四五六七八九十百千\d]+)条")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def number(numeral: str) -> int:
    """一百六十五 / 165 → 165 (the numerals law texts use for article numbers)."""
    if numeral.isdigit():
        return int(numeral)
    total = digit = 0
    for char in numeral:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


@memoised(maxsize=8192)
def article_of(section: str) -> int | None:
    """The article a clause belongs to: the last 第X条 of its outline path, or None (memoised:
    every clause of an article shares its section)."""
    if "条" not in section:
        return None
    found = _ARTICLE.findall(section or "")
    return number(found[-1]) if found else None


def article_map(sections: Iterable[tuple[str, str]]) -> dict[int, int]:
    """Old article → new article, each by where most of its clauses went.

    ``sections`` are the (old, new) outline paths of clause pairs that stayed equal;
    they repeat (every clause of an article shares its path), so they are counted first.
    """
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for (old, new), count in Counter(sections).items():
        before, after = article_of(old), article_of(new)
        if before is not None and after is not None:
            votes[before][after] += count
    return {old: counts.most_common(1)[0][0] for old, counts in votes.items()}


def renumbered_only(plan_text: str, doc_text: str, mapping: dict[int, int]) -> bool:
    """Whether the only edit is cross-references renumbered as the articles themselves were.

    Every 第X条 of the old text is read as the article it became; the texts must then
    be equal (folded) and at least one reference must actually have moved.
    """
    moved = False

    def renumber(match: re.Match[str]) -> str:
        nonlocal moved
        old = number(match.group(1))
        new = mapping.get(old, old)
        moved = moved or new != old
        return f"第{new}条"

    before = _ARTICLE.sub(renumber, plan_text)
    after = _ARTICLE.sub(lambda m: f"第{number(m.group(1))}条", doc_text)
    return moved and fold(before) == fold(after)


def splits_and_merges(plan: list[Clause], doc: list[Clause], pairs: Iterable[tuple[int, int]]) -> list[Change]:
    """``split`` for an old article whose clauses went to several new articles, ``merged`` for
    a new article holding clauses of several old ones; each change carries all the parts.

    ``pairs`` are (plan clause, document clause) indices of every paired clause.
    """
    to_new: dict[int, dict[int, None]] = defaultdict(dict)
    to_old: dict[int, dict[int, None]] = defaultdict(dict)
    for old_section, new_section in dict.fromkeys((plan[i].section, doc[j].section) for i, j in pairs):
        old, new = article_of(old_section), article_of(new_section)
        if old is not None and new is not None:
            to_new[old][new] = None
            to_old[new][old] = None
    changes = []
    for old, news in to_new.items():
        if len(news) > 1:
            changes.append(_part_change("split", [old], list(news), plan, doc))
    for new, olds in to_old.items():
        if len(olds) > 1:
            changes.append(_part_change("merged", list(olds), [new], plan, doc))
    return changes


def _part_change(kind: str, olds: list[int], news: list[int], plan: list[Clause], doc: list[Clause]) -> Change:
    """One change naming every old and new article involved, with their whole texts."""
    old_parts = [_article_text(plan, a) for a in olds]
    new_parts = [_article_text(doc, a) for a in news]
    return Change(kind, "、".join(section for section, _, _ in old_parts),
                  "\n".join(text for _, text, _ in old_parts), "\n".join(text for _, text, _ in new_parts),
                  similarity=0.0, doc_section="、".join(section for section, _, _ in new_parts),
                  plan_index=old_parts[0][2], doc_index=new_parts[0][2])


def _article_text(clauses: list[Clause], article: int) -> tuple[str, str, int]:
    """(section of its first clause, its whole text, index of its first clause)."""
    mine = [c for c in clauses if article_of(c.section) == article]
    return mine[0].section, "".join(c.text for c in mine), mine[0].index
