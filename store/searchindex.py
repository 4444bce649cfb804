"""Keeps the full-text index in step with the documents.

The index (``search_fts``, FTS5, contentless) has one row per document, rowid =
documents.id, holding its *current* text: the title and lead+body as bigram
shadows (:mod:`store.textindex`) and a ``facets`` column of filter tokens
(source, account, status, publication day/month/year, plan and relation of its
comparisons). Filters are then index terms intersected inside FTS5, so a search
never joins other tables until it builds the page of hits; that is what keeps
it fast at 100,000 documents.

A contentless FTS5 row can only be removed by repeating what was inserted, so
each document records the version and facets it is indexed with
(``indexed_version_id``, ``search_facets``); :func:`reindex` removes exactly that
and inserts the current state. Everything runs inside the caller's transaction.
"""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, timedelta

from store.textindex import shadow

SEARCH_TABLE = "search_fts"


def token(kind: str, value: str) -> str:
    """A facet token: a letter for the kind and a digest of the value (ASCII letters/digits only)."""
    return kind + hashlib.blake2s(value.encode(), digest_size=6).hexdigest()


def date_tokens(day: str | None) -> list[str]:
    """Tokens for a YYYY-MM-DD publication date: its year, month and day."""
    if not day:
        return []
    compact = day.replace("-", "")
    return [f"y{compact[:4]}", f"m{compact[:6]}", f"d{compact}"]


def facets(*, source: str | None, account: str | None, status: str, published_date: str | None,
           compared: list[tuple[int, str | None]]) -> str:
    """The facets column for a document: one token per filterable fact."""
    tokens = [token("t", status)]
    if source:
        tokens.append(token("s", source))
    if account:
        tokens.append(token("a", account))
    tokens += date_tokens(published_date)
    for plan_id, relation in compared:
        tokens.append(f"p{plan_id}")
        if relation:
            tokens += [token("r", relation), token("r", f"{plan_id}:{relation}")]
    return " ".join(dict.fromkeys(tokens))


def date_cover(since: date, until: date) -> list[str]:
    """The fewest year/month/day tokens whose union is exactly the days since..until."""
    tokens: list[str] = []
    day = since
    while day <= until:
        year_end, month_end = date(day.year, 12, 31), _month_end(day)
        if day == date(day.year, 1, 1) and year_end <= until:
            tokens.append(f"y{day.year}")
            day = year_end + timedelta(days=1)
        elif day.day == 1 and month_end <= until:
            tokens.append(f"m{day.year}{day.month:02d}")
            day = month_end + timedelta(days=1)
        else:
            tokens.append(f"d{day.year}{day.month:02d}{day.day:02d}")
            day += timedelta(days=1)
    return tokens


def _month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def index_row(conn: sqlite3.Connection, document_id: int, title: str, text: str, facet_text: str) -> None:
    """Add a document's index row (the caller records version and facets on the document)."""
    conn.execute(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body, facets) VALUES (?, ?, ?, ?)",
                 (document_id, shadow(title), shadow(text), facet_text))


def insert_row(conn: sqlite3.Connection, document_id: int, version_id: int, title: str, text: str,
               facet_text: str) -> None:
    """Index a document that has no row yet, and record what was indexed."""
    index_row(conn, document_id, title, text, facet_text)
    conn.execute("UPDATE documents SET indexed_version_id = ?, search_facets = ? WHERE id = ?",
                 (version_id, facet_text, document_id))


def reindex(conn: sqlite3.Connection, document_id: int) -> None:
    """Replace a document's index row with its current version, status and comparisons."""
    row = conn.execute(
        "SELECT d.indexed_version_id, d.search_facets, d.latest_version_id, d.source, d.status, v.title, v.lead,"
        " v.body, v.account, v.published_date FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id"
        " WHERE d.id = ?", (document_id,)).fetchone()
    if row is None:
        return
    indexed_id, indexed_facets, latest_id, source, status, title, lead, body, account, published = row
    if indexed_id is not None:
        old = conn.execute("SELECT title, lead, body FROM versions WHERE id = ?", (indexed_id,)).fetchone()
        conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, body, facets)"
                     " VALUES ('delete', ?, ?, ?, ?)",
                     (document_id, shadow(old[0] or ""), shadow(_text(old[1], old[2])), indexed_facets))
        conn.execute("UPDATE documents SET indexed_version_id = NULL, search_facets = NULL WHERE id = ?",
                     (document_id,))
    if latest_id is None:
        return
    compared = conn.execute("SELECT plan_id, relation FROM comparisons WHERE version_id = ? ORDER BY id",
                            (latest_id,)).fetchall()
    facet_text = facets(source=source, account=account, status=status, published_date=published,
                        compared=[tuple(c) for c in compared])
    insert_row(conn, document_id, latest_id, title or "", _text(lead, body), facet_text)


def _text(lead: str | None, body: str | None) -> str:
    """Lead and body joined as Document.text joins them."""
    return "\n\n".join(part for part in (lead, body) if part)


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every document from scratch (migrations; after a change of the folding rules)."""
    conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
    conn.execute("UPDATE documents SET indexed_version_id = NULL, search_facets = NULL")
    for (document_id,) in conn.execute("SELECT id FROM documents WHERE latest_version_id IS NOT NULL").fetchall():
        reindex(conn, document_id)
