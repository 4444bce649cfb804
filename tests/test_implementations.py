"""Provincial implementation plans: related as ``implementation``, targets paired with the national plan's."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.normalise import finish
from diffing import compare
from diffing.targets import compare_targets, implements, match_tasks
from store.archive import Archive
from store.model import Document
from tests.fixtures.diff.corpus import INTERPRETATION, PLAN, PLAN_TITLE, SEED
from tests.support import processes, serve_site
from tests.support.crawl import crawl_counts, write_sources
from tests.support.govsites import GovArticle, JcmsColumn
from tests.support.provinces import JIANGSU, JIANGSU_TITLE, ZHEJIANG, ZHEJIANG_TITLE

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["--db", str(db)] if db else []
    return processes.run([sys.executable, "-m", "policywatch", *prefix, *args], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)


def by_context(figures):
    return {f["context"]: f for f in figures}


def test_jiangsu_plan_is_an_implementation_with_targets_paired():
    data = compare(PLAN, JIANGSU, plan_title=PLAN_TITLE, doc_title=JIANGSU_TITLE).to_dict()
    assert data["relation"] == "implementation" and data["changes"] == []
    figures = by_context(data["figures"])
    assert (figures["企业数"]["plan"], figures["企业数"]["doc"], figures["企业数"]["ratio"]) == \
        ("不少于50000家", "不少于5000家", 0.1)
    assert (figures["重点行业"]["plan"], figures["重点行业"]["doc"], figures["重点行业"]["ratio"]) == ("20个", "10个", 0.5)
    assert (figures["期限"]["plan"], figures["期限"]["doc"], figures["期限"]["ratio"]) == ("到2028年", "到2027年底", None)
    assert (figures["数据集"]["plan"], figures["数据集"]["doc"], figures["数据集"]["kind"]) == (None, "不少于50个", "added")
    assert figures["示范项目"]["doc"] == "100个"
    tasks = data["implementation"]
    assert tasks["omitted"] == ["提升工业模型开发部署效率", "加快技术产品创新", "优化公共服务能力"]
    assert tasks["added"] == ["打造长三角工业互联网协同示范区"] and len(tasks["adopted"]) == 8
    assert tasks["deadlines"] == [{"plan": "到2028年", "doc": "到2027年底", "shift_months": -12}]


def test_reposts_interpretations_and_the_plan_itself_are_not_implementations():
    assert not implements(PLAN_TITLE, PLAN, PLAN_TITLE, PLAN)
    assert not implements(PLAN_TITLE, PLAN, "工信部印发《工业互联网和人工智能融合赋能行动方案》", SEED)
    assert compare(PLAN, SEED, plan_title=PLAN_TITLE, doc_title="工信部印发《工业互联网和人工智能融合赋能行动方案》"
                   ).relation == "repost"
    assert compare(PLAN, INTERPRETATION, plan_title=PLAN_TITLE, doc_title="一图读懂行动方案").relation == "interpretation"
    assert implements(PLAN_TITLE, PLAN, ZHEJIANG_TITLE, ZHEJIANG)


def test_a_passed_on_copy_of_a_plan_named_implementation_plan_is_a_copy_not_an_implementation():
    """A plan whose own name holds 实施方案 is not implemented by every account that passes it on."""
    name = "新型工业网络建设实施方案"
    plan = "一、总体要求\n\n到2028年，建成不少于200个示范工厂，网络改造企业达到5000家。\n\n二、重点任务\n\n推进网络改造。"
    copy = plan.replace("5000家", "6000家")
    for title in (f"转发：{name}", f"转载｜{name}", f"{name}（全文）"):
        assert not implements(name, plan, title, copy), title
        assert compare(plan, copy, plan_title=name, doc_title=title).relation != "implementation", title
    assert implements(name, plan, f"广东省{name}", copy)


def test_a_plan_whose_opening_says_it_implements_the_national_one():
    title = "江苏省推进工业互联网和人工智能融合发展三年行动"
    assert implements(PLAN_TITLE, PLAN, title, JIANGSU.replace(JIANGSU_TITLE, title))
    commentary = "为贯彻落实《工业互联网和人工智能融合赋能行动方案》，我们梳理了五个看点。"
    assert not implements(PLAN_TITLE, PLAN, "五个看点读懂融合赋能", commentary)


def test_an_implementation_that_does_not_name_the_plan_is_found_by_its_outline():
    unnamed = JIANGSU.replace("《工业互联网和人工智能融合赋能行动方案》", "国家有关行动方案")
    assert implements(PLAN_TITLE, PLAN, "江苏省工业互联网和人工智能融合发展实施方案", unnamed)
    assert not implements(PLAN_TITLE, PLAN, "江苏省工业互联网和人工智能融合发展实施方案",
                          "一、总体要求\n\n到2027年，全省推动数字化转型。")


def test_percent_targets_pair_without_a_ratio_and_tasks_match_despite_rewording():
    found = compare_targets("一、目标\n\n到2027年，规上工业企业数字化率达到80%以上。",
                            "一、目标\n\n到2026年底，规上工业企业数字化率达到85%以上。")
    share = next(f for f in found.figures if f.context == "占比")
    assert (share.plan, share.doc, share.ratio) == ("达到80%以上", "达到85%以上", None)
    adopted, omitted, added = match_tasks(["提高工业互联网平台智能化水平"], ["提升工业互联网平台智能化水平", "培育产业集群"])
    assert (adopted, omitted, added) == (["提高工业互联网平台智能化水平"], [], ["培育产业集群"])


def test_diff_cli_json_contract_for_a_provincial_plan(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "jiangsu.txt").write_text(JIANGSU, encoding="utf-8")
    result = cli("diff", str(tmp_path / "plan.txt"), str(tmp_path / "jiangsu.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["relation"] == "implementation"
    assert {"context": "企业数", "plan": "不少于50000家", "doc": "不少于5000家", "ratio": 0.1}.items() \
        <= by_context(data["figures"])["企业数"].items()


def article(n: int, title: str, text: str, issuer: str, date: str) -> GovArticle:
    return GovArticle(n, title, date, [p for p in text.split("\n\n") if p.strip() and p != title],
                      doc_number=f"苏工信数据〔2026〕{n}号", issuer=issuer, written=date)


def test_crawled_provincial_plans_are_listed_per_plan_with_targets(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.track_plan("ai-plan", finish(Document(kind="generic", title=PLAN_TITLE, body=PLAN)))
    with serve_site() as site:
        column = JcmsColumn(site, [
            article(1, JIANGSU_TITLE, JIANGSU, "江苏省工业和信息化厅", "2026-03-20"),
            article(2, ZHEJIANG_TITLE, ZHEJIANG, "浙江省经济和信息化厅", "2026-04-02"),
            article(3, "关于开展2026年度中小企业特色产业集群申报工作的通知", "各设区市工业和信息化局：\n\n请按要求组织申报。",
                    "江苏省工业和信息化厅", "2026-04-10"),
        ])
        sources = write_sources(tmp_path, [{"name": "js", "kind": "column", "url": column.url, "allow_private": True}])
        counts = crawl_counts(sources, db)
    assert (counts["new"], counts["errors"]) == (3, 0), counts["error_lines"]
    result = cli("implementations", "ai-plan", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["issuer"], r["date"]) for r in rows] == [("浙江省经济和信息化厅", "2026-04-02"),
                                                       ("江苏省工业和信息化厅", "2026-03-20")]
    assert set(rows[0]) == {"document_id", "issuer", "date", "title", "url", "targets", "adopted", "omitted", "added"}
    zhejiang = by_context(rows[0]["targets"])
    assert (zhejiang["企业数"]["doc"], zhejiang["企业数"]["ratio"]) == ("不少于8000家", 0.16)
    assert by_context(rows[1]["targets"])["企业数"]["ratio"] == 0.1
    assert rows[1]["added"] == ["打造长三角工业互联网协同示范区"]
    text = cli("implementations", "ai-plan", db=db)
    assert "不少于50000家 → 不少于5000家  ×0.1" in text.stdout
    missing = cli("implementations", "nope", db=db)
    assert missing.returncode == 2 and "no tracked plan named nope" in missing.stderr


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6),
       st.integers(min_value=2020, max_value=2040), st.integers(min_value=2020, max_value=2040))
def test_count_targets_pair_with_their_ratio_and_deadlines_with_their_shift(national, local, year, local_year):
    found = compare_targets(f"一、目标\n\n到{year}年，推动不少于{national}家企业上云。",
                            f"一、目标\n\n到{local_year}年，推动不少于{local}家企业上云。")
    pairs = {f.context: f for f in found.figures}
    assert pairs["企业数"].ratio == round(local / national, 4)
    assert pairs["期限"].ratio is None
    assert [d["shift_months"] for d in found.deadlines] == ([12 * (local_year - year)] if year != local_year else [])
