"""Rule data of a policy's life (see diffing.lifecycle): marker words, phrasings, instruments.

Kept apart from the code that uses it (trafilatura's habit): adding a phrasing a site
uses is a data change here, not a code change. Patterns are matched against *folded*
text (diffing.textnorm.fold: full-width brackets and digits become half-width, so
``（征求意见稿）`` arrives as ``(征求意见稿)``).
"""
from __future__ import annotations

#: Words that make a title a consultation draft (征求意见稿, 草案, 送审稿, 公开征求…意见).
DRAFT_MARKERS: tuple[str, ...] = ("征求意见稿", "意见征求稿", "征求意见", "草案", "送审稿", "讨论稿", "意见征集")

#: Bracketed qualifiers dropped from a title to find "the same instrument" (draft vs final).
QUALIFIERS: tuple[str, ...] = ("征求意见稿", "意见征求稿", "草案", "送审稿", "讨论稿", "修订稿", "修订草案",
                               "试行", "暂行", "2\\d{3}年版", "2\\d{3}版")

#: What a plan can be: the last word of its name (工业互联网…行动**方案**).
INSTRUMENTS: tuple[str, ...] = ("方案", "规划", "计划", "意见", "办法", "指南", "措施", "细则", "纲要",
                                "通知", "规定", "条例", "意见稿")

#: Titles that are about a plan, never a plan themselves.
NOT_A_PLAN: tuple[str, ...] = ("解读", "答记者问", "一图读懂", "图解", "问答", "政策吹风", "新闻发布会")

#: Title wrappers around an instrument's name, tried in order; group ``name`` is the instrument.
#: ``关于印发《X》的通知``, ``关于公开征求《X》意见的通知``, ``关于对《X》公开征求意见的通知``.
NAME_WRAPPERS: tuple[str, ...] = (
    r"《(?P<name>[^《》]+)》",
    r"关于(?:公开)?征求(?:对)?(?P<name>.+?)(?:\(.*?\))?(?:的)?意见(?:建议)?的(?:通知|公告|函)$",
    r"关于印发(?P<name>.+?)的通知$",
)

#: An issuer before 关于 (工业和信息化部办公厅关于…): removed from a bare title key.
ISSUER_PREFIX = r"^[^关]{2,30}?(?=关于)"

#: Feedback deadline phrasings; group ``date`` holds the date (YYYY年M月D日, YYYY-MM-DD, M月D日).
_DATE = r"(?P<date>(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2})"
DEADLINE_PATTERNS: tuple[str, ...] = (
    r"征求意见(?:的)?(?:时间|期限|日期)(?:为|是|:)?\s*[^。;\n]{0,30}?(?:至|到|~|-|—)\s*" + _DATE,
    r"(?:意见)?(?:反馈|征求意见|提交)?(?:的)?截止(?:时间|日期)?(?:为|是|:)?\s*" + _DATE,
    r"(?:请|并)?于\s*" + _DATE + r"\s*(?:\d{1,2}:\d{2}\s*)?(?:前|之前|以前)",
    r"" + _DATE + r"\s*(?:前|之前)\s*(?:将|把)?\s*(?:意见|反馈|书面意见)",
)

#: A paragraph with one of these is the notice around the instrument — how to send feedback
#: (a draft's), or "现将《…》印发给你们" (a final's) — left out of the draft → final comparison.
NOTICE_MARKERS: tuple[str, ...] = ("征求意见", "意见反馈", "反馈意见", "截止时间", "截止日期", "联系人", "联系电话",
                                   "电子邮件", "电子邮箱", "传真", "通信地址", "印发给你们", "请认真贯彻执行",
                                   "请认真贯彻落实", "请结合实际认真贯彻落实")

#: Top-level outline labels (一、 二、 …, 第一章, 第一条) a plan's body has at least this many of.
MIN_PLAN_SECTIONS = 3
#: A plan has at least this much text (a one-line notice is not a plan).
MIN_PLAN_CHARS = 150

#: Days before a draft's deadline that a ``deadline`` alert is raised (configurable).
DEADLINE_DAYS: tuple[int, ...] = (7, 1)
