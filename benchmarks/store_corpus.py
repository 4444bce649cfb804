"""Generated Chinese policy documents for the archive benchmark and search tests.

Documents of realistic length (about 300–3,500 characters, 1,500 on average, like MIIT notices and
WeChat reposts): 15% rework the plan (90% of their sentences come from it), the
others are on other subjects (3% plan sentences). Two kinds of sentence: phrases of the real seed plan
(seeds/000_…txt) recombined, with changed figures and the formatting noise real
pages carry (full-width digits, stray spaces around numbers, 5G/AI terms); and
sentences of words drawn by frequency from jieba's dictionary
(data/zh_words.txt.gz), so that characters and words follow the long-tailed
distribution of real Chinese text instead of a few hundred repeated phrases.
Deterministic for a given seed.
"""
from __future__ import annotations

import gzip
import itertools
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from store.model import Document

SEED_PLAN = Path(__file__).resolve().parent.parent / "seeds" / "000_9b394f8deb7d7ec6.txt"
WORDS = Path(__file__).resolve().parent / "data" / "zh_words.txt.gz"
#: Share of documents that repost or rework the plan, and the share of plan sentences in
#: reposts and in the other documents (news, notices on other subjects).
REPOST_SHARE, POLICY_SHARE_REPOST, POLICY_SHARE_OTHER = 0.15, 0.9, 0.03
ACCOUNTS = ("工信微报", "中国政府网", "赛博研究院", "工信头条", "网信中国", "国务院公报", "工业互联网产业联盟",
            "中国信通院CAICT", "人民邮电报", "新华社", "科技日报", "数字化转型研究")
SOURCES = ("miit", "wechat-feeds", "govcn")
TITLES = ("关于印发《{}》的通知", "工信部解读：{}", "{}政策要点一览", "转发：{}", "一图读懂《{}》", "{}（全文）")
_PHRASE_END = re.compile(r"[，。；！？：]")


@cache
def phrases() -> tuple[str, ...]:
    """The seed plan's phrases (split at ，。；！？：), markup removed, duplicates dropped."""
    text = SEED_PLAN.read_text(encoding="utf-8").split("---", 2)[-1]
    lines = [line.strip().strip("*#").strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("![") and len(line) > 8]
    found = (p.strip() for line in lines for p in _PHRASE_END.split(line))
    return tuple(dict.fromkeys(p for p in found if len(p) > 3))


@cache
def words() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Chinese words and their cumulative frequencies (for random.choices)."""
    with gzip.open(WORDS, "rt", encoding="utf-8") as lines:
        pairs = [line.rstrip("\n").split("\t") for line in lines if not line.startswith("#")]
    return tuple(w for w, _ in pairs), tuple(itertools.accumulate(int(c) for _, c in pairs))


def sentence(rng: random.Random, policy_share: float) -> str:
    """A policy sentence (2–5 seed phrases) or a sentence of 10–40 frequency-drawn words."""
    if rng.random() < policy_share:
        pool = phrases()
        return "，".join(noisy(rng.choice(pool), rng) for _ in range(rng.randint(2, 5))) + rng.choice("。。。；")
    vocabulary, weights = words()
    drawn = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(10, 40))
    cut = rng.randrange(3, len(drawn))
    return "".join(drawn[:cut]) + "，" + "".join(drawn[cut:]) + "。"


def noisy(clause: str, rng: random.Random) -> str:
    """A phrase with changed figures and, sometimes, formatting noise."""
    clause = re.sub(r"\d+", lambda m: str(max(1, int(m.group()) + rng.choice((0, 0, 0, 10, -5, 1000)))), clause)
    roll = rng.random()
    if roll < 0.05:
        clause = clause.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    elif roll < 0.10:
        clause = re.sub(r"(\d+)", r" \1 ", clause)
    return clause


def make_document(n: int, rng: random.Random) -> Document:
    """Document number ``n``: 4–14 paragraphs of 2–5 sentences; a repost of the plan or another text."""
    share = POLICY_SHARE_REPOST if rng.random() < REPOST_SHARE else POLICY_SHARE_OTHER
    paragraphs = ["".join(sentence(rng, share) for _ in range(rng.randint(2, 5)))
                  for _ in range(rng.randint(4, 14))]
    topic = rng.choice(("工业互联网和人工智能融合赋能行动方案", "新型工业网络建设指南", "工业数据要素行动计划",
                        "算力基础设施高质量发展行动计划", "5G+工业互联网发展意见", "制造业数字化转型实施方案"))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return Document(
        kind=rng.choice(("wechat", "miit")), url=f"https://mp.weixin.qq.com/s/bench{n:07d}",
        title=rng.choice(TITLES).format(topic), account=rng.choice(ACCOUNTS), source=rng.choice(SOURCES),
        published_at=f"{rng.choice((2024, 2025, 2026))}-{month:02d}-{day:02d}T10:00:00+08:00",
        fetched_at="2026-03-01T00:00:00+00:00", body="\n\n".join(paragraphs), content_hash=f"bench-{n}",
    )


def documents(count: int, seed: int = 0) -> Iterator[Document]:
    """``count`` generated documents, the same ones for the same seed."""
    rng = random.Random(seed)
    for n in range(count):
        yield make_document(n, rng)
