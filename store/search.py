"""Exact Chinese full-text search over the current text of every document.

A query is parsed by :mod:`store.querysyntax` (space = AND, ``OR``, ``-word``,
``"quoted phrase"``); the index (see :mod:`store.textindex`) turns each word into
an FTS5 phrase of character bigrams, so 算力, 数据, 工业互联网, 不少于50000家 and 5G
are found exactly as ``word in fold(text)`` would find them, in the title or the
lead+body. A quoted phrase with spaces between Latin words is matched run by run
and every candidate is verified against the folded text. FTS5 syntax in a query
(NEAR, AND, *, parentheses, column filters) is never passed through: it is just text to find.

Ranking is bm25 with the title weighted 5x the body. A query matching more
than :data:`RANK_WINDOW` documents ranks the newest that many by bm25 and lists
the older matches after them, newest first: every match is still counted and
reachable page by page, and a broad query stays fast at 100,000 documents. Snippets mark each match
with ``[[`` and ``]]`` (:data:`MARK_START`, :data:`MARK_END`); ``snippet_parts``
gives the same snippet as ``[text, is_match]`` pairs so an HTML renderer can
escape the text and add its own markup without parsing markers.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from store.base import ArchiveBase
from store.documents import version_text
from store.errors import SearchError
from store.filters import Filters
from store.querysyntax import Query, parse
from store.searchindex import SEARCH_TABLE, IndexQuery
from store.textindex import fold, folded_with_offsets

MARK_START, MARK_END = "[[", "]]"
_BEFORE, _WIDTH = 30, 110
_VERIFY_BATCH = 500
#: Queries matching more documents rank only the newest this many by bm25 (keeps p95 flat at 100k).
RANK_WINDOW = 2000
_CACHED_RANKINGS = 32
#: A one-character CJK query on an archive of more than this many documents scans the newest
#: documents' text (up to this many) for the first pages, listing them newest first with an
#: estimated count, instead of expanding the index prefix of every bigram starting with it.
ONE_CHAR_SCAN = 2000
_SCAN_BATCH = 250
#: Characters whose NFKC form is another CJK ideograph (radicals, compatibility ideographs).
_CJK_VARIANTS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


@dataclass
class SearchPage:
    """One page of results (``hits``) and the number of matching documents (``total``).

    ``estimated`` is True when ``total`` is an estimate (a one-character query on a large
    archive, see :data:`ONE_CHAR_SCAN`); the hits themselves are always exact.
    """

    hits: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    estimated: bool = False


def _parse(query: str | None) -> tuple[Query, str]:
    """(parsed query, FTS5 expression of its words), or a SearchError for a query with nothing to find."""
    parsed = parse(query)
    return parsed, parsed.expression()


class SearchMixin(ArchiveBase):
    """Archive.search, Archive.documents (export) and their helpers."""

    def search(self, query: str, *, source: str | None = None, account: str | None = None,
               since: str | None = None, until: str | None = None, relation: str | None = None,
               plan: str | int | None = None, status: str | None = None, limit: int = 20,
               offset: int = 0) -> SearchPage:
        """Documents whose current title or text contains ``query``, best first (see module doc)."""
        parsed, text_expression = _parse(query)
        if limit < 0 or offset < 0:
            raise SearchError("limit and offset cannot be negative")
        expression = self._expression(text_expression, Filters(source, account, since, until, relation, plan, status))
        if expression is None:
            return SearchPage([], 0)
        filtered = any(value is not None for value in (source, account, since, until, relation, plan, status))
        single = parsed.words[0] if len(parsed.words) == 1 and not parsed.excluded else ""
        newest = None if filtered or not single else self._newest_with_char(single, expression, limit, offset)
        if newest is not None:
            page, total, estimated = newest
        elif parsed.needs_verification():
            ranked = rank_order(self._verified(parsed, expression))
            page, total = ranked[offset:offset + limit], len(ranked)
        else:
            page, total = self._exact_page(expression, limit, offset)
        return SearchPage([self._hit(document_id, score, parsed, query) for document_id, score in page], total,
                          estimated=newest is not None and estimated)

    def _expression(self, text_expression: str, filters: Filters) -> IndexQuery | None:
        """What to ask the index: the text in title/body AND the filters (None: nothing can match)."""
        with self._lock:
            return filters.index_query(self._conn, text_expression)

    def documents(self, *, query: str | None = None, batch: int = 1000, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every document (current version's fields) matching the filters and optional query.

        Streams in id order, ``batch`` rows at a time, so exporting 100,000 documents
        stays in constant memory. Same filters as :meth:`search`, checked before the
        first row (a bad filter is an error, never a half-written export).
        """
        chosen = Filters(**filters)
        with self._lock:
            chosen.check(self._conn)
        conditions, params = chosen.sql()
        if query is not None and query.strip():
            parsed, text_expression = _parse(query)
            expression = self._expression(text_expression, chosen)
            ids = sorted(doc_id for doc_id, _ in self._verified(parsed, expression)) if expression else []
            conditions = " AND ".join(filter(None, [conditions, f"d.id IN ({', '.join(map(str, ids)) or 'NULL'})"]))
        return self._document_rows(f"AND {conditions}" if conditions else "", params, batch)

    def _document_rows(self, where: str, params: list[Any], batch: int) -> Iterator[dict[str, Any]]:
        """The rows of :meth:`documents`, ``batch`` at a time in id order."""
        last = 0
        while True:
            rows = self.rows(
                "SELECT d.id, d.url, d.canonical_url, d.source, d.kind, d.status, d.first_seen, d.last_seen,"
                " d.version_count, v.id AS version_id, v.title, v.account, v.author, v.doc_number, v.published_at,"
                " v.fetched_at, v.origin, v.origin_url, v.repost_from, v.lead, v.body, v.content_hash"
                f" FROM documents d JOIN versions v ON v.id = d.latest_version_id WHERE d.id > ? {where}"
                " ORDER BY d.id LIMIT ?", [last, *params, batch])
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1]["id"]

    def search_sql(self, query: str, **filters: Any) -> tuple[str, dict[str, str]]:
        """The SQL and its named MATCH parameters for ``query`` and filters (to paste into sqlite-utils or Datasette).

        ``:q`` is the expression :meth:`search` runs over the text rows, ``:m`` (when a
        status, plan or relation filter is given) the one over the marks rows; for a
        quoted phrase with spaces between Latin words the hits are candidates that
        :meth:`search` verifies.
        """
        parsed, text_expression = _parse(query)
        found = self._expression(text_expression, Filters(**filters)) or IndexQuery("\"nothing matches\"")
        where, params = found.where(rowid="f.rowid", names=(":q", ":m"))
        sql = (f"select d.id, v.title, d.url from {SEARCH_TABLE} f join documents d on d.id = f.rowid"
               f" join versions v on v.id = d.latest_version_id where {where} order by rank limit 20")
        return sql, dict(zip(("q", "m"), params, strict=False))

    def _newest_with_char(self, folded: str, expression: IndexQuery, limit: int,
                          offset: int) -> tuple[list[tuple[int, float]], int, bool] | None:
        """(page, count, estimated) of an unfiltered one-CJK-character query on a large archive, newest first.

        None when the query is not one such character or the archive is small (the
        ranked path runs). The newest texts are scanned (at most :data:`ONE_CHAR_SCAN`)
        until the page is full; the count is then estimated from the matches among
        them. A page the scan cannot fill comes from the index in the same newest-first
        order, with an exact count, so pages never overlap or skip. A raw text
        containing the character contains it folded too (folding never changes a CJK
        ideograph); a text without it is folded only if it holds a radical or
        compatibility form.
        """
        if len(folded) != 1 or not "\u3400" <= folded <= "\u9fff" or limit == 0:
            return None
        top = self.scalar(f"SELECT max(rowid) FROM {SEARCH_TABLE}_docsize") or 0
        if top <= ONE_CHAR_SCAN:
            return None
        hits: list[tuple[int, float]] = []
        scanned, below, exhausted = 0, top + 1, False
        while scanned < ONE_CHAR_SCAN and len(hits) < offset + limit:
            rows = self.rows(
                "SELECT d.id, v.title, v.lead, v.body FROM documents d JOIN versions v ON v.id = d.indexed_version_id"
                " WHERE d.id < ? ORDER BY d.id DESC LIMIT ?", (below, _SCAN_BATCH))
            exhausted = len(rows) < _SCAN_BATCH
            hits += [(row["id"], 0.0) for row in rows if _contains_char(folded, row)]
            scanned, below = scanned + len(rows), rows[-1]["id"] if rows else below
            if exhausted:
                break
        if exhausted:
            return hits[offset:offset + limit], len(hits), False
        if len(hits) >= offset + limit:
            return hits[offset:offset + limit], max(len(hits), round(len(hits) / scanned * top)), True
        page = self._scored(f"ORDER BY rowid DESC LIMIT {int(limit)} OFFSET {int(offset)}", expression)
        return page, self._count(expression), False

    def _exact_page(self, expression: IndexQuery, limit: int, offset: int) -> tuple[list[tuple[int, float]], int]:
        """One page of exact hits in :func:`rank_order`, and the number of matches."""
        ranked, total = self._ranking(expression)
        head = ranked[offset:offset + limit]
        if len(head) < limit and total > len(ranked):
            skip = len(ranked) + max(0, offset - len(ranked))
            head += self._scored(f"ORDER BY rowid DESC LIMIT {limit - len(head)} OFFSET {skip}", expression)
        return head, total

    def _ranking(self, expression: IndexQuery) -> tuple[list[tuple[int, float]], int]:
        """The ranked head of the matches (all of them, or the newest RANK_WINDOW) and their number.

        One statement scores the newest RANK_WINDOW + 1 matches (they come lazily,
        newest first): a narrow query is then ranked and counted in that single pass;
        a broad one is counted apart, and only its newest RANK_WINDOW matches are ranked.
        Kept for the next page until the archive changes (``data_version`` covers
        other connections' commits, ``total_changes`` this connection's).
        """
        cache: OrderedDict[IndexQuery, tuple[tuple[int, int], list[tuple[int, float]], int]]
        cache = self.__dict__.setdefault("_rankings", OrderedDict())
        state = (int(self.scalar("PRAGMA data_version")), self._conn.total_changes)
        if expression in cache and cache[expression][0] == state:
            cache.move_to_end(expression)
            return cache[expression][1], cache[expression][2]
        newest = self._scored(f"ORDER BY rowid DESC LIMIT {RANK_WINDOW + 1}", expression)
        total = len(newest) if len(newest) <= RANK_WINDOW else self._count(expression)
        ranked = rank_order(newest[:RANK_WINDOW])
        cache[expression] = (state, ranked, total)
        while len(cache) > _CACHED_RANKINGS:
            cache.popitem(last=False)
        return ranked, total

    def _scored(self, tail: str, expression: IndexQuery) -> list[tuple[int, float]]:
        """(document id, bm25 score: higher is better) of the matches, ordered and cut by ``tail``."""
        where, params = expression.where()
        with self._lock:
            return [(row[0], -row[1]) for row in self._conn.execute(
                f"SELECT rowid, rank FROM {SEARCH_TABLE} WHERE {where} {tail}", params)]

    def _count(self, expression: IndexQuery) -> int:
        """Number of documents matching an exact expression."""
        where, params = expression.where()
        return int(self.scalar(f"SELECT count(*) FROM {SEARCH_TABLE} WHERE {where}", params))

    def _verified(self, parsed: Query, expression: IndexQuery) -> list[tuple[int, float]]:
        """All candidates, newest first, kept only where the folded texts really match the query."""
        candidates = self._scored("ORDER BY rowid DESC", expression)
        if not parsed.needs_verification():
            return candidates
        kept: list[tuple[int, float]] = []
        for start in range(0, len(candidates), _VERIFY_BATCH):
            batch = candidates[start:start + _VERIFY_BATCH]
            texts = self._texts([document_id for document_id, _ in batch])
            kept += [hit for hit in batch if parsed.matches(tuple(fold(text) for text in texts[hit[0]]))]
        return kept

    def _texts(self, document_ids: list[int]) -> dict[int, tuple[str, str]]:
        """(title, lead+body) of the current version of documents, by document id."""
        marks = ", ".join("?" * len(document_ids))
        return {row["id"]: (row["title"] or "", version_text(row)) for row in self.rows(
            f"SELECT d.id, v.title, v.lead, v.body FROM documents d JOIN versions v ON v.id = d.latest_version_id"
            f" WHERE d.id IN ({marks})", document_ids)}

    def _hit(self, document_id: int, score: float, parsed: Query, query: str) -> dict[str, Any]:
        """The result dict for one matching document (its current text)."""
        row = self.row(
            "SELECT d.id, v.title, d.url, v.account, v.published_at, d.source, d.status, v.id AS version_id,"
            " v.lead, v.body FROM documents d JOIN versions v ON v.id = d.latest_version_id WHERE d.id = ?",
            (document_id,))
        assert row is not None
        text = version_text(row)
        words = parsed.words
        typed = query if len(words) == 1 and not parsed.excluded else ""
        parts = snippet_parts(text, words, typed) or snippet_parts(row["title"] or "", words, typed)
        del row["lead"], row["body"]
        row["snippet"] = "".join(f"{MARK_START}{t}{MARK_END}" if hit else t for t, hit in parts)
        row["snippet_parts"] = [[t, hit] for t, hit in parts]
        row["score"] = round(score, 6)
        return row


def _contains_char(char: str, row: dict[str, Any]) -> bool:
    """Whether the folded title or lead+body of a version row contains the CJK character ``char``."""
    texts = (row["title"] or "", row["lead"] or "", row["body"] or "")
    if any(char in text for text in texts):
        return True
    return any(_CJK_VARIANTS.search(text) and char in fold(text) for text in texts)


def rank_order(hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Best first: bm25 over the newest :data:`RANK_WINDOW` matches, then older matches newest first.

    ``hits`` come newest first (highest document id first).
    """
    ranked = sorted(hits[:RANK_WINDOW], key=lambda hit: (-hit[1], -hit[0]))
    return ranked + hits[RANK_WINDOW:]


def snippet_parts(text: str, words: list[str], query: str = "") -> list[tuple[str, bool]]:
    """A short window of ``text`` around the first match, as (text, is_match) pieces; every word is marked.

    ``words`` are folded. A one-word query as typed is looked for first (cheap, and
    the usual case); only when the text differs in width, case or spacing is it
    folded character by character. Empty when the text contains none of the words.
    """
    lowered, needle = text.lower(), query.strip().lower()
    offsets: Sequence[int]
    if needle and len(lowered) == len(text) and needle in lowered:
        spans, offsets = _match_spans(lowered, [needle]), range(len(text))
    else:
        folded, offsets = folded_with_offsets(text)
        spans = _match_spans(folded, words)
    if not spans:
        return []
    start = max(0, offsets[spans[0][0]] - _BEFORE)
    end = min(len(text), start + _WIDTH)
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    cursor = start
    for begin, stop in spans:
        begin, stop = offsets[begin], offsets[stop - 1] + 1
        if begin < cursor or begin >= end:
            continue
        pieces += [(_flat(text[cursor:begin]), False), (_flat(text[begin:stop]), True)]
        cursor = stop
    pieces.append((_flat(text[cursor:max(cursor, end)]), False))
    if end < len(text):
        pieces.append(("…", False))
    return [piece for piece in pieces if piece[0]]


def _match_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of every word in folded text, in order (of two overlapping spans the earlier one is kept).

    A word with spaces that is not found as a whole falls back to its runs.
    """
    spans: list[tuple[int, int]] = []
    for word in words:
        for needle in [word, *(word.split() if word not in folded else [])]:
            at = folded.find(needle)
            while at >= 0 and needle:
                spans.append((at, at + len(needle)))
                at = folded.find(needle, at + len(needle))
    kept: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if not kept or begin >= kept[-1][1]:
            kept.append((begin, end))
    return kept


def _flat(text: str) -> str:
    """Snippet text on one line: line breaks and runs of spaces become one space."""
    return re.sub(r"\s+", " ", text)
