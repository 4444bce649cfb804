"""Extraction-quality gate (as trafilatura keeps one): every real page with a human
ground truth is read, each page class keeps a pinned F1 floor, and the corpus is pinned
by a digest so a silent fixture change cannot move the bar.

Corpus: tests/fixtures/real/news/ — 34 Chinese news and government pages with their
expected bodies from opendatalab/magic-html's article benchmark (base.json, commit
47d4a7fed12030e906a093b074637f178cb46ef2; see tests/fixtures/real/MANIFEST.md), split
into ``gov`` (government and party media sites) and ``news`` (commercial portals); plus
the WeChat page of the same benchmark. Scores are character-bigram F1
(``crawler.normalise.quality``) of title + lead + body against the expected text. The
same pages score trafilatura in ``python -m benchmarks normalise`` (our mean must stay
at or above it).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import statistics
from functools import cache
from pathlib import Path

import pytest

from crawler.normalise import normalise
from crawler.normalise.quality import body_f1

REAL = Path(__file__).parent / "fixtures" / "real"
NEWS = REAL / "news"
EXPECTED = json.loads((NEWS / "expected.json").read_text(encoding="utf-8"))
WECHAT = REAL / "wechat" / "magichtml_suide_tuiyijunren_2022.html"
WECHAT_EXPECTED = json.loads(WECHAT.with_suffix(".expected.json").read_text(encoding="utf-8"))

#: sha256 of the corpus (file names and bytes, name order). Change it only together with
#: the fixtures and the floors below, after looking at the new scores.
CORPUS_DIGEST = "a32566391ae63c1e23e64a592508995e6355cb9c53ea3211a4a7c566e52b174f"
#: Lowest F1 any page of a class may score, and the class mean floor.
PAGE_FLOOR = {"gov": 0.945, "news": 0.575, "wechat": 0.975}
MEAN_FLOOR = {"gov": 0.972, "news": 0.94, "wechat": 0.975}


def corpus_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted([*NEWS.iterdir(), WECHAT, WECHAT.with_suffix(".expected.json")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def scores() -> dict[str, tuple[str, float]]:
    """Page name → (class, F1) for the whole corpus."""
    found = {}
    for name, page in EXPECTED.items():
        doc = normalise(gzip.decompress((NEWS / f"{name}.html.gz").read_bytes()), url=page["url"])
        found[name] = (page["class"], body_f1("\n".join([doc.title, doc.lead, doc.body]), page["content"])[2])
    doc = normalise(WECHAT.read_bytes(), url=WECHAT_EXPECTED["url"])
    found[WECHAT.stem] = ("wechat", body_f1("\n".join([doc.title, doc.lead, doc.body]), WECHAT_EXPECTED["content"])[2])
    return found


def test_the_corpus_is_the_pinned_one():
    assert len(EXPECTED) == 34 and all((NEWS / f"{name}.html.gz").is_file() for name in EXPECTED)
    assert corpus_digest() == CORPUS_DIGEST, "fixtures changed: re-measure, then update digest and floors"


@pytest.mark.parametrize("page_class", sorted(PAGE_FLOOR))
def test_every_page_of_a_class_meets_its_floor(page_class):
    mine = {name: f1 for name, (cls, f1) in scores().items() if cls == page_class}
    assert mine, page_class
    low = {name: round(f1, 3) for name, f1 in mine.items() if f1 < PAGE_FLOOR[page_class]}
    assert not low, low
    assert statistics.mean(mine.values()) >= MEAN_FLOOR[page_class], statistics.mean(mine.values())
