"""Rule data for Chinese policy text, kept apart from the code that uses it.

Words an analyst reads as one unit (obligation words, comparators, units) so that the
inline diff shows ``鼓励 → 要求`` and ``不少于 → 不低于`` whole, and the figure
extractor knows which numbers are targets, counts and deadlines.
"""
from __future__ import annotations

#: Obligation and policy-action verbs: a change between them changes what is demanded.
OBLIGATION_WORDS = (
    "要求", "必须", "应当", "原则上", "严禁", "禁止", "不得", "鼓励", "支持", "引导", "推动",
    "推进", "加快", "加强", "强化", "探索", "积极", "稳步", "有序", "逐步", "全面", "深化",
    "提升", "提高", "培育", "打造", "建立", "健全", "完善", "落实", "实施", "开展", "组织",
    "统筹", "依托", "发挥", "优化", "促进", "规范", "力争", "确保", "进一步",
)

#: Comparators before a figure (不少于50000家) and qualifiers after it (50000家以上).
COMPARATORS_BEFORE = (
    "不少于", "不低于", "不超过", "不高于", "不多于", "超过", "高于", "低于", "多于", "少于",
    "达到", "突破", "至少", "力争", "累计", "约", "近", "达", "逾", "超",
)
COMPARATORS_AFTER = ("以上", "以下", "以内", "左右", "多", "余")

#: Units that make a number a key figure (counts, money, percentages, durations, energy,
#: computing power, storage, bandwidth, latency, temperature).
UNITS = (
    "个百分点", "平方公里", "平方米", "立方米", "千瓦时", "吨标准煤", "标准煤", "个月", "家次", "人次",
    "批次", "公里", "千米", "千瓦", "兆瓦", "吉瓦", "毫秒", "微秒", "纳秒", "小时", "分钟", "公顷",
    "°C", "摄氏度", "秒", "亩", "辆", "艘", "颗", "架",
    "%", "‰", "家", "个", "项", "万", "亿", "倍", "户", "所", "人", "名", "条", "类", "套",
    "款", "座", "台", "种", "部", "张", "件", "元", "吨", "年", "天", "次", "处", "集",
)

#: Latin units (case as written; never followed by another letter: 5G is no unit).
LATIN_UNITS = (
    "EFLOPS", "PFLOPS", "TFLOPS", "GFLOPS", "FLOPS", "EB", "PB", "TB", "GB", "MB",
    "Tbps", "Gbps", "Mbps", "kbps", "TWh", "GWh", "MWh", "kWh", "GW", "MW", "kW", "ms", "nm",
)

#: Range joiners between a lower and an upper bound (3至5年, 5%-10%).
RANGE_JOINERS = ("至", "到", "-", "~", "～", "—")

#: Words of the inline tokenizer: the lists above plus common policy nouns.
INLINE_WORDS = frozenset(OBLIGATION_WORDS + COMPARATORS_BEFORE + COMPARATORS_AFTER) | {
    "工业互联网", "人工智能", "重点行业", "企业", "龙头企业", "中小企业", "行动方案", "数据集",
    "智能化", "数字化", "网络化", "平台", "标准", "试点", "示范", "年底前", "年底", "以前",
}
