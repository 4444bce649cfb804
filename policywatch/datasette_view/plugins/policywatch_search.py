"""Datasette plugin: ``policywatch_match(query)`` turns policywatch's search syntax into the exact FTS5 expression.

Loaded by ``policywatch datasette`` (``--plugins-dir``). A query Datasette cannot
use (nothing to find) gives an expression that matches nothing.
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

from store.errors import SearchError
from store.querysyntax import parse

NOTHING = '"nothing matches"'


def policywatch_match(query: str | None) -> str:
    """The MATCH expression for ``query`` over the title and text columns of search_fts."""
    try:
        return f"{{title body}} : ({parse(query).expression()})"
    except SearchError:
        return NOTHING


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register the function on every connection Datasette opens."""
    conn.create_function("policywatch_match", 1, policywatch_match, deterministic=True)
