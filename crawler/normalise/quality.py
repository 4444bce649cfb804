"""Extraction accuracy: character-bigram F1 between an extracted body and a reference.

Chinese has no spaces to split words on, so tokens are overlapping character
pairs of the text with all whitespace removed (the measure magic-html's and
similar benchmarks use for CJK); multiset overlap gives precision and recall.
"""
from __future__ import annotations

import re
from collections import Counter

_SPACE = re.compile(r"\s+")


def bigrams(text: str) -> Counter[str]:
    """Multiset of overlapping character pairs, whitespace ignored."""
    compact = _SPACE.sub("", text)
    return Counter(compact[i:i + 2] for i in range(len(compact) - 1))


def body_f1(extracted: str, reference: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``extracted`` against ``reference``."""
    got, want = bigrams(extracted), bigrams(reference)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)
