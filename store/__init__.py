"""SQLite archive of documents, versions, tracked plans, comparisons and alerts.

Imports nothing else of ours (docs/design.md): it receives Documents and plain dicts.
"""
from store.model import Document

__all__ = ["Document"]
