"""Exceptions the archive raises; imports nothing else of ours.

Messages are one line that the CLI and the web page can show as they are; ``exit_code``
is the command's exit status (the protocol of ``policywatch.errors.PolicywatchError``,
which the store may not import).
"""
from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot do what was asked: unusable file, bad document, unknown id."""

    exit_code: int = 2


class SearchError(ArchiveError):
    """A search query or filter that cannot be run (an empty query, a malformed date, an unknown status)."""
