"""Archive: the one API over the SQLite file; every other layer goes through it.

None of ours writes SQL against the archive: the crawler saves documents,
comparisons and alerts here; the scheduler drains the outbox; the web page and
the CLI read and search. The methods live in small mixins by job:

- :mod:`store.documents` save / get / history / known_document / touch
- :mod:`store.plans`     tracked plans and comparisons
- :mod:`store.outbox`    alerts and per-channel delivery
- :mod:`store.links`     a policy's life: links, consultations, plan origin
- :mod:`store.timeline`  a plan's timeline from links, comparisons and events
- :mod:`store.runs`      sources, crawl runs, stats
- :mod:`store.search`    exact Chinese full-text search
- :mod:`store.maintenance` check, reindex (and ``backup`` of the file)
- :mod:`store.assessments` per version: compared plans, relations, figures, alert priority
- :mod:`store.health`    crawl health per source and its source_failing / source_recovered alerts
"""
from __future__ import annotations

from store.assessments import AssessmentsMixin
from store.documents import DocumentsMixin, SaveResult
from store.errors import ArchiveError, SearchError
from store.health import HealthMixin
from store.links import LinksMixin
from store.maintenance import CheckReport, MaintenanceMixin
from store.outbox import OutboxMixin
from store.plans import PlanResult, PlansMixin
from store.runs import RunsMixin
from store.search import SearchMixin, SearchPage
from store.timeline import TimelineMixin

__all__ = ["Archive", "ArchiveError", "CheckReport", "PlanResult", "SaveResult", "SearchError", "SearchPage"]


class Archive(DocumentsMixin, PlansMixin, LinksMixin, TimelineMixin, OutboxMixin, RunsMixin, SearchMixin,
              MaintenanceMixin, AssessmentsMixin, HealthMixin):
    """A policywatch archive in one SQLite file (WAL, foreign keys, migrations on open).

    ``Archive(path, timeout=30.0)`` opens or creates the file; use it as a context
    manager or call :meth:`close`. ``archive.db`` is the sqlite_utils.Database
    (read-only use). Raises :class:`ArchiveError` with a one-line message for a
    file that is not an archive and for bad input.
    """

    def __enter__(self) -> Archive:
        return self
