"""Inline diff inside a changed clause, in runs a human reads easily.

Tokens are whole numbers and Latin words (``50000``, ``PLC``), policy words from the
lexicon (``鼓励``, ``不少于``) and otherwise single Chinese characters, so ``50000 → 60000``
and ``鼓励 → 要求`` show whole. Tokens are compared by their folded key: spaces, bold
marks and punctuation width never show as change. Short equal runs stranded between two
edits are merged into them (one character of "common ground" inside a rewritten phrase
reads as noise).
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from diffing.lexicon import INLINE_WORDS
from diffing.memo import memoised
from diffing.textnorm import fold, fold_char

_LATIN = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:[.,\uff0e][0-9\uff10-\uff19]+)*")
_LONGEST = max(len(w) for w in INLINE_WORDS)
#: One token: a Latin/number run, else the longest lexicon word here, else one character.
_TOKEN = re.compile("|".join([_LATIN.pattern, *(re.escape(w) for w in sorted(INLINE_WORDS, key=len, reverse=True)),
                              "."]), re.S)
_ISLAND = 1  # equal runs up to this many key characters between edits are merged away

Segment = tuple[str, str]


#: Tokens made only of Chinese characters and ASCII letters/digits/.,: their own key.
_SELF_KEYED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z.,]+")


@memoised(maxsize=65536)
def _key(token: str) -> str:
    if len(token) == 1:
        return fold_char(token)
    return token if _SELF_KEYED.fullmatch(token) else fold(token)


def _common_length(a: str, b: str, limit: int) -> int:
    """Length of the common prefix of ``a`` and ``b`` (binary search on slices, in C)."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def tokenize(text: str) -> list[tuple[str, str]]:
    """``(key, text)`` tokens; formatting (spaces, bold marks) rides on the previous token."""
    tokens: list[tuple[str, str]] = []
    pending = ""
    for piece in _TOKEN.findall(text):
        key = _key(piece)
        if not key:
            if tokens:
                tokens[-1] = (tokens[-1][0], tokens[-1][1] + piece)
            else:
                pending += piece
        else:
            tokens.append((key, pending + piece))
            pending = ""
    if pending:
        tokens.append(("", pending))
    return tokens


def inline_diff(plan: str, doc: str) -> list[Segment]:
    """``(op, text)`` segments, op in equal | delete | insert.

    The document side (equal + insert) reproduces ``doc`` exactly; the plan side
    (equal + delete) has the same folded key as ``plan``. The identical head and tail
    are taken off first, so tokenising and the token diff only run over the edit.
    """
    head, tail = _shared_ends(plan, doc)
    old = tokenize(plan[head:len(plan) - tail])
    new = tokenize(doc[head:len(doc) - tail])
    raw: list[Segment] = [("equal", doc[:head])]
    old_keys, new_keys = [k for k, _ in old], [k for k, _ in new]
    if set(old_keys) & set(new_keys):
        opcodes = SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    else:
        opcodes = [("replace", 0, len(old), 0, len(new))]
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            raw.append(("equal", "".join(t for _, t in new[j1:j2])))
            continue
        if i2 > i1:
            raw.append(("delete", "".join(t for _, t in old[i1:i2])))
        if j2 > j1:
            raw.append(("insert", "".join(t for _, t in new[j1:j2])))
    raw.append(("equal", doc[len(doc) - tail:]))
    return _coalesce(_absorb_islands(_coalesce(raw)))


def _shared_ends(plan: str, doc: str) -> tuple[int, int]:
    """Lengths of the identical head and tail, backed off so no token is cut in two."""
    limit = min(len(plan), len(doc))
    head = _common_length(plan, doc, limit)
    head = max(0, head - _LONGEST)
    while head > 0 and _LATIN.match(doc, head - 1):
        head -= 1
    tail = _common_length(plan[head:][::-1], doc[head:][::-1], limit - head)
    tail = max(0, tail - _LONGEST)
    while tail > 0 and _LATIN.match(doc, len(doc) - tail - 1):
        tail -= 1
    return head, tail


def _absorb_islands(segments: list[Segment]) -> list[Segment]:
    """Merge tiny equal runs that sit between two edits into those edits."""
    out: list[Segment] = []
    for index, (op, text) in enumerate(segments):
        stranded = (op == "equal" and 0 < index < len(segments) - 1 and len(text.strip()) <= _ISLAND
                    and out and out[-1][0] != "equal" and segments[index + 1][0] != "equal")
        if stranded:
            out.extend([("delete", text), ("insert", text)])
        else:
            out.append((op, text))
    return out


def _coalesce(segments: list[Segment]) -> list[Segment]:
    """Join neighbouring runs of the same op; within an edit, deletions come first."""
    out: list[Segment] = []
    deleted = inserted = ""
    for op, text in [*segments, ("equal", "")]:
        if op == "delete":
            deleted += text
        elif op == "insert":
            inserted += text
        else:
            if deleted:
                out.append(("delete", deleted))
            if inserted:
                out.append(("insert", inserted))
            deleted = inserted = ""
            if text and out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + text)
            elif text:
                out.append(("equal", text))
    return out


def plan_side(segments: list[Segment]) -> str:
    """The plan's text as the segments show it (equal + delete)."""
    return "".join(text for op, text in segments if op != "insert")


def doc_side(segments: list[Segment]) -> str:
    """The document's text as the segments show it (equal + insert)."""
    return "".join(text for op, text in segments if op != "delete")
