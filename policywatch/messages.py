"""Alert summaries rendered for people: plain text, chat markdown, HTML mail, JSON.

An alert (one row of the outbox, with the ``summary`` the crawler's ingest wrote) is
first turned into an :class:`AlertView`; a *batch* is the one alert of an ordinary
message or the several alerts of a digest. Every renderer puts the most useful lines
first — for an alert about a change, the change itself (:func:`headline`:
"修订：不少于50000家 → 不少于60000家", "已删除：标题"); then what it is, who published
it, the changed figures (50000 → 60000), the top changed clauses — and stops before the
channel's byte limit, ending with a "more" link to the review page instead of a
truncated line. Each alert kind (store.kinds) has its label in :data:`KIND_LABELS`.

Page text is never trusted: control characters are dropped (:func:`policywatch.textsafe.clean_data`),
HTML output is escaped, and markdown output has the characters that would make links,
tags or emphasis replaced by their full-width forms.
"""
from __future__ import annotations

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from diffing.model import Relation
from policywatch.textsafe import clean_data
from store.kinds import AlertKind
from store.records import AlertRecord, AlertSummary

#: How each relation is named in messages.
RELATION_LABELS: dict[str, str] = {
    Relation.IDENTICAL: "identical copy", Relation.REPOST: "faithful repost", Relation.ALTERED_REPOST: "altered repost",
    Relation.REVISION: "revision", Relation.EXCERPT: "excerpt", Relation.INTERPRETATION: "interpretation",
    Relation.IMPLEMENTATION: "implementation plan",
    Relation.UNRELATED: "unrelated",
}
#: How each alert kind is named first in messages (the change comes right after it).
KIND_LABELS = {
    "plan": "方案对比", "revised": "修订", "status": "状态", "plan_changed": "方案更新", "new_plan": "新方案",
    "final": "正式稿", "deadline": "截止日期", "source_failing": "来源异常", "source_recovered": "来源恢复",
}
#: How each status event is named: ``已删除：标题``.
STATUS_LABELS = {
    "deleted": "已删除", "blocked": "已屏蔽", "unavailable": "无法查看", "unreachable": "持续无法访问",
    "restored": "已恢复", "ok": "已恢复",
}
TITLE_CHARS = 120
#: Characters of a status alert's last kept text shown in a message.
LAST_TEXT_SHOWN = 300
CLAUSE_CHARS = 160
#: Characters of unchanged text kept on each side of an edit inside a clause.
EDIT_CONTEXT = 24
#: Clause counters shown in the "Clauses" line, in this order.
CLAUSE_COUNTS = ("changed", "added", "removed", "moved")
#: Characters kept as they are when a URL goes into a markdown link (parentheses and spaces are escaped).
_URL_SAFE = "/:?&=#%+,;@!~*'.-_[]$"
_MD_UNSAFE = str.maketrans({"[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊", "`": "｀", "#": "＃",
                            "\r": " ", "\n": " ", "\t": " "})


@dataclass(frozen=True)
class AlertView:
    """What a message says about one alert, read tolerantly from an outbox row."""

    id: int
    title: str
    priority: str
    relation: str
    review_url: str
    url: str | None = None
    account: str | None = None
    source: str | None = None
    plan: str | None = None
    doc_count: int = 1
    created_at: str | None = None
    figures: tuple[dict[str, Any], ...] = ()
    changes: tuple[dict[str, Any], ...] = ()
    counts: dict[str, Any] = field(default_factory=dict)
    summary: AlertSummary = field(default_factory=AlertSummary)
    kind: str = AlertKind.PLAN

    @classmethod
    def from_record(cls, record: AlertRecord, *, base_url: str) -> AlertView:
        """Build from an archive alert (its summary already decoded by the store), text made safe."""
        summary = AlertSummary.from_dict(clean_data(record.summary.to_dict()))
        clean: Any = clean_data

        def pick(key: str, column: Any = None) -> Any:
            value = summary.get(key)
            return value if value not in (None, "") else clean(column)

        return cls(
            id=record.id, title=str(pick("title", record.title) or "(untitled)"),
            priority=str(pick("priority", record.priority) or "normal"),
            relation=str(pick("relation", record.relation) or "unknown"),
            review_url=f"{base_url.rstrip('/')}/alerts/{record.id}", url=pick("url", record.url),
            account=summary.account, source=pick("source", record.source),
            plan=summary.plan or clean(record.plan_name), doc_count=_doc_count(record),
            created_at=record.created_at, figures=tuple(summary.figures), changes=tuple(summary.changes),
            counts=dict(summary.counts), summary=summary, kind=str(record.kind or summary.kind or AlertKind.PLAN),
        )


def _doc_count(record: AlertRecord) -> int:
    """How many documents the alert groups (at least one)."""
    return record.doc_count or max(1, len(record.documents or ()))


# --- the lines every format shares ----------------------------------------------------------

def subject(batch: Sequence[AlertView]) -> str:
    """One line for a mail subject or card header; an alert about a change names the change first."""
    if len(batch) == 1:
        alert = batch[0]
        who = f" ({alert.account})" if alert.account else ""
        tag = f"[policywatch {alert.priority.upper()}]"
        change = headline(alert)
        if change:
            return clip(f"{tag} {change} — {alert.title}{who}", 200)
        first = alert.figures[0] if alert.figures else {}
        figure = f" — {first['plan']} → {first['doc']}" if first.get("plan") and first.get("doc") else ""
        return clip(f"{tag} {alert.title}{who}{figure}", 200)
    high = sum(1 for a in batch if a.priority == "high")
    extra = f", {high} high" if high else ""
    return f"[policywatch] {len(batch)} alerts{extra}"


def headline(alert: AlertView) -> str | None:
    """The change itself, first: ``修订：不少于50000家 → 不少于60000家``, ``已删除：标题``…

    None for a ``plan`` alert (its subject is the document and the relation).
    """
    if alert.kind == "plan":
        copied = alert.summary.copies_plan_version
        return f"转载旧版：v{copied}（方案现为 v{alert.summary.plan_version}）" if copied else None
    if alert.kind == "status":
        event = alert.summary.event or alert.summary.status_to or ""
        return f"{STATUS_LABELS.get(event, event)}：{clip(alert.title, TITLE_CHARS)}"
    if alert.kind in ("final", "deadline") and alert.summary.headline:
        return alert.summary.headline  # 征求意见稿 → 正式稿: 2 条修改… / 意见反馈截止 2026-03-31（还剩 7 天）
    label = KIND_LABELS.get(alert.kind, alert.kind)
    what = _first_change(alert)
    if alert.kind == "plan_changed":
        versions = _versions(alert.summary.from_plan_version, alert.summary.to_plan_version)
        label = f"{label} {alert.plan or ''} {versions}".rstrip()
    return f"{label}：{what}" if what else label


def _first_change(alert: AlertView) -> str:
    """The most telling change of a revision: a figure, the title, else the first edited clause."""
    if alert.figures:
        figure = alert.figures[0]
        old, new = _old(figure, "plan"), _new(figure, "doc")
        if old and new:
            return f"{old} → {new}"
        return figure_line(figure)
    title = alert.summary.title_change
    if title and title.get("new"):
        return f"标题 「{clip(str(title.get('old') or ''), 40)}」 → 「{clip(str(title['new']), 40)}」"
    return change_line(alert.changes[0]) if alert.changes else ""


def _versions(old: int | None, new: int | None) -> str:
    """``v1 → v2`` ('' when either is absent)."""
    return f"v{old} → v{new}" if old and new else ""


def _old(item: dict[str, Any], legacy: str) -> Any:
    """The before-side of a figure or change: ``old`` (revisions) or the plan side (plan alerts)."""
    return item.get("old") if "old" in item else item.get(legacy)


def _new(item: dict[str, Any], legacy: str) -> Any:
    """The after-side of a figure or change: ``new`` (revisions) or the document side (plan alerts)."""
    return item.get("new") if "new" in item else item.get(legacy)


def facts(alert: AlertView) -> list[tuple[str, str]]:
    """Label/value pairs under the title: kind, priority, relation or change, source, account, plan, reposts."""
    if alert.kind != "plan":
        return _change_facts(alert)
    pairs = [("Priority", alert.priority), ("Relation", RELATION_LABELS.get(alert.relation, alert.relation))]
    pairs += [(label, str(value)) for label, value in (
        ("Source", alert.source), ("Account", alert.account), ("Plan", alert.plan)) if value]
    if alert.doc_count > 1:
        verb = "reposted" if alert.relation in ("repost", "identical") else "published"
        pairs.append(("Seen", f"{verb} by {alert.doc_count} accounts"))
    counted = ", ".join(f"{alert.counts[k]} {k}" for k in CLAUSE_COUNTS if alert.counts.get(k))
    if counted:
        pairs.append(("Clauses", counted))
    if alert.summary.provisional:
        pairs.append(("Note", "provisional: from the feed's summary, the article itself could not be fetched"))
    return pairs


def _change_facts(alert: AlertView) -> list[tuple[str, str]]:
    """Facts of an alert about a document's (or plan's) own change."""
    summary = alert.summary
    pairs = [("Kind", KIND_LABELS.get(alert.kind, alert.kind)), ("Priority", alert.priority)]
    if alert.kind != "plan_changed":
        pairs.append(("Document", alert.title))
    versions = (_versions(summary.from_version, summary.to_version)
                or _versions(summary.from_plan_version, summary.to_plan_version))
    if versions:
        pairs.append(("Versions", versions))
    if summary.status_to:
        pairs.append(("Status", f"{summary.status_from or '-'} → {summary.status_to}"))
    if summary.message:
        pairs.append(("Page says", summary.message))
    pairs += [(label, str(value)) for label, value in (
        ("Source", alert.source), ("Account", alert.account), ("Plan", alert.plan)) if value]
    counted = ", ".join(f"{alert.counts[k]} {k}" for k in CLAUSE_COUNTS if alert.counts.get(k))
    if counted:
        pairs.append(("Clauses", counted))
    return pairs


def figure_line(figure: dict[str, Any]) -> str:
    """``context: 50000 → 60000`` (or "new"/"removed" when one side is missing)."""
    old, new = _old(figure, "plan"), _new(figure, "doc")
    change = f"{old} → {new}" if old and new else (f"new: {new}" if new else f"removed: {old}")
    context = clip(str(figure.get("context") or ""), 40)
    return f"{context}: {change}" if context else change


def change_line(change: dict[str, Any]) -> str:
    """``二、（三） changed: 「…推动不少于【50000 → 60000】家企业…」`` — the edit in its context.

    A clause edited in one place shows only that place; clauses rewritten throughout
    show both versions, clipped.
    """
    kind = str(change.get("kind") or "changed")
    section = f"{change['section']} " if change.get("section") else ""
    old = " ".join(str(_old(change, "plan_text") or "").split())
    new = " ".join(str(_new(change, "doc_text") or "").split())
    if kind == "added" or not old:
        return f"{section}added: 「{clip(new, CLAUSE_CHARS)}」"
    if kind == "removed" or not new:
        return f"{section}removed: 「{clip(old, CLAUSE_CHARS)}」"
    if kind == "moved" or old == new:
        return f"{section}moved: 「{clip(new, CLAUSE_CHARS)}」"
    inline = inline_edit(old, new)
    if inline:
        return f"{section}{kind}: 「{inline}」"
    return f"{section}{kind}: 「{clip(old, CLAUSE_CHARS)}」 → 「{clip(new, CLAUSE_CHARS)}」"


def inline_edit(old: str, new: str, context: int = EDIT_CONTEXT) -> str | None:
    """``…same【old → new】same…`` when the two texts differ in one short stretch, else None."""
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    while prefix and _in_number(old[prefix - 1]):  # show 50000 → 60000, not 5 → 6
        prefix -= 1
    while suffix and _in_number(old[len(old) - suffix]):
        suffix -= 1
    removed, added = old[prefix:len(old) - suffix], new[prefix:len(new) - suffix]
    edited = len(removed) + len(added)
    if not (prefix or suffix) or edited > 60 or edited > 0.6 * (len(old) + len(new)):
        return None
    before = old[:prefix]
    after = old[len(old) - suffix:] if suffix else ""
    lead = ("…" + before[-context:]) if len(before) > context else before
    tail = (after[:context] + "…") if len(after) > context else after
    return f"{lead}【{removed or '∅'} → {added or '∅'}】{tail}"


def _in_number(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in ".%")


def web_url(url: str | None) -> bool:
    """True for an http(s) URL: the only kind a message links to (never javascript:, file:)."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md(text: str) -> str:
    """Page text made inert for chat markdown (links, tags, emphasis, headings, line breaks)."""
    return str(text).translate(_MD_UNSAFE)


# --- fitting blocks under a byte cap ----------------------------------------------------------

def fit(head: list[str], optional: list[str], more: str, cap: int, sep: str = "\n") -> str:
    """Join ``head`` and ``optional`` lines within ``cap`` UTF-8 bytes.

    When everything fits it is all returned. Otherwise lines are kept in order while
    they fit and ``more`` (the link to the full review) ends the text, so the result
    never exceeds the cap and never ends in half a line.
    """
    def size(lines: list[str]) -> int:
        return len(sep.join(lines).encode("utf-8"))

    everything = [*head, *optional]
    if size(everything) <= cap:
        return sep.join(everything)
    budget = cap - len((sep + more).encode("utf-8"))
    kept: list[str] = []
    for line in everything:
        if size([*kept, line]) > budget:
            break
        kept.append(line)
    return sep.join([*kept, more])


# --- formats ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Markdown:
    """A chat markdown dialect: line separator and whether headings render."""

    sep: str = "\n"
    heading: str = "### "


WECOM_MD = Markdown("\n", "### ")
DINGTALK_MD = Markdown("\n\n", "### ")
LARK_MD = Markdown("\n", "")


def render_text(batch: Sequence[AlertView], *, inbox_url: str, cap: int = 100_000) -> str:
    """Plain text: the mail's text part and the body for apprise services."""
    return _render(batch, inbox_url, cap, _TextStyle())


def render_markdown(batch: Sequence[AlertView], *, inbox_url: str, cap: int,
                    dialect: Markdown = WECOM_MD) -> str:
    """Chat markdown (WeCom, DingTalk, Feishu lark_md) within ``cap`` bytes."""
    return _render(batch, inbox_url, cap, _MarkdownStyle(dialect))


def render_html(batch: Sequence[AlertView], *, inbox_url: str) -> str:
    """The HTML part of a mail; every piece of page text is escaped."""
    body = _render(batch, inbox_url, 400_000, _HtmlStyle())
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
            "<body style=\"font-family:sans-serif;line-height:1.5\">" + body + "</body></html>")


def render_json(batch: Sequence[AlertView], *, idempotency_key: str) -> dict[str, Any]:
    """The generic webhook payload: each alert's summary plus its id and review link."""
    alerts = [{"id": a.id, "kind": a.kind, "headline": headline(a), "review_url": a.review_url, "title": a.title,
               "priority": a.priority,
               "relation": a.relation, "url": a.url, "account": a.account, "source": a.source,
               "plan": a.plan, "doc_count": a.doc_count, "created_at": a.created_at,
               "summary": a.summary.to_dict()} for a in batch]
    return {"idempotency_key": idempotency_key, "subject": subject(batch), "alerts": alerts}


class _TextStyle:
    sep = "\n"

    def title(self, text: str) -> str:
        return text

    def fact(self, label: str, value: str) -> str:
        return f"{label}: {value}"

    def item(self, text: str) -> str:
        return f"• {text}"

    def heading(self, text: str) -> str:
        return f"\n{text}:"

    def link(self, label: str, url: str) -> str:
        return f"{label}: {url}"


class _MarkdownStyle(_TextStyle):
    def __init__(self, dialect: Markdown) -> None:
        self.sep = dialect.sep
        self._heading = dialect.heading

    def title(self, text: str) -> str:
        label = md(text)
        return f"{self._heading}{label}" if self._heading else f"**{label}**"

    def fact(self, label: str, value: str) -> str:
        return f"**{label}:** {md(value)}"

    def item(self, text: str) -> str:
        return f"- {md(text)}"

    def heading(self, text: str) -> str:
        return f"**{text}**"

    def link(self, label: str, url: str) -> str:
        return f"[{label}]({quote(url, safe=_URL_SAFE)})"


class _HtmlStyle(_TextStyle):
    sep = "\n"

    def title(self, text: str) -> str:
        return f"<h3>{html.escape(text)}</h3>"

    def fact(self, label: str, value: str) -> str:
        return f"<div><b>{html.escape(label)}:</b> {html.escape(value)}</div>"

    def item(self, text: str) -> str:
        return f"<div style=\"margin-left:1em\">• {html.escape(text)}</div>"

    def heading(self, text: str) -> str:
        return f"<h4>{html.escape(text)}</h4>"

    def link(self, label: str, url: str) -> str:
        return f"<p><a href=\"{html.escape(url, quote=True)}\">{html.escape(label)}</a></p>"


def _render(batch: Sequence[AlertView], inbox_url: str, cap: int, style: Any) -> str:
    if len(batch) == 1:
        return _render_one(batch[0], cap, style)
    head = [style.title(subject(batch))]
    optional = [line for alert in batch for line in _digest_lines(alert, style)]
    more = style.link(f"More in the inbox ({len(batch)} alerts)", inbox_url)
    return fit(head, optional + [more], more, cap, style.sep)


def _render_one(alert: AlertView, cap: int, style: Any) -> str:
    change = headline(alert)
    head = [style.title(clip(change or alert.title, TITLE_CHARS))]
    head += [style.fact(label, clip(value, 200)) for label, value in facts(alert)]
    optional = _section(style, "Changed figures", _unique(figure_line(f) for f in alert.figures))
    title = alert.summary.title_change
    if title and title.get("new"):
        optional += _section(style, "Changed title", [f"「{title.get('old') or ''}」 → 「{title['new']}」"])
    optional += _section(style, "Changed clauses", _unique(change_line(c) for c in alert.changes))
    if alert.summary.last_text:
        optional += _section(style, "Last text kept", [clip(alert.summary.last_text, LAST_TEXT_SHOWN)])
    if web_url(alert.url):
        optional.append(style.link("Original", alert.url))
    optional.append(style.link("Review the changes", alert.review_url))
    more = style.link("More: review all changes", alert.review_url)
    return fit(head, optional, more, cap, style.sep)


def _unique(lines: Any) -> list[str]:
    return list(dict.fromkeys(lines))


def _section(style: Any, title: str, lines: list[str]) -> list[str]:
    return [style.heading(title), *(style.item(line) for line in lines)] if lines else []


def _digest_lines(alert: AlertView, style: Any) -> list[str]:
    change = headline(alert)
    if change:
        line = f"[{alert.priority.upper()}] {clip(change, 80)} — {clip(alert.title, 60)}"
        return [style.item(line), style.link("Review", alert.review_url)]
    first = figure_line(alert.figures[0]) if alert.figures else ""
    bits = [RELATION_LABELS.get(alert.relation, alert.relation), alert.account or alert.source or ""]
    line = f"[{alert.priority.upper()}] {clip(alert.title, 80)} — " + ", ".join(b for b in bits if b)
    if first:
        line += f"; {first}"
    return [style.item(line), style.link("Review", alert.review_url)]

