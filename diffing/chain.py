"""Patience diff over clause keys: the monotone chain of equal keys that anchors an alignment.

Keys unique on both sides anchor a longest increasing subsequence; the gaps between
anchors are solved recursively; a gap whose common keys all repeat falls back to
difflib on that (small) gap. Empty keys never match.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from difflib import SequenceMatcher


def longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, second) in enumerate(pairs):
        pos = bisect_left(tails, second)
        if pos == len(tails):
            tails.append(second)
            tail_at.append(index)
        else:
            tails[pos] = second
            tail_at[pos] = index
        back[index] = tail_at[pos - 1] if pos else -1
    out: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        out.append(pairs[index])
        index = back[index]
    return out[::-1]


def exact_chain(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Monotone pairs of equal keys (patience diff); empty keys never match."""
    result: list[tuple[int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        a0, a1, b0, b1 = todo.pop()
        while a0 < a1 and b0 < b1 and a[a0] and a[a0] == b[b0]:
            result.append((a0, b0))
            a0, b0 = a0 + 1, b0 + 1
        while a0 < a1 and b0 < b1 and a[a1 - 1] and a[a1 - 1] == b[b1 - 1]:
            result.append((a1 - 1, b1 - 1))
            a1, b1 = a1 - 1, b1 - 1
        if a0 >= a1 or b0 >= b1:
            continue
        anchors = _unique_anchors(a, b, (a0, a1), (b0, b1))
        if not anchors:
            result.extend(_dense_matches(a, b, (a0, a1), (b0, b1)))
            continue
        prev_a, prev_b = a0, b0
        for i, j in anchors:
            if prev_a < i and prev_b < j:  # an empty gap has nothing to match
                todo.append((prev_a, i, prev_b, j))
            result.append((i, j))
            prev_a, prev_b = i + 1, j + 1
        todo.append((prev_a, a1, prev_b, b1))
    return sorted(result)


def _unique_anchors(a: list[str], b: list[str], ra: tuple[int, int], rb: tuple[int, int]) -> list[tuple[int, int]]:
    count_a = Counter(a[ra[0]:ra[1]])
    count_b = Counter(b[rb[0]:rb[1]])
    where_b = {b[j]: j for j in range(*rb) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(*ra)
             if a[i] and count_a[a[i]] == 1 and a[i] in where_b]
    return longest_increasing(pairs)


def _dense_matches(a: list[str], b: list[str], ra: tuple[int, int], rb: tuple[int, int]) -> list[tuple[int, int]]:
    """Fallback for gaps whose common keys all repeat: difflib on the (small) gap."""
    left, right = a[ra[0]:ra[1]], b[rb[0]:rb[1]]
    if not set(left) & set(right):
        return []
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    return [(ra[0] + block.a + k, rb[0] + block.b + k)
            for block in matcher.get_matching_blocks() for k in range(block.size) if left[block.a + k]]
