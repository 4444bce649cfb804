"""The crawler's exception base; imports nothing else of ours.

Every error the crawler raises for bad input (a page, a PDF, a feed, the sources file)
derives from :class:`CrawlerError` and follows the protocol of
``policywatch.errors.PolicywatchError``: ``str(exc)`` is one line the user can act on,
``exit_code`` the command's exit status.
"""
from __future__ import annotations


class CrawlerError(Exception):
    """Bad input to the crawler (the subclasses say which); the message is one line."""

    exit_code: int = 2
