"""Search and export filters, as index terms (search) and as SQL (export).

Both forms select the same documents: source, account, status, publication
date range of the current version, and the relation/plan of its comparisons.
Status and priority are the store's words (store.kinds) and are checked here; a
relation is diffing's word, which the store keeps as text without knowing the
vocabulary, so the shell checks it before it arrives (policywatch/vocabulary.py).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.base import id_param
from store.errors import SearchError
from store.kinds import PRIORITIES, STATUSES
from store.searchindex import NOT_OK, IndexQuery, date_cover, token

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def bound(value: str | None, name: str, *, end: bool) -> date | None:
    """A YYYY, YYYY-MM or YYYY-MM-DD bound as a date (the period's last day when ``end``)."""
    if value is None or not str(value).strip():
        return None
    found = _DATE.fullmatch(str(value).strip())
    try:
        if not found:
            raise ValueError(value)
        year = int(found.group(1))
        month, day = (int(part) if part else None for part in found.groups()[1:])
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            following = date(year + month // 12, month % 12 + 1, 1) if end else None
            return date.fromordinal(following.toordinal() - 1) if following else date(year, month, 1)
        return date(year, month, day)
    except ValueError:
        raise SearchError(f"--{name} must be a date like 2026-03-01 (got {value!r})") from None


@dataclass(frozen=True)
class Filters:
    """Search filters; every one given must hold for a document to match."""

    source: str | None = None
    account: str | None = None
    since: str | None = None
    until: str | None = None
    relation: str | None = None
    plan: str | int | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        check_choice("status", self.status, STATUSES)
        self.dates()

    def dates(self) -> tuple[date | None, date | None]:
        """The since/until bounds as dates (validated, since not after until)."""
        since, until = bound(self.since, "since", end=False), bound(self.until, "until", end=True)
        if since and until and since > until:
            raise SearchError(f"--since {self.since} is after --until {self.until}: nothing can match")
        return since, until

    def check(self, conn: sqlite3.Connection) -> None:
        """Refuse a plan or source the archive does not know (a typo must not look like "no results")."""
        check_plan(conn, self.plan)
        check_source(conn, self.source)

    def index_query(self, conn: sqlite3.Connection, text_expression: str) -> IndexQuery | None:
        """The text expression ANDed with these filters as index terms; None if nothing can match.

        Source, account and dates are terms of the text rows' ``facets`` column; status,
        plan and relation are terms of the marks rows (see store.searchindex).
        """
        self.check(conn)
        terms = [f"{{title body}} : ({text_expression})"]
        terms += [f'facets : "{token(kind, value)}"' for kind, value in (("s", self.source), ("a", self.account))
                  if value is not None]
        since, until = self.dates()
        if since or until:
            cover = _cover(conn, since, until)
            if not cover:
                return None
            terms.append("facets : (" + " OR ".join(f'"{t}"' for t in cover) + ")")
        marked = [f'"{token("t", self.status)}"'] if self.status not in (None, "ok") else []
        if self.relation is not None or self.plan is not None:
            compared = self._compared_token(conn)
            if compared is None:
                return None
            marked.append(f'"{compared}"')
        expression = " AND ".join(terms)
        if self.status == "ok":
            if not marked:
                return IndexQuery(expression, f'"{NOT_OK}"', unmarked=True)
            return IndexQuery(expression, f'({" AND ".join(marked)}) NOT "{NOT_OK}"')
        return IndexQuery(expression, " AND ".join(marked) or None)

    def _compared_token(self, conn: sqlite3.Connection) -> str | None:
        """The facet token for the relation/plan filter; None for an unknown plan."""
        if self.plan is None:
            return token("r", str(self.relation))
        plan = str(self.plan)
        found = conn.execute("SELECT id FROM plans WHERE name = ? OR (? GLOB '[0-9]*' AND id = ?)"
                             " ORDER BY name = ? DESC LIMIT 1", (plan, plan, plan, plan)).fetchone()
        if found is None:
            return None
        return f"p{found[0]}" if self.relation is None else token("r", f"{found[0]}:{self.relation}")

    def sql(self) -> tuple[str, list[Any]]:
        """WHERE conditions over documents ``d`` and their current version ``v``, with parameters."""
        since, until = self.dates()
        where: list[str] = []
        params: list[object] = []
        for clause, value in (("d.source = ?", self.source), ("v.account = ?", self.account),
                              ("d.status = ?", self.status),
                              ("v.published_date >= ?", since.isoformat() if since else None),
                              ("v.published_date <= ?", until.isoformat() if until else None)):
            if value is not None:
                where.append(clause)
                params.append(value)
        if self.relation is not None or self.plan is not None:
            clause = "EXISTS (SELECT 1 FROM comparisons c JOIN plans p ON p.id = c.plan_id WHERE c.version_id = v.id"
            if self.relation is not None:
                clause += " AND c.relation = ?"
                params.append(self.relation)
            if self.plan is not None:
                clause += " AND (p.name = ? OR p.id = ?)"
                params += [str(self.plan), id_param(self.plan)]
            where.append(clause + ")")
        return " AND ".join(where), params


def check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    """A SearchError naming the allowed values when ``value`` is not one of them (None passes)."""
    if value is not None and value not in allowed:
        raise SearchError(f"unknown {name} {value!r} (expected one of {', '.join(allowed)})")


def check_priority(value: str | None) -> None:
    """Refuse an unknown alert priority."""
    check_choice("priority", value, PRIORITIES)


def check_plan(conn: sqlite3.Connection, plan: str | int | None) -> None:
    """Refuse a plan name or id that is not tracked in the archive."""
    if plan is None:
        return
    found = conn.execute("SELECT 1 FROM plans WHERE name = ? OR id = ? LIMIT 1",
                         (str(plan), id_param(plan))).fetchone()
    if found is None:
        raise SearchError(f"unknown plan {str(plan)!r} (policywatch track --list shows the tracked plans)")


def check_source(conn: sqlite3.Connection, source: str | None) -> None:
    """Refuse a source name that neither sources.toml recorded nor any document carries."""
    if source is None:
        return
    found = conn.execute("SELECT 1 FROM sources WHERE name = ? UNION ALL SELECT 1 FROM documents WHERE source = ?"
                         " LIMIT 1", (source, source)).fetchone()
    if found is None:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sources UNION SELECT source FROM documents WHERE source IS NOT NULL ORDER BY 1 LIMIT 12")]
        known = f" (known: {', '.join(names)})" if names else " (the archive has no sources yet)"
        raise SearchError(f"unknown source {source!r}{known}")


def _cover(conn: sqlite3.Connection, since: date | None, until: date | None) -> list[str]:
    """Date tokens for since..until, open ends clamped to the archive's publication dates."""
    low, high = conn.execute(
        "SELECT min(published_date), max(published_date) FROM versions WHERE published_date IS NOT NULL").fetchone()
    if low is None:
        return []
    try:
        low_day, high_day = date.fromisoformat(low), date.fromisoformat(high)
    except ValueError:
        return []
    since = max(since, low_day) if since else low_day
    until = min(until, high_day) if until else high_day
    return date_cover(since, until) if since <= until else []
