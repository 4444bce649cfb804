"""A watched document's own change: the version diff of a revision and the alert of a status change.

Pure decisions the ingest path (:mod:`crawler.ingest`) asks for once it knows a
document got a new version or a new status:

* :func:`version_diff` compares a version with the previous one using the same clause
  engine as plan comparisons (``diffing.compare``, the previous text as the "plan"), so
  formatting never counts and a changed figure is named old → new. Text the engine
  calls "outside" (a new paragraph after the last shared clause) is an added clause here:
  between two versions of one document every new sentence is change.
* :func:`revision_priority` ranks it: figures, deadlines or added/removed clauses are
  ``high``, wording ``normal``; no change at all (formatting only) gives ``None``, no alert.
* :func:`status_summary` / :func:`status_priority` describe ok → deleted / blocked /
  unreachable and back (``restored``): an official page disappearing is ``high``, a
  WeChat repost disappearing ``normal``.
"""
from __future__ import annotations

from typing import Any

from crawler.urls import host_of
from store.kinds import AlertKind
from store.model import Document
from store.records import AlertSummary, VersionRecord

#: How many changed clauses an alert summary carries (the full diff is rebuilt on the alert page).
TOP_CHANGES = 5
#: Characters of the last kept text a status alert carries.
LAST_TEXT_CHARS = 1000
#: Document kinds published by an authority: their disappearance is high priority.
OFFICIAL_KINDS = frozenset({"miit", "gov", "govcn"})
#: Hosts (and their subdomains) that are official whatever normaliser read the page.
OFFICIAL_HOSTS = ("gov.cn",)


def version_diff(old_title: str, old_text: str, new_title: str, new_text: str) -> dict[str, Any]:
    """The change from one text of a document (or plan) to the next: changes, figures, title change, counts.

    ``figures`` are ``{context, old, new, kind, figure, section}``; ``changes`` are
    ``{kind, section, old, new, inline}`` (inline: word-level ``[op, text]`` segments).
    """
    from diffing import compare, fold
    from diffing.figures import figures_of

    comparison = compare(old_text, new_text, plan_title=old_title, doc_title=new_title)
    changes = [{"kind": c.kind, "section": c.section, "old": c.plan_text, "new": c.doc_text,
                "inline": [list(seg) for seg in c.inline]} for c in comparison.changes
               if c.kind != "title"]  # the title is ``title_change``, said once
    figures = list(comparison.figures)
    for text in comparison.outside:
        changes.append({"kind": "added", "section": "", "old": None, "new": text, "inline": []})
        figures.extend(figures_of(text, "added"))
    title_change = {"old": old_title, "new": new_title} if fold(old_title) != fold(new_title) else None
    counts = {kind: sum(1 for c in changes if c["kind"] == kind) for kind in ("changed", "added", "removed", "moved")}
    counts["figures"] = len(figures)
    return {
        "changes": changes,
        "figures": [{"context": f.context, "old": f.plan, "new": f.doc, "kind": f.kind, "figure": f.figure,
                     "section": f.section} for f in figures],
        "title_change": title_change,
        "counts": counts,
        "similarity": round(comparison.similarity, 4),
    }


def revision_priority(diff: dict[str, Any]) -> str | None:
    """``high`` for figures, deadlines or added/removed clauses; ``normal`` for wording; ``low`` when only
    cross-references followed a renumbering; None: no change at all."""
    if diff["figures"] or any(c["kind"] in ("added", "removed") for c in diff["changes"]):
        return "high"
    if diff["title_change"] or any(c["kind"] != "renumbered" for c in diff["changes"]):
        return "normal"
    return "low" if diff["changes"] else None


def top_changes(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes an alert carries: edits before moves, at most :data:`TOP_CHANGES`."""
    ordered = sorted(diff["changes"], key=lambda c: c["kind"] == "moved")
    return ordered[:TOP_CHANGES]


def official(doc_kind: str | None, url: str | None) -> bool:
    """Whether a document is an authority's own page (MIIT, gov.cn) rather than a repost."""
    host = host_of(url or "")
    return (doc_kind or "") in OFFICIAL_KINDS or any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS)


def status_priority(doc_kind: str | None, url: str | None, status_to: str) -> str:
    """An official page disappearing is high; a repost disappearing, or any page coming back, normal."""
    if status_to != "ok" and official(doc_kind, url):
        return "high"
    return "normal"


def status_label(status_from: str | None, status_to: str) -> str:
    """What happened, as one word: deleted, blocked, unavailable, unreachable, or restored."""
    return "restored" if status_to == "ok" and status_from not in (None, "ok") else status_to


def document_facts(doc: Document, source: str | None) -> dict[str, Any]:
    """Who published what, where: the first keys of every alert summary about a document."""
    return {"title": doc.title, "url": doc.url or doc.canonical_url, "account": doc.account,
            "source": source or doc.source, "published_at": doc.published_at}


def change_summary(kind: str, diff: dict[str, Any], priority: str, facts: dict[str, Any],
                   **extra: Any) -> AlertSummary:
    """The summary of a ``revised`` or ``plan_changed`` alert: the change first, then the facts."""
    return AlertSummary.from_dict({
        "kind": kind, **facts, "priority": priority, "figures": diff["figures"], "changes": top_changes(diff),
        "title_change": diff["title_change"], "counts": diff["counts"], "similarity": diff["similarity"], **extra})


def status_summary(version: VersionRecord | None, facts: dict[str, Any], status_from: str | None,
                   status_to: str, priority: str, message: str | None) -> AlertSummary:
    """The summary of a ``status`` alert: from/to, what the page said, and the last text kept."""
    last_text = version.text if version else ""
    kept = {k: v or (getattr(version, k) if version else None) for k, v in facts.items()}
    return AlertSummary.from_dict({
        "kind": AlertKind.STATUS, **kept, "priority": priority,
        "status_from": status_from, "status_to": status_to, "event": status_label(status_from, status_to),
        "message": message, "last_text": last_text[:LAST_TEXT_CHARS], "last_version": version.seq if version else None})
