"""Exceptions the archive raises; imports nothing else of ours.

Messages are one line that the CLI and the web page can show as they are.
"""
from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot do what was asked: unusable file, bad document, unknown id."""


class SearchError(ArchiveError):
    """A search query or filter that cannot be run (an empty query, a malformed date, an unknown status)."""
