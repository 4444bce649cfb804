"""Text folding: formatting variants of Chinese policy text share one comparison key."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffing.textnorm import fold, is_formatting

CJK_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
        st.sampled_from(list("，。；：！？（）()、“”\"‘’《》 \u3000\u00a0\n\t*_#-—０１２３ＡＢａｂ123abcAB%％")),
        st.characters(),
    ),
    max_size=80,
)


@pytest.mark.parametrize(("left", "right"), [
    ("（一）加快工业网络开放智能升级。", "(一)加快工业网络开放智能升级。"),
    ("到２０２８年，推动不少于５００００家企业", "到2028年,推动不少于50000家企业"),
    ("加快5G 可编程逻辑控制器（PLC）", "加快 5G可编程逻辑控制器(PLC)"),
    ("**三、数据模型互通行动**", "三、数据模型互通行动"),
    ("__强化__工业智能算力供给", "强化工业智能算力供给"),
    ("在20个重点行业\n打造一批高质量数据集", "在 20 个重点行业打造一批高质量数据集"),
    ("时间敏感网络\u00a0(TSN)\u3000单对线", "时间敏感网络(TSN)单对线"),
    ("“人工智能+”行动", "\"人工智能+\"行动"),
    ("零\u200b宽\ufeff字符", "零宽字符"),
    ("PLC 100 型", "PLC100型"),
    ("2026 年 6 月", "2026年6月"),
])
def test_formatting_variants_share_a_key(left: str, right: str) -> None:
    assert fold(left) == fold(right)


@pytest.mark.parametrize(("left", "right"), [
    ("不少于50000家企业", "不少于60000家企业"),
    ("到2028年", "到2027年"),
    ("鼓励工业企业", "要求工业企业"),
    ("Time Sensitive", "TimeSensitive"),
    ("二十个", "20个"),
])
def test_content_differences_keep_distinct_keys(left: str, right: str) -> None:
    assert fold(left) != fold(right)


def test_formatting_only_text_is_recognised() -> None:
    assert is_formatting(" \n\u3000** __ \u00a0")
    assert not is_formatting("** 一 **")


@settings(max_examples=400, deadline=None)
@given(CJK_TEXT)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(CJK_TEXT, CJK_TEXT)
def test_fold_ignores_line_wrapping_and_spacing_between_chinese(left: str, right: str) -> None:
    a, b = "工业" + left, "互联" + right
    assert fold(a + "\n" + b) == fold(a + b) == fold(a + "\u3000 " + b)
