"""Hypothesis strategies for hostile Chinese policy text, HTML, TOML-like data and bytes."""
from __future__ import annotations

from hypothesis import strategies as st

#: Characters that matter to the folding and outline rules, plus traps (NUL, RTL, surrogates' neighbours).
POLICY_ALPHABET = (
    "工业互联网人工智能融合赋能行动方案到年不少于家企业实施新型网络改造推动"
    "一二三四五六七八九十第章条节、（）()【】《》「」“”‘’，。；：！？,.;:!? \u3000\xa0\t\n"
    "0123456789０１２３４５６７８９%％*_#>-—–·・①②③\u200b\ufeff\u202eAaZz"
)
POLICY_TEXT = st.text(alphabet=POLICY_ALPHABET, max_size=400)
ANY_TEXT = st.text(max_size=300)
LABELS = st.sampled_from(["一、", "（一）", "(一)", "1.", "1、", "（1）", "第一条", "第一章", "①", "**二、**", ""])


@st.composite
def outlined_text(draw: st.DrawFn) -> str:
    """Paragraphs that start with outline labels of every style, in any order."""
    paragraphs = [draw(LABELS) + draw(st.text(alphabet=POLICY_ALPHABET, max_size=60))
                  for _ in range(draw(st.integers(0, 12)))]
    return draw(st.sampled_from(["\n\n", "\n", "\r\n", " "])).join(paragraphs)


def formatting_variant(text: str, choice: int) -> str:
    """``text`` with formatting-only changes: punctuation width, bold marks, line breaks, spaces.

    Only true width variants are swapped (。 becomes the half-width ｡, not ".", which is a
    different character that also appears in numbers), and bold marks are not glued to a
    literal ``*``/``_`` (``**一、***`` is ambiguous Markdown, not formatting)."""
    variants = (
        lambda t: t.translate(str.maketrans("，。；：（）！？", ",\uff61;:()!?")),  # 。→｡ (its half-width form)
        lambda t: f"**{t}**" if t and not t.startswith(("*", "_")) and not t.endswith(("*", "_")) else t,
        lambda t: t.replace("。", "。\n"),
        lambda t: "".join(f" {c} " if c.isdigit() else c for c in t),
        lambda t: t.replace(" ", "\u3000"),
    )
    return variants[choice % len(variants)](text)


TOML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                         st.text(max_size=40), st.sampled_from(["1h", "30m", "0s", "-1m", "10x", "https://a.b/c",
                                                                "http://127.0.0.1/x", "file:///etc/passwd",
                                                                "${UNSET_ENV}", "smtp://h:25", "* * * * *"]))
TOML_VALUES = st.recursive(TOML_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
SOURCE_KEYS = st.sampled_from(["name", "kind", "url", "every", "cron", "follow", "allow_private", "recheck",
                               "max_pages", "enabled", "label", "bogus"])
CONFIG_KEYS = st.sampled_from(["channel", "alerts", "web", "schedule", "name", "kind", "url", "min_priority",
                               "digest", "plans", "relations", "timeout", "enabled", "base_url", "retry_base",
                               "delivery_every", "timezone", "secret", "headers", "to", "from", "bogus"])


@st.composite
def source_tables(draw: st.DrawFn) -> dict:
    """``{"source": [...]}`` with plausible and implausible keys and values."""
    tables = draw(st.lists(st.dictionaries(SOURCE_KEYS, TOML_VALUES | st.sampled_from(["feed", "miit", "page"]),
                                           max_size=8), max_size=4))
    return draw(st.sampled_from([{"source": tables}, {"source": tables[0] if tables else {}}, {"sources": tables}]))


@st.composite
def config_tables(draw: st.DrawFn) -> dict:
    """A policywatch.toml mapping with channels, rules and schedule tables full of traps."""
    def table() -> dict:
        return draw(st.dictionaries(CONFIG_KEYS, TOML_VALUES | st.sampled_from(
            ["webhook", "email", "wecom", "atom", "apprise", "high", "hour", "Asia/Shanghai"]), max_size=6))
    data = {key: table() for key in draw(st.sets(st.sampled_from(["alerts", "web", "schedule"])))}
    if draw(st.booleans()):
        data["channel"] = [table() for _ in range(draw(st.integers(0, 3)))]
    return data
