"""A policy's life at scale: screening against many tracked plans, linking a final among many drafts.

1. **Screening** a new document against N tracked plans (N = 10, 100, 500, 2,000), as the
   ingest path does it (``diffing.screen_index.ScreenIndex`` plus the plans named in
   《》), against the baseline of ``diffing.screen.screen`` over every plan. Target: median
   ≤ 10 ms at 500 plans. Plans are synthetic action plans of ~3,500 characters written
   with the seed plan's vocabulary in new orders (real plans share only short phrases);
   documents are a 5% revision of one plan (a repost), an interpretation naming one plan
   and an unrelated notice.
2. **Linking a final to its draft** among 10,000 consultation drafts in a real archive:
   the title key, the indexed look-up and the issuer check (what ``crawler.lifecycle``
   does before the draft→final compare, which is the diff engine's figure). Target ≤ 20 ms.

Times are CPU time of this process (``time.process_time``) medians, so that the other work on
a shared machine does not inflate them.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from diffing.lifecycle import cited_names, title_key
from diffing.screen import screen
from diffing.screen_index import Prepared, ScreenIndex
from store.archive import Archive
from tests.fixtures.diff.corpus import PLAN, revision

SIZES = (10, 100, 500, 2_000)
BASELINE_MAX = 500
DRAFTS = 10_000
INDUSTRIES = ("原材料", "装备制造", "消费品", "电子信息", "石化化工", "钢铁", "有色金属", "建材", "纺织", "轻工",
              "医药", "汽车", "船舶", "航空航天", "轨道交通", "电力装备", "农机装备", "食品", "家电", "集成电路")
TECHS = ("人工智能", "工业互联网", "5G", "北斗", "区块链", "大数据", "云计算", "数字孪生", "边缘计算", "工业软件",
         "智能传感", "机器人", "增材制造", "新型储能", "氢能", "算力网络", "卫星互联网", "量子通信", "物联网", "元宇宙")
REGIONS = ("京津冀", "长三角", "粤港澳大湾区", "成渝", "长江中游", "东北", "中原", "关中平原", "北部湾", "山东半岛")
#: Words plans are written with: the two-character runs of the seed plan (real vocabulary,
#: in new orders, so that two plans share short phrases but no long passages).
WORDS = tuple(sorted({PLAN[i:i + 2] for i in range(0, len(PLAN) - 1)
                      if all("\u4e00" <= ch <= "\u9fff" for ch in PLAN[i:i + 2])}))


def synthetic_plan(seed: int) -> tuple[str, str]:
    """(title, body) of a plan on its own mix of industries and technologies, ~3,500 characters."""
    rng = random.Random(seed)
    title = f"{rng.choice(REGIONS)}{rng.choice(INDUSTRIES)}{rng.choice(TECHS)}融合发展行动方案（第{seed}号）"
    sections = []
    for number, heading in enumerate(("总体要求", "重点任务", "保障措施"), start=1):
        sentences = ["".join(rng.choices(WORDS, k=rng.randint(8, 16)))
                     + (f"，到{rng.randint(2026, 2035)}年达到{rng.randint(3, 9999)}家。" if rng.random() < 0.2 else "。")
                     for _ in range(36)]
        sections.append(f"{'一二三'[number - 1]}、{heading}\n\n" + "\n\n".join(sentences))
    return title, f"{title}\n\n" + "\n\n".join(sections)


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def _screen_as_ingest(index: ScreenIndex, keys: dict[str, str], doc: str) -> set[str]:
    """What ``crawler.ingest.Ingestor._screen`` computes: screen hits plus plans named in 《》."""
    cited = cited_names(doc)
    return {hit.name for hit in index.screen(doc)} | {name for name, key in keys.items() if key in cited}


def run() -> None:
    """Print the screening curve and the draft-linking time."""
    _screening()
    _linking()


def _screening() -> None:
    plans = [synthetic_plan(seed) for seed in range(max(SIZES))]
    target_title, target = plans[7]
    interpretation = (f"近日，有关部门印发《{target_title}》。专家表示，方案部署清晰，" * 8
                      + target.split("\n\n")[3])
    unrelated = "\n\n".join(synthetic_plan(10_000_000 + n)[1] for n in range(1))
    docs = {"repost (5% revision)": revision(0.05, target), "interpretation": interpretation, "unrelated": unrelated}
    print(f"screening one document against N tracked plans (~{len(target):,} characters each); CPU ms, median")
    print(f"{'plans':>6} {'index build s':>14} " + " ".join(f"{name:>22}" for name in docs)
          + f" {'baseline screen() ms':>21} {'x':>6}")
    for size in SIZES:
        chosen = plans[:size]
        started = time.process_time()
        prepared = [Prepared.build(title, body, title) for title, body in chosen]
        index = ScreenIndex(prepared)
        keys = {title: title_key(title) for title, _ in chosen}
        build = time.process_time() - started
        spent = {name: _median_ms(lambda d=doc, i=index, k=keys: _screen_as_ingest(i, k, d), 15)
                 for name, doc in docs.items()}
        hits = _screen_as_ingest(index, keys, docs["repost (5% revision)"])
        assert target_title in hits, "the repost's plan must be found"
        every = [p.plan for p in prepared]
        base = (_median_ms(lambda e=every: screen(e, docs["repost (5% revision)"]), 5)
                if size <= BASELINE_MAX else float("nan"))
        repost = spent["repost (5% revision)"]
        print(f"{size:>6} {build:>14.2f} " + " ".join(f"{spent[name]:>22.2f}" for name in docs)
              + f" {base:>21.1f} {base / repost:>6.1f}")
    print("(target: ≤ 10 ms at 500 plans; baseline = diffing.screen.screen over every plan, repost document)")


def _linking() -> None:
    with tempfile.TemporaryDirectory() as directory, Archive(Path(directory) / "drafts.db") as archive:
        rng = random.Random(1)
        titles = [synthetic_plan(seed)[0] for seed in range(DRAFTS)]
        with archive.write() as conn:
            conn.executemany("INSERT INTO documents (id, key, url, status, first_seen) VALUES (?, ?, ?, 'ok', ?)",
                             ((n + 1, f"https://www.miit.gov.cn/yjzj/{n}.html", f"https://www.miit.gov.cn/yjzj/{n}.html",
                               "2026-01-01") for n in range(DRAFTS)))
        for n, title in enumerate(titles):
            archive.save_consultation(n + 1, key=title_key(f"关于公开征求《{title}（征求意见稿）》意见的通知"),
                                      issuer="工业和信息化部", source="miit",
                                      deadline=f"2026-{rng.randint(1, 12):02d}-28", published="2026-01-02")
        finals = [f"工业和信息化部关于印发《{titles[rng.randrange(DRAFTS)]}（试行）》的通知" for _ in range(200)]
        found = iter(finals * 10)

        def link() -> None:
            draft = archive.find_draft(title_key(next(found)), before="2026-06-01", exclude=0)
            assert draft is not None and draft["issuer"] == "工业和信息化部"

        spent = _median_ms(link, 201)
        print(f"\nfinding a final's draft among {DRAFTS:,} consultation drafts (title key + indexed look-up): "
              f"{spent:.3f} ms median (target ≤ 20 ms)")
