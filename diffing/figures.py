"""Key figures of policy text and which of them changed between plan and document.

A figure is a target, count or share with its comparator and unit (``不少于50000家``,
``20个``, ``二十个``, ``30%以上``, ``1.5万亿元``) or a deadline (``到2028年``,
``2027年底前``). Figures are read from folded clause keys, so full-width digits do not
matter, and compared by value: ``二十个`` and ``20个`` are the same figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from diffing.lexicon import COMPARATORS_AFTER, COMPARATORS_BEFORE, LATIN_UNITS, RANGE_JOINERS, UNITS
from diffing.memo import memoised
from diffing.model import FigureChange
from diffing.textnorm import fold_char

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM = "〇零一二两三四五六七八九十百千万亿"


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DEADLINE = re.compile(
    r"(?P<pre>到|至|截至|截止到|截止|于|在)?(?P<year>(?:19|20)\d{2})年"
    r"(?:(?P<month>\d{1,2})月)?(?P<post>年?底前|年?末前|底|末|前|以前|之前)?")
_NUMBER = re.compile(
    rf"(?P<cmp>{_alternation(COMPARATORS_BEFORE)})?"
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_NUM}]*[〇零一二两三四五六七八九十百千])(?P<mult>[万亿]*)"
    rf"(?P<unit>{_alternation(UNITS)}|(?:{_alternation(LATIN_UNITS)})(?![A-Za-z/]))"
    rf"(?P<post>{_alternation(COMPARATORS_AFTER)})?")
#: Power usage effectiveness, written before its value: PUE值降至1.3以下, PUE不高于1.25.
_PUE = re.compile(rf"PUE值?(?P<cmp>{_alternation(COMPARATORS_BEFORE)}|降至|降低到|降到|控制在|在)?"
                  rf"(?P<num>\d(?:\.\d+)?)(?P<post>{_alternation(COMPARATORS_AFTER)})?")
#: National and sector standard numbers: GB/T22239-2019, YD/T 3627.
_STANDARD = re.compile(r"(?<![A-Za-z])(?P<code>GB(?:/[TZ])?|[A-Z]{2}/T)(?P<num>\d+(?:\.\d+)?)(?:-(?P<year>\d{4}))?")
_LOWER_BOUNDS = frozenset({"以上", "不少于", "不低于", "超过", "高于", "多于", "至少"})
_UPPER_BOUNDS = frozenset({"以下", "以内", "不超过", "不高于", "不多于", "低于", "少于"})
_BETWEEN_BOUNDS = ("", "、", ",", "，")
_BARE_NUMBER = re.compile(rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+)$")
_CONTEXT = 12
#: Characters without which no figure can change: digits, numerals, units, comparators.
_FIGURE_CHARS = re.compile(r"[0-9０-９〇零一二两三四五六七八九十百千万亿%％‰年月底前家个项倍户所人名条类套款座台种部张件元吨天次处集于达超过近约逾突破累计以上下内左右余]")
_WINDOW = 6
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Figure:
    """One figure found in a folded text: its kind, value, unit and comparators."""

    kind: str  # deadline | percent | number
    text: str
    value: float
    unit: str
    comparator: str
    start: int
    end: int

    high: float | None = None  # the upper bound of a range (一万元以上十万元以下)

    @property
    def signature(self) -> tuple[str, str, bool]:
        """What makes two figures "the same figure" for pairing: kind, unit, range or not."""
        return self.kind, self.unit, self.high is not None

    def same_as(self, other: Figure) -> bool:
        """Same value(s) and same comparator (二十个 and 20个 are the same)."""
        return (self.value, self.high, self.comparator) == (other.value, other.high, other.comparator)

    def bounds(self) -> tuple[float, float]:
        """(lowest, highest) value the figure allows: both the value unless it is a range."""
        return self.value, self.value if self.high is None else self.high


def chinese_number(text: str) -> float | None:
    """Value of a Chinese numeral (二十 → 20, 一百零五 → 105, 一万二千 → 12000), else None.

    Digit runs read positionally (二〇二八 → 2028); 十/百/千 multiply the digit before
    them, 万/亿 close a section.
    """
    result = section = 0
    digit: int | None = None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char] if digit is None else digit * 10 + _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        elif char in _CN_BIG:
            section += digit or 0
            result = (result + section) * _CN_BIG[char] if char == "亿" else result + section * _CN_BIG[char]
            section, digit = 0, None
        else:
            return None
    return float(result + section + (digit or 0))


def _multiplier(mult: str) -> float:
    factor = 1.0
    for char in mult:
        factor *= 10_000 if char == "万" else 100_000_000
    return factor


def extract(key: str) -> list[Figure]:
    """The figures in a folded text, in reading order."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for match in _DEADLINE.finditer(key) if "年" in key else ():  # every deadline has 年
        comparator = (match["pre"] or "") + "|" + (match["post"] or "")
        month = int(match["month"] or 0)
        found.append(Figure("deadline", match.group(), int(match["year"]) + month / 100, "年",
                            comparator, match.start(), match.end()))
        taken.append(match.span())
    for match in _NUMBER.finditer(key):
        figure = _number_figure(key, match, taken)
        if figure:
            found.append(figure)
    if "PUE" in key:
        found += [Figure("number", m.group(), float(m["num"]), "PUE", (m["cmp"] or "") + "|" + (m["post"] or ""),
                         m.start(), m.end()) for m in _PUE.finditer(key)]
    if "/T" in key or "GB" in key:
        found += [Figure("standard", m.group(), float(m["num"]), m["code"], m["year"] or "", m.start(), m.end())
                  for m in _STANDARD.finditer(key)]
    return _ranges(key, sorted(found, key=lambda f: f.start))


def _ranges(key: str, figures: list[Figure]) -> list[Figure]:
    """Bounds that belong together read as one range figure.

    ``一万元以上十万元以下`` and ``5%至10%`` are one figure (low, high); so is ``3至5年``,
    whose lower bound carries no unit of its own.
    """
    out: list[Figure] = []
    for figure in figures:
        last = out[-1] if out else None
        if last is not None and last.high is None and _pairs_as_range(key, last, figure):
            out[-1] = Figure(last.kind, key[last.start:figure.end], last.value, figure.unit,
                             f"{last.comparator}~{figure.comparator}", last.start, figure.end, figure.value)
        elif figure.kind in ("number", "percent") and (low := _bare_low(key, figure, last)) is not None:
            out.append(low)
        else:
            out.append(figure)
    return out


def _pairs_as_range(key: str, low: Figure, high: Figure) -> bool:
    """A lower bound followed by an upper bound of the same unit, or two values joined by 至/-."""
    if low.kind not in ("number", "percent") or low.signature != high.signature:
        return False
    between = key[low.end:high.start]
    before, after = low.comparator.split("|"), high.comparator.split("|")
    bounded = bool(_LOWER_BOUNDS & set(before)) and bool(_UPPER_BOUNDS & set(after))
    return (bounded and between in _BETWEEN_BOUNDS) or between in RANGE_JOINERS


def _bare_low(key: str, figure: Figure, last: Figure | None) -> Figure | None:
    """``3至5年``: the unitless number before a joiner, read as the range's lower bound."""
    joiner_at = figure.start - 1
    if joiner_at < 1 or key[joiner_at] not in RANGE_JOINERS or figure.comparator != "|" + figure.comparator[1:]:
        return None
    match = _BARE_NUMBER.search(key, max(0, joiner_at - 12), joiner_at)
    if match is None or (last is not None and last.end > match.start()):
        return None
    text = match.group()
    value = float(text) if text[0].isdigit() else chinese_number(text)
    if value is None or match.start() and key[match.start() - 1] in "第.":
        return None
    return Figure(figure.kind, key[match.start():figure.end], value, figure.unit, f"|~{figure.comparator}",
                  match.start(), figure.end, figure.value)


def _number_figure(key: str, match: re.Match[str], taken: list[tuple[int, int]]) -> Figure | None:
    """A count/percentage figure, unless the match is an ordinal (第三) or a vague 一个."""
    num_start = match.start("num")
    if any(s <= num_start < e for s, e in taken):
        return None
    if num_start > 0 and key[num_start - 1] in "第.0123456789":
        return None
    num, unit = match["num"], match["unit"]
    if num == "一" and not match["mult"]:
        return None  # 一个/一项/一批: an article, not a count (一万元 is a figure)
    if num[0].isdigit():
        value: float | None = float(num.replace(",", "")) * _multiplier(match["mult"])
    else:
        value = chinese_number(num + match["mult"])
    if value is None:
        return None
    kind = "percent" if unit in ("%", "‰", "个百分点") else "number"
    comparator = (match["cmp"] or "") + "|" + (match["post"] or "")
    return Figure(kind, match.group(), value, unit, comparator, match.start(), match.end())


@memoised(maxsize=4096)
def _char_key(char: str) -> str:
    return fold_char(char)


#: Characters that fold to themselves one by one: Chinese characters and ASCII letters/digits.
_NEEDS_FOLD = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")


def _fold_chars(text: str) -> str:
    """``text`` folded character by character (Chinese and ASCII letters/digits stay as they are)."""
    return _NEEDS_FOLD.sub(_fold_match, text)


def _fold_match(match: re.Match[str]) -> str:
    return _char_key(match.group())


def _sources(text: str) -> list[int]:
    """For each character of ``_fold_chars(text)``, the index of the character it came from.

    Only needed when a figure was found (most clauses have none).
    """
    where: list[int] = []
    pos = 0
    for match in _NEEDS_FOLD.finditer(text):
        index = match.start()
        where.extend(range(pos, index))
        where.extend([index] * len(_char_key(match.group())))
        pos = index + 1
    where.extend(range(pos, len(text)))
    return where


@dataclass(frozen=True)
class Found:
    """A figure located in display text: the figure, its original characters, its context."""

    figure: Figure
    text: str
    context: str


def locate(text: str) -> list[Found]:
    """The figures of display text, each with its original characters and context."""
    return list(_located(text))


@memoised(maxsize=1024)
def _located(text: str) -> tuple[Found, ...]:
    """``locate``, memoised: a tracked plan's clauses are read once, not per document."""
    figures = extract(_fold_chars(text))
    if not figures:
        return ()
    where = _sources(text)
    found: list[Found] = []
    for figure in figures:
        start, end = where[figure.start], where[figure.end - 1] + 1
        found.append(Found(figure, _flat(text[start:end]), _context(text, start, end)))
    return tuple(found)


_LINE_BREAK = re.compile(r"\s*\n\s*")


def _flat(text: str) -> str:
    """A figure as one line: a line break inside it (wrapped PDF text) is no character of it."""
    return _SPACES.sub(" ", _LINE_BREAK.sub("", text.replace("*", ""))).strip()


def _context(text: str, start: int, end: int) -> str:
    """A short excerpt of the original text around a figure, enough to say what it counts."""
    left, right = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    excerpt = _SPACES.sub(" ", text[left:right].replace("*", "")).strip()
    return f"{'…' if left > 0 else ''}{excerpt}{'…' if right < len(text) else ''}"


def compare_figures(plan_text: str, doc_text: str, section: str = "") -> list[FigureChange]:
    """Changed, added and removed figures between a plan clause and its document clause."""
    old, new = _located(plan_text), _located(doc_text)
    changes: list[FigureChange] = []
    matcher = SequenceMatcher(None, [f.figure.signature for f in old], [f.figure.signature for f in new],
                              autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if op in ("equal", "replace") else []
        for a, b in pairs:
            if op == "replace" or not a.figure.same_as(b.figure):
                changes.append(FigureChange(b.context, a.text, b.text, "changed", section, a.figure.kind,
                                            direction(a.figure, b.figure)))
        changes.extend(FigureChange(a.context, a.text, None, "removed", section, a.figure.kind)
                       for a in old[i1 + len(pairs):i2])
        changes.extend(FigureChange(b.context, None, b.text, "added", section, b.figure.kind)
                       for b in new[j1 + len(pairs):j2])
    return changes


def direction(old: Figure, new: Figure) -> str:
    """raised / lowered (both bounds moved one way), widened / narrowed (a range's bounds
    moved apart / together), later / earlier for deadlines; '' when only wording changed."""
    (low_a, high_a), (low_b, high_b) = old.bounds(), new.bounds()
    up = (low_b > low_a) - (low_b < low_a), (high_b > high_a) - (high_b < high_a)
    if up == (0, 0) or old.unit != new.unit:
        return ""
    if old.kind == "deadline":
        return "later" if max(up) > 0 else "earlier"
    if up[0] < 0 < up[1]:
        return "widened"
    if up[1] < 0 < up[0]:
        return "narrowed"
    return "raised" if max(up) > 0 else "lowered"


def may_change_figures(inline: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> bool:
    """Whether an inline diff touches anything a figure is made of (cheap pre-check).

    An edit with no digit, numeral, unit or comparator within a few characters of it
    cannot change, add or remove a figure, so most reworded clauses skip extraction.
    """
    for index, (op, text) in enumerate(inline):
        if op == "equal":
            continue
        before = inline[index - 1][1][-_WINDOW:] if index and inline[index - 1][0] == "equal" else ""
        after = inline[index + 1][1][:_WINDOW] if index + 1 < len(inline) and inline[index + 1][0] == "equal" else ""
        if _FIGURE_CHARS.search(before + text + after):
            return True
    return False


def figures_of(text: str, kind: str, section: str = "") -> list[FigureChange]:
    """Every figure of a clause that was wholly added or removed, as figure changes."""
    return [FigureChange(f.context, f.text if kind == "removed" else None,
                         f.text if kind == "added" else None, kind, section, f.figure.kind)
            for f in _located(text)]
