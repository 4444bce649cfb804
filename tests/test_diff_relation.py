"""Relations driven by coverage, containment and changed quotes; titles in plan-first order.

Planted-edit style: each test builds a document from the tracked plan (the seed's body)
and asserts the relation an analyst expects and exactly the changes worth reporting.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from diffing import compare, parse
from diffing.render import render_html, render_json, render_markdown, render_text
from tests.browser.sample_archive import _commentary, plan_body
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE, SEED, replace_once
from tests.support import processes

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPHS = PLAN.split("\n\n")
THREE, EIGHT = (next(p for p in PARAGRAPHS if p.startswith(label)) for label in ("（三）", "（八）"))
QUOTED_CLAUSES = len(parse(THREE).clauses) + len(parse(EIGHT).clauses)

#: Several paragraphs of an expert's own commentary around the two quoted clauses.
COMMENTARY = "\n\n".join([
    "编者按：近日，工业和信息化部发布相关文件，围绕工业互联网和人工智能融合作出部署。本刊邀请专家进行解读。",
    "专家表示，算力是人工智能落地工业场景的基础，当前不少企业仍面临算力成本高、调度难的问题。",
    THREE,
    "专家认为，上述举措将有效缓解中小企业用算难、用算贵的困境，推动算力资源向制造业一线下沉。",
    "在行业推广方面，文件同样给出了清晰路径，突出以链带网、以网促链。",
    EIGHT,
    "专家最后指出，各地应结合产业基础，因地制宜抓好落实，避免一哄而上，切实把政策红利转化为发展动能。",
])


def test_the_web_pages_commentary_is_an_interpretation_without_changes() -> None:
    plan = plan_body()
    cmp = compare(plan, _commentary(plan), plan_title=PLAN_TITLE)
    assert cmp.relation == "interpretation"
    assert cmp.changes == [] and cmp.figures == [] and cmp.priority == "normal"


def test_commentary_quoting_two_clauses_is_an_interpretation_and_says_how_much_it_quotes() -> None:
    cmp = compare(PLAN, COMMENTARY, plan_title=PLAN_TITLE)
    assert cmp.relation == "interpretation"
    assert cmp.changes == [], "unquoted plan clauses are not 'removed', commentary is not 'added'"
    quoted = cmp.to_dict()["quoted"]
    assert quoted["clauses"] == QUOTED_CLAUSES and quoted["of"] == len(parse(PLAN).clauses)
    assert quoted["partial"] is True and 0 < quoted["share"] < 0.2
    assert f"quotes {QUOTED_CLAUSES} of {quoted['of']} plan clauses" in render_text(cmp)
    assert f"quotes {QUOTED_CLAUSES} of" in render_markdown(cmp) and f"quotes {QUOTED_CLAUSES} of" in render_html(cmp)
    assert sum(len(t) for t in cmp.outside) > 150, "the commentary is the document's own text"


@pytest.mark.parametrize("lead", ["", "转发：\n\n"])
def test_only_a_few_clauses_of_the_plan_is_an_excerpt(lead: str) -> None:
    cmp = compare(PLAN, f"{lead}{THREE}\n\n{EIGHT}", plan_title=PLAN_TITLE)
    assert cmp.relation == "excerpt" and cmp.changes == [] and cmp.priority == "normal"
    assert cmp.to_dict()["quoted"]["clauses"] == QUOTED_CLAUSES


def test_a_changed_quote_in_a_commentary_is_its_only_change() -> None:
    doc = replace_once(COMMENTARY, "鼓励公共算力服务商", "要求公共算力服务商")
    cmp = compare(PLAN, doc, plan_title=PLAN_TITLE)
    assert cmp.relation == "interpretation" and cmp.priority == "high"
    assert [(c.kind, c.section) for c in cmp.changes] == [("changed", "二、（三）")]
    assert ("delete", "鼓励") in cmp.changes[0].inline and ("insert", "要求") in cmp.changes[0].inline


def test_a_changed_quote_in_an_excerpt_keeps_it_an_excerpt() -> None:
    doc = replace_once(f"{THREE}\n\n{EIGHT}", "鼓励公共算力服务商", "要求公共算力服务商")
    cmp = compare(PLAN, doc, plan_title=PLAN_TITLE)
    assert cmp.relation == "excerpt" and cmp.priority == "high"
    assert [(c.kind, c.section) for c in cmp.changes] == [("changed", "二、（三）")]


def test_most_of_the_plan_with_a_change_is_still_an_altered_repost() -> None:
    altered = replace_once(SEED, "不少于50000家企业实施新型工业网络改造升级。工业数据",
                           "不少于60000家企业实施新型工业网络改造升级。工业数据")
    cmp = compare(PLAN, altered, plan_title=PLAN_TITLE)
    assert cmp.relation == "altered_repost" and not cmp.to_dict()["quoted"]["partial"]


BODY = PLAN.split("\n", 1)[1].lstrip()  # the plan without its title line, as the normaliser stores it
DOC_TITLE = "工信部印发《工业互联网和人工智能融合赋能行动方案》"


def test_the_documents_copy_of_the_plan_title_is_plan_text_not_outside() -> None:
    cmp = compare(BODY, SEED, plan_title=PLAN_TITLE, doc_title=DOC_TITLE)
    assert cmp.relation == "repost" and cmp.changes == []
    assert not any(PLAN_TITLE == text.strip() or text.rstrip().endswith(PLAN_TITLE) for text in cmp.outside)
    assert any(row.kind == "equal" and row.doc_text.strip() == PLAN_TITLE for row in cmp.rows)


def test_every_renderer_names_the_plan_first_and_the_document_second() -> None:
    cmp = compare(BODY, SEED, plan_title=PLAN_TITLE, doc_title=DOC_TITLE)
    assert render_text(cmp).splitlines()[0] == f"{PLAN_TITLE}  vs  {DOC_TITLE}"
    assert render_markdown(cmp).splitlines()[0] == f"# {PLAN_TITLE} vs {DOC_TITLE}"
    page = render_html(cmp)
    assert f"<title>{PLAN_TITLE} vs {DOC_TITLE}</title>" in page
    assert f"<h1>{PLAN_TITLE} <small>vs</small> {DOC_TITLE}</h1>" in page
    assert f"<th>{PLAN_TITLE}</th><th>{DOC_TITLE}</th>" in page, "side-by-side columns: plan, then document"
    data = json.loads(render_json(cmp))
    assert (data["plan_title"], data["doc_title"]) == (PLAN_TITLE, DOC_TITLE)


def test_cli_with_a_plain_text_plan_puts_old_first_and_keeps_its_title_line_out_of_outside(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")  # first line: the plan's title, taken as title by the normaliser
    result = processes.run([sys.executable, "-m", "policywatch", "diff", str(plan), str(ROOT / "seeds" /
                            "000_9b394f8deb7d7ec6.txt"), "--no-color"],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{PLAN_TITLE}  vs  ") and lines[0] != f"{PLAN_TITLE}  vs  {PLAN_TITLE}"
    assert "relation: repost" in result.stdout
    outside = [line for line in lines if line.startswith("  | ")]
    assert outside and not any(line.rstrip().endswith(PLAN_TITLE) for line in outside)


EXPERT_COMMENTARY = ("专家解读｜以融合赋能推动新型工业化\n\n近日，工业和信息化部印发《工业互联网和人工智能融合赋能行动方案》。"
              "笔者认为，方案抓住了当前制造业转型的关键。从“加快工业网络开放智能升级”到“强化工业智能算力供给”，"
              "再到“加强工业数据汇聚共享”，方案的部署层层递进，既着眼当下又兼顾长远。"
              "企业应当结合自身情况，找准切入点，稳步推进数字化、智能化改造，避免一哄而上。")


def test_a_commentary_naming_the_plan_inside_a_reposts_headline_is_an_interpretation() -> None:
    """The seed file's title is a repost's headline (工信部印发《…》): the plan's own title is
    the name in 《》, and a commentary naming it and quoting its headings interprets it."""
    from crawler.normalise import load

    plan = load(str(ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"))
    assert plan.title == "工信部印发《工业互联网和人工智能融合赋能行动方案》"
    cmp = compare(plan.text, EXPERT_COMMENTARY, plan_title=plan.title, doc_title="专家解读｜以融合赋能推动新型工业化")
    assert cmp.relation == "interpretation" and cmp.scores["cites_title"] == 1.0
    assert not cmp.changes


def test_naming_the_plan_and_quoting_its_headings_is_enough() -> None:
    """No clause of the plan is in the commentary: the named title plus two quoted headings relate it."""
    from diffing.relation import QUOTED_PHRASES, Tally, decide

    plan = "一、总体要求\n（一）加快工业网络开放智能升级。内容甲。\n（二）强化工业智能算力供给。内容乙。\n"
    doc = "评论：《示范行动方案》提出“加快工业网络开放智能升级”，并要“强化工业智能算力供给”。笔者认为意义重大。"
    cmp = compare(plan, doc, plan_title="示范行动方案")
    assert cmp.scores["quoted_phrases"] >= QUOTED_PHRASES and cmp.relation == "interpretation"
    assert decide({**cmp.scores, "quoted_phrases": 1.0, "plan_chars_found": 0.0, "coverage": 0.0},
                  Tally(0, 0, 0, 0)) == "unrelated"
