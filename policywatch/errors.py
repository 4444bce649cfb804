"""The error tree of policywatch: what every expected failure looks like to the user.

Like httpx's ``_exceptions.py``, one documented tree. Every expected failure carries
a one-line message (``str(exc)``) and an exit status (``exit_code``); the CLI prints
``Error: <message>`` and exits with it, once, in ``policywatch/cli/__init__.py``.

The floors below the shell may not import it (``store`` and ``diffing`` import nothing
of ours), so each floor has its own base following the same protocol, and this module
names them all in :data:`ERRORS`::

    PolicywatchError                 the application shell (policywatch/)
    ├── ConfigError                  policywatch.toml, "config: …" (policywatch/config.py)
    ├── UnknownPlan                  no tracked plan by that name (policywatch/implementations.py)
    ├── DeliveryError                a channel refused a message (policywatch/channels/base.py)
    ├── RunLockError                 another `policywatch run` serves the archive (schedule.py)
    └── ClusterError                 cluster set-up or a node (policywatch/cluster/errors.py)
        └── NodeError → NodeDown, JobFailed
    crawler.errors.CrawlerError      bad input to the crawler
    ├── NormaliseError               a page that cannot be normalised (crawler/normalise/errors.py)
    ├── SourcesError                 seeds/sources.toml (crawler/sources.py)
    ├── PdfError                     an unreadable PDF (crawler/pdftext.py)
    └── FeedError                    not an RSS/Atom feed (crawler/feedparse.py)
    store.errors.ArchiveError        the archive cannot do what was asked
    └── SearchError                  a query or filter that cannot be run

``diffing`` raises nothing of its own: it is pure text in, data out. The web
layer's ``WebError`` (an HTTP status) is answered by the web app, not the CLI. The
CLI's own ``CliError`` (bad command-line input) and ``PartialFailure`` (exit 1: part
of the work failed, already reported) are click exceptions: one line even under
``--debug``, where the errors of the tree above show their traceback.
"""
from __future__ import annotations

from crawler.errors import CrawlerError
from store.errors import ArchiveError


class PolicywatchError(Exception):
    """An expected failure of the application shell; ``str(exc)`` is one line for the user."""

    exit_code: int = 2


#: Every base of the tree: what the CLI turns into one line and ``exit_code``.
ERRORS = (PolicywatchError, CrawlerError, ArchiveError)


def one_line(exc: BaseException) -> str:
    """The error's message on one line (a multi-line message would break the CLI's promise)."""
    return " ".join(str(exc).split()) or type(exc).__name__
