"""Documents for the scale benchmark: real Chinese text, real length distribution, reposts of the plan.

``data/zh_real_text.txt.gz`` holds the paragraphs of every real Chinese text in the
repository and the shared fixtures (the seed plan, the saved WeChat/gov.cn pages
normalised by policywatch, the four revised regulations, the feed items: 1,471
paragraphs, 84,000 characters) and, as ``#length N`` lines, the character counts of
the real documents among them (124–6,773, mean about 2,300). A generated document
takes its length from that distribution (±25 %) and fills it with sentences that
are, half and half, real sentences (figures changed, sometimes written full-width
or with stray spaces) and sentences of words drawn by frequency from jieba's
dictionary (the long tail of real vocabulary, so 1,000,000 documents do not repeat
a few thousand sentences). One document in :data:`REPOST_EVERY` is a repost of
the seed plan in one of :data:`VARIANTS` altered forms (the ones compared and
alerted on). Metadata: 12 national sources and 31 provincial ones, about 300
accounts, publication dates rising with the document number over 2019–2026.
Deterministic for a given seed.
"""
from __future__ import annotations

import gzip
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from benchmarks.store_corpus import noisy, sentence
from store.model import Document

REAL_TEXT = Path(__file__).resolve().parent / "data" / "zh_real_text.txt.gz"
SEED_PLAN = Path(__file__).resolve().parent.parent / "seeds" / "000_9b394f8deb7d7ec6.txt"
#: One document in this many is a repost of the plan (5 %: compared and alerted on).
REPOST_EVERY = 20
#: Distinct altered texts of the plan that reposts copy (accounts repost the same few texts).
VARIANTS = 40
PROVINCES = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新"
SOURCES = (("miit", "wechat-feeds", "govcn", "ndrc", "most", "mof", "samr", "cac", "nda", "mee", "mofcom", "pbc")
           + tuple(f"prov-{p}" for p in PROVINCES))
ACCOUNTS = tuple(f"{p}{suffix}" for p in PROVINCES for suffix in ("工信", "发改", "科技厅", "数据局", "网信", "政府网",
                                                                 "商务", "市场监管", "财政", "生态环境"))
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@cache
def real_text() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """(real sentences, real document lengths) from the data file."""
    sentences: list[str] = []
    lengths: list[int] = []
    with gzip.open(REAL_TEXT, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#length "):
                lengths.append(int(line.split()[1]))
            elif not line.startswith("#"):
                sentences += [s for s in _SENTENCE_END.split(line.strip()) if len(s) >= 6]
    return tuple(dict.fromkeys(sentences)), tuple(lengths)


@cache
def plan_text() -> str:
    """The seed plan's text (after its metadata header), bold marks removed."""
    return SEED_PLAN.read_text(encoding="utf-8").split("---", 2)[-1].replace("**", "").strip()


def plan_variant(number: int) -> str:
    """Altered repost ``number`` of the plan: figures changed, a few paragraphs dropped (deterministic)."""
    rng = random.Random(f"variant-{number}")
    paragraphs = [p for p in plan_text().split("\n") if p.strip()]
    kept = [p for p in paragraphs if rng.random() > 0.08]
    text = "\n\n".join(kept)
    return re.sub(r"\d{2,}", lambda m: str(int(m.group()) + rng.choice((0, 0, 0, 1000, -5))), text)


def _real_sentence(rng: random.Random) -> str:
    """A real sentence with its figures changed and, sometimes, full-width digits or stray spaces."""
    return noisy(rng.choice(real_text()[0]), rng)


def _body(rng: random.Random) -> str:
    """Paragraphs of 1–4 sentences up to a length drawn from the real documents' lengths."""
    target = int(rng.choice(real_text()[1]) * rng.uniform(0.75, 1.25))
    paragraphs: list[str] = []
    size = 0
    while size < target:
        paragraph = "".join(_real_sentence(rng) if rng.random() < 0.5 else sentence(rng, 0.0)
                            for _ in range(rng.randint(1, 4)))
        paragraphs.append(paragraph)
        size += len(paragraph)
    return "\n\n".join(paragraphs)


def is_repost(n: int) -> bool:
    """Whether document ``n`` reposts the plan."""
    return n % REPOST_EVERY == REPOST_EVERY // 2


def make_document(n: int, total: int, rng: random.Random) -> Document:
    """Document ``n`` of ``total``: a repost of a plan variant, or a text of real sentences and words."""
    day = 2557 * n // max(1, total)  # 2019-01-01 .. 2025-12-31, rising with n
    year, day_of_year = 2019 + day // 366, day % 366
    published = f"{year}-{1 + day_of_year // 31 % 12:02d}-{1 + day_of_year % 28:02d}"
    account = rng.choice(ACCOUNTS)
    if is_repost(n):
        variant = n // REPOST_EVERY % VARIANTS
        title, lead, body = f"转发：工业互联网和人工智能融合赋能行动方案（{variant}）", f"{account}编者按。", plan_variant(variant)
    else:
        title, lead, body = rng.choice(real_text()[0])[:40], None, _body(rng)
    return Document(kind=rng.choice(("wechat", "miit", "generic")), url=f"https://example.gov.cn/scale/{n:08d}",
                    title=title, account=account, source=rng.choice(SOURCES), published_at=published,
                    fetched_at="2026-03-01T00:00:00+00:00", lead=lead, body=body, content_hash=f"scale-{n}")


def documents(count: int, seed: int = 0) -> Iterator[Document]:
    """``count`` documents, the same ones for the same seed."""
    rng = random.Random(seed)
    for n in range(count):
        yield make_document(n, count, rng)


def revised(doc: Document, rng: random.Random) -> Document:
    """The next version of ``doc``: one paragraph rewritten, one added."""
    paragraphs = (doc.body or "").split("\n\n")
    paragraphs[rng.randrange(len(paragraphs))] = _real_sentence(rng) + sentence(rng, 0.0)
    paragraphs.append("（修订）" + _real_sentence(rng))
    return Document(kind=doc.kind, url=doc.url, title=doc.title, account=doc.account, source=doc.source,
                    published_at=doc.published_at, fetched_at=doc.fetched_at, lead=doc.lead,
                    body="\n\n".join(paragraphs), content_hash=doc.content_hash + "-r")
