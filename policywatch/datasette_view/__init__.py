"""The archive in Datasette: metadata (table descriptions, canned queries) and the exact-search plugin.

``policywatch datasette`` starts Datasette on the archive, read-only, with
:func:`metadata` and the plugin in ``plugins/``, which gives SQLite a
``policywatch_match(query)`` function: the exact FTS5 expression of a query in
policywatch's search syntax, so the ``search`` canned query finds exactly what
``policywatch search`` finds.
"""
from __future__ import annotations

from pathlib import Path

PLUGINS_DIR = Path(__file__).with_name("plugins")
