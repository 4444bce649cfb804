"""Key figures: targets, counts, shares, money and deadlines, and which of them changed."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diffing.figures import chinese_number, compare_figures, extract, locate
from diffing.textnorm import fold

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Standard Chinese numeral for 1 ≤ n < 10^8 (the form policy texts use)."""
    def below_10k(value: int, leading: bool) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit = value // size % 10
            if digit == 0:
                zero = bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            out += ("" if (unit == "十" and digit == 1 and not out and leading) else DIGITS[digit]) + unit
        return out
    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low, True)
    text = below_10k(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10k(low, False).lstrip("零")
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_read_back_to_their_value(n: int) -> None:
    assert chinese_number(to_chinese(n)) == n


@pytest.mark.parametrize(("text", "figures"), [
    ("到2028年，推动不少于50000家企业", [("deadline", "到2028年", 2028), ("number", "不少于50000家", 50000)]),
    ("在二十个重点行业打造一批数据集", [("number", "二十个", 20)]),
    ("2027年底前，占比达到30%以上", [("deadline", "2027年底前", 2027), ("percent", "达到30%以上", 30)]),
    ("投入1.5万亿元，培育5万家企业", [("number", "1.5万亿元", 1.5e12), ("number", "5万家", 50000)]),
    ("一亿五千万元，用三年时间", [("number", "一亿五千万元", 1.5e8), ("number", "三年", 3)]),
    ("全面贯彻党的二十大和二十届历次全会精神，第三条，一个平台，5G网络，十四五规划", []),
])
def test_figures_are_read_with_comparators_and_units(text: str, figures: list) -> None:
    found = [(f.kind, f.text, f.value) for f in extract(fold(text))]
    assert found == [(kind, shown, pytest.approx(value)) for kind, shown, value in figures]


def test_same_value_in_other_script_is_no_change() -> None:
    assert compare_figures("在20个重点行业", "在二十个重点行业") == []
    assert compare_figures("不少于５００００家", "不少于 50000 家") == []


def test_changed_added_and_removed_figures_are_paired() -> None:
    plan = "到2028年，推动不少于50000家企业，在20个重点行业"
    doc = "到２０２７年，推动不低于50000家企业，在20个重点行业，覆盖30%以上"
    got = [(c.kind, c.plan, c.doc, c.figure) for c in compare_figures(plan, doc)]
    assert got == [("changed", "到2028年", "到２０２７年", "deadline"),
                   ("changed", "不少于50000家", "不低于50000家", "number"),
                   ("added", None, "30%以上", "percent")]
    removed = compare_figures(doc, plan)
    assert [(c.kind, c.plan) for c in removed if c.kind == "removed"] == [("removed", "30%以上")]


def test_context_keeps_the_original_characters() -> None:
    (change,) = compare_figures("推动不少于50000家企业实施新型工业网络改造升级。", "推动不少于６００００家企业实施新型工业网络改造升级。")
    assert change.doc == "不少于６００００家" and change.context.startswith("推动不少于６００００家企业")


@pytest.mark.parametrize(("old", "new", "pair", "direction"), [
    ("算力达到300EFLOPS", "算力达到350EFLOPS", ("达到300EFLOPS", "达到350EFLOPS"), "raised"),
    ("存储容量1800EB", "存储容量2000EB", ("1800EB", "2000EB"), "raised"),
    ("时延低于20毫秒", "时延低于10毫秒", ("低于20毫秒", "低于10毫秒"), "lowered"),
    ("PUE值降至1.3以下", "PUE值降至1.25以下", ("PUE值降至1.3以下", "PUE值降至1.25以下"), "lowered"),
    ("新增装机300万千瓦", "新增装机500万千瓦", ("300万千瓦", "500万千瓦"), "raised"),
    ("节能1亿吨标准煤", "节能2亿吨标准煤", ("1亿吨标准煤", "2亿吨标准煤"), "raised"),
    ("出口带宽100Gbps", "出口带宽400Gbps", ("100Gbps", "400Gbps"), "raised"),
    ("处一万元以上十万元以下的罚款", "处五万元以上五十万元以下的罚款",
     ("一万元以上十万元以下", "五万元以上五十万元以下"), "raised"),
    ("占比5%至10%", "占比2%至12%", ("5%至10%", "2%至12%"), "widened"),
    ("培育3至5年", "培育3至8年", ("3至5年", "3至8年"), "raised"),
    ("到2027年底前", "到2028年底前", ("到2027年底前", "到2028年底前"), "later"),
    ("处五年以下\n有期徒刑", "处三年以下有期徒刑", ("五年以下", "三年以下"), "lowered"),
])
def test_figures_with_every_unit_ranges_and_direction(old, new, pair, direction):
    found = compare_figures(old, new)
    assert [(f.plan, f.doc, f.direction) for f in found] == [(*pair, direction)]
    assert found[0].to_dict()["direction"] == direction


def test_standard_numbers_are_figures_and_5g_is_no_unit():
    found = compare_figures("符合GB/T 22239-2019要求，建设5G基站", "符合GB/T 22239-2025要求，建设5G基站")
    assert [(f.plan, f.doc, f.figure) for f in found] == [("GB/T 22239-2019", "GB/T 22239-2025", "standard")]


@given(st.integers(1, 900), st.integers(1, 900), st.sampled_from(["元", "家", "%", "毫秒", "EB", "年"]))
def test_bounds_pair_as_one_range(low, span, unit):
    high = low + span
    text = f"{low}{unit}以上{high}{unit}以下"
    figures = [f.figure for f in locate(text)]
    assert len(figures) == 1 and figures[0].bounds() == (float(low), float(high))


@given(st.integers(1, 999), st.integers(1, 999), st.integers(1, 999), st.integers(1, 999))
def test_direction_reverses_with_the_comparison(a, b, c, d):
    old, new = f"{a}家至{a + b}家", f"{c}家至{c + d}家"
    forth, back = compare_figures(old, new), compare_figures(new, old)
    opposite = {"raised": "lowered", "lowered": "raised", "widened": "narrowed", "narrowed": "widened", None: None}
    assert [f.to_dict()["direction"] for f in back] == [opposite[f.to_dict()["direction"]] for f in forth]
