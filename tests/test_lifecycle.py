"""The text rules of a policy's life on realistic MIIT titles and consultation notices."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diffing.lifecycle import (
    PlanRules,
    due_reminders,
    feedback_deadline,
    is_draft,
    names_plan,
    plan_name,
    plan_reason,
    title_key,
)

NAME = "工业互联网和人工智能融合赋能行动方案"
BODY = "\n".join(["一、总体要求", "到2028年，推动不少于50000家企业实施新型工业网络改造升级。" * 3,
                  "二、重点行动", "（一）加快工业网络开放智能升级。" * 4, "三、保障措施", "加强组织实施。" * 10])

DRAFT_TITLES = [
    f"关于公开征求《{NAME}（征求意见稿）》意见的通知",
    f"工业和信息化部办公厅关于公开征求对《{NAME}（征求意见稿）》的意见的通知",
    f"{NAME}（征求意见稿）",
    f"关于征求《{NAME}（草案）》意见的函",
]
FINAL_TITLES = [
    f"工业和信息化部关于印发《{NAME}》的通知",
    f"工业和信息化部关于印发《{NAME}（试行）》的通知",
    f"工业和信息化部 国家发展改革委关于印发《{NAME}(暂行)》的通知",
    f"关于印发{NAME}的通知",
]


@pytest.mark.parametrize("title", DRAFT_TITLES)
def test_drafts_are_recognised_and_keyed_like_their_finals(title):
    assert is_draft(title)
    assert title_key(title) == title_key(FINAL_TITLES[0]) == NAME
    assert plan_reason(title, BODY) is None, "a consultation draft is not a plan"


@pytest.mark.parametrize("title", FINAL_TITLES)
def test_finals_are_plans_named_from_their_title(title):
    assert not is_draft(title)
    assert plan_reason(title, BODY) == "title"
    assert plan_name(title) == NAME and title_key(title) == NAME


@pytest.mark.parametrize("title", [
    f"《{NAME}》解读", f"一图读懂《{NAME}》", "关于印发第3号文件的通知", "2026年全国工业和信息化工作会议在京召开",
    "关于开展2026年中小企业数字化转型试点工作的通知",
])
def test_interpretations_news_and_plain_notices_are_not_plans(title):
    assert plan_reason(title, "现就有关事项通知如下。" * 30) is None


def test_a_plain_title_over_a_plans_outline_is_a_plan_and_rules_narrow_it():
    title = "关于开展2026年中小企业数字化转型试点工作的通知"
    assert plan_reason(title, BODY) == "outline"
    assert plan_reason(title, BODY, PlanRules(auto=False)) is None
    assert plan_reason(title, BODY, PlanRules(exclude_patterns=("试点",))) is None
    assert plan_reason("关于印发第3号文件的通知", "x" * 300, PlanRules(title_patterns=(r"第\d+号文件",))) == "pattern"
    assert plan_reason(FINAL_TITLES[0], "太短") is None, "a one-line notice is not a plan"


@pytest.mark.parametrize(("text", "expected"), [
    ("请于2026年3月31日前将书面意见反馈至工业和信息化部。", date(2026, 3, 31)),
    ("意见反馈截止时间：2026年4月15日。", date(2026, 4, 15)),
    ("征求意见时间为2026年3月1日至2026年3月31日。", date(2026, 3, 31)),
    ("公示期间，征求意见时间为３月１日至３月２０日。", date(2026, 3, 20)),
    ("请于 3 月 31 日 18:00 前反馈。", date(2026, 3, 31)),
    ("截止日期为2026-05-06。", date(2026, 5, 6)),
    ("征求意见时间为2026年12月1日至1月15日。", date(2027, 1, 15)),
    ("现将有关事项通知如下。", None),
])
def test_feedback_deadlines_in_the_phrasings_sites_use(text, expected):
    published = date(2026, 12, 1) if "12月1日至1月" in text else date(2026, 3, 1)
    assert feedback_deadline(text, published) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(
    ["请于{y}年{m}月{d}日前反馈", "意见反馈截止时间：{y}年{m}月{d}日", "征求意见时间为2000年1月1日至{y}年{m}月{d}日",
     "请于{y}年{m:02}月{d:02}日前反馈"]))
def test_any_stated_deadline_is_read_back(day, phrasing):
    text = "为广泛听取意见，" + phrasing.format(y=day.year, m=day.month, d=day.day) + "。联系人：张三"
    assert feedback_deadline(text) == day


@given(st.text(alphabet="（）()《》 　草案试行暂行征求意见稿方案规划的通知关于印发", max_size=40))
def test_title_key_never_raises_and_is_stable(title):
    assert title_key(title) == title_key(title_key(title)) or "《" in title or "关于" in title


def test_reminders_seven_and_one_day_ahead():
    deadline = date(2026, 3, 31)
    assert due_reminders(deadline, deadline - timedelta(days=8)) == []
    assert due_reminders(deadline, deadline - timedelta(days=7)) == [7]
    assert due_reminders(deadline, deadline - timedelta(days=3)) == [7]
    assert due_reminders(deadline, deadline - timedelta(days=1)) == [1]
    assert due_reminders(deadline, deadline + timedelta(days=1)) == []
    assert due_reminders(deadline, deadline - timedelta(days=14), (14,)) == [14]


def test_an_interpretation_names_the_plan_even_abbreviated_qualifiers():
    text = f"近日，工业和信息化部印发《{NAME}（试行）》（以下简称《行动方案》）。"
    assert names_plan(text, FINAL_TITLES[0])
    assert not names_plan("《数据安全管理办法》明确……", FINAL_TITLES[0])


def test_a_drafts_consultation_notice_is_not_part_of_the_instrument():
    from diffing.lifecycle import instrument_text

    body = ("为广泛听取意见，现向社会公开征求意见。请于2026年3月31日前反馈。\n联系人：张三，联系电话：010-68208888\n\n"
            + BODY)
    assert instrument_text(body) == "\n\n".join(p for p in BODY.split("\n"))
