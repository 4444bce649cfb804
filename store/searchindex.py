"""Keeps the full-text index in step with the documents.

Two contentless FTS5 tables, rowid = documents.id:

- ``search_fts`` holds a document's *current* text: the title and lead+body as
  bigram shadows (:mod:`store.textindex`) and a ``facets`` column of the filter
  tokens that change only with a new version (source, account, publication
  day/month/year). Those filters are index terms intersected inside FTS5.
- ``search_marks`` holds the filter tokens that change *without* a new version:
  the status when it is not ``ok`` (plus :data:`NOT_OK`) and the plan and relation
  of the current version's comparisons. A comparison or a status change then
  rewrites a row of a few tokens instead of the document's ~2,000 text tokens
  (storing the "unrelated" comparison of every new document used to cost two
  more full index writes per tracked plan). A document with nothing to mark has
  no row; searches filtered by these tokens keep the text hits whose rowid is
  (or, for ``status=ok``, is not) among the marked rows.

A contentless FTS5 row can only be removed by repeating what was inserted, so
each document records what it is indexed with (``indexed_version_id``,
``search_facets``, ``search_marks``); :func:`reindex` and :func:`mark` remove
exactly that and insert the current state. Everything runs inside the caller's
transaction.
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from store.textindex import shadow

SEARCH_TABLE = "search_fts"
MARKS_TABLE = "search_marks"
#: The mark every document whose status is not ``ok`` carries (``status=ok`` excludes them).
NOT_OK = "nok"


@dataclass(frozen=True)
class IndexQuery:
    """What a search asks the index: an expression over the text rows and, maybe, one over the marks.

    ``marks`` keeps the text hits whose rowid has a matching marks row, or, when
    ``unmarked``, those whose rowid has none (``status=ok``: no :data:`NOT_OK` mark).
    """

    expression: str
    marks: str | None = None
    unmarked: bool = False

    def where(self, *, rowid: str = "rowid", names: tuple[str, str] = ("?", "?")) -> tuple[str, list[str]]:
        """The WHERE clause over ``SEARCH_TABLE`` and its parameters in order.

        ``rowid`` is how the query names the text row's rowid, ``names`` the two
        parameters' placeholders (``:q``, ``:m`` for SQL a user pastes elsewhere).
        ``+rowid`` keeps SQLite from turning the marks into one index seek per marked
        row (60x slower for a plan marking every document): FTS5 runs the text match
        in rowid order and each hit is looked up in the marks' set.
        """
        match = f"{SEARCH_TABLE} MATCH {names[0]}"
        if self.marks is None:
            return match, [self.expression]
        keep = "NOT IN" if self.unmarked else "IN"
        return (f"{match} AND +{rowid} {keep} (SELECT rowid FROM {MARKS_TABLE} WHERE {MARKS_TABLE} MATCH {names[1]})",
                [self.expression, self.marks])


def token(kind: str, value: str) -> str:
    """A facet token: a letter for the kind and a digest of the value (ASCII letters/digits only)."""
    return kind + hashlib.blake2s(value.encode(), digest_size=6).hexdigest()


def date_tokens(day: str | None) -> list[str]:
    """Tokens for a YYYY-MM-DD publication date: its year, month and day."""
    if not day:
        return []
    compact = day.replace("-", "")
    return [f"y{compact[:4]}", f"m{compact[:6]}", f"d{compact}"]


def facets(*, source: str | None, account: str | None, published_date: str | None) -> str:
    """The facets column of a document's text row: one token per fact fixed by its version."""
    tokens = [token("s", source)] if source else []
    if account:
        tokens.append(token("a", account))
    tokens += date_tokens(published_date)
    return " ".join(tokens)


def marks(*, status: str, compared: list[tuple[int, str | None]]) -> str:
    """The marks row of a document: a status other than ok, and its comparisons' plans and relations."""
    tokens = [] if status == "ok" else [token("t", status), NOT_OK]
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


def mark(conn: sqlite3.Connection, document_id: int) -> None:
    """Bring a document's marks row in line with its status and its current version's comparisons."""
    row = conn.execute("SELECT status, latest_version_id, search_marks FROM documents WHERE id = ?",
                       (document_id,)).fetchone()
    if row is None:
        return
    status, latest_id, indexed = row
    compared = conn.execute("SELECT plan_id, relation FROM comparisons WHERE version_id = ? ORDER BY id",
                            (latest_id,)).fetchall() if latest_id is not None else []
    current = marks(status=status, compared=[tuple(c) for c in compared])
    if current == (indexed or ""):
        return
    if indexed:
        conn.execute(f"INSERT INTO {MARKS_TABLE} ({MARKS_TABLE}, rowid, marks) VALUES ('delete', ?, ?)",
                     (document_id, indexed))
    if current:
        conn.execute(f"INSERT INTO {MARKS_TABLE} (rowid, marks) VALUES (?, ?)", (document_id, current))
    conn.execute("UPDATE documents SET search_marks = ? WHERE id = ?", (current or None, document_id))


def reindex(conn: sqlite3.Connection, document_id: int, *, marked: bool = True) -> None:
    """Replace a document's text row with its current version, and bring its marks in line.

    ``marked=False`` leaves the marks alone (migrations that ran before the marks table existed).
    """
    if marked:
        mark(conn, document_id)
    row = conn.execute(
        "SELECT d.indexed_version_id, d.search_facets, d.latest_version_id, d.source, v.title, v.lead,"
        " v.body, v.account, v.published_date FROM documents d LEFT JOIN versions v ON v.id = d.latest_version_id"
        " WHERE d.id = ?", (document_id,)).fetchone()
    if row is None:
        return
    indexed_id, indexed_facets, latest_id, source, title, lead, body, account, published = row
    if indexed_id == latest_id and indexed_facets == facets(source=source, account=account, published_date=published):
        return
    if indexed_id is not None:
        old = conn.execute("SELECT title, lead, body FROM versions WHERE id = ?", (indexed_id,)).fetchone()
        conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, body, facets)"
                     " VALUES ('delete', ?, ?, ?, ?)",
                     (document_id, shadow(old[0] or ""), shadow(_text(old[1], old[2])), indexed_facets))
        conn.execute("UPDATE documents SET indexed_version_id = NULL, search_facets = NULL WHERE id = ?",
                     (document_id,))
    if latest_id is None:
        return
    facet_text = facets(source=source, account=account, published_date=published)
    insert_row(conn, document_id, latest_id, title or "", _text(lead, body), facet_text)


def _text(lead: str | None, body: str | None) -> str:
    """Lead and body joined as Document.text joins them."""
    return "\n\n".join(part for part in (lead, body) if part)


def forget_all(conn: sqlite3.Connection) -> None:
    """Empty both tables and record that no document is indexed (the start of a rebuild)."""
    conn.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (MARKS_TABLE,)).fetchone():
        conn.execute(f"INSERT INTO {MARKS_TABLE} ({MARKS_TABLE}) VALUES ('delete-all')")
        conn.execute("UPDATE documents SET search_marks = NULL WHERE search_marks IS NOT NULL")
    conn.execute("UPDATE documents SET indexed_version_id = NULL, search_facets = NULL"
                 " WHERE indexed_version_id IS NOT NULL OR search_facets IS NOT NULL")


def rebuild(conn: sqlite3.Connection, *, marked: bool = True) -> None:
    """Index every document from scratch (migrations; after a change of the folding rules)."""
    forget_all(conn)
    query = "SELECT id FROM documents" + ("" if marked else " WHERE latest_version_id IS NOT NULL")
    for (document_id,) in conn.execute(query).fetchall():
        reindex(conn, document_id, marked=marked)
