"""One open :class:`~store.archive.Archive` per worker thread.

FastAPI runs the synchronous routes in a thread pool and a SQLite connection belongs
to the thread that opened it, so each worker thread keeps its own connection for the
life of the app instead of paying the open (and migration check) on every request.
"""
from __future__ import annotations

import threading
from pathlib import Path

from fastapi import Request

from store.archive import Archive


class ArchivePool:
    """Hands each thread its own Archive on ``db_path``."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = str(db_path)
        self._local = threading.local()

    def get(self) -> Archive:
        """This thread's Archive, opened on first use."""
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = Archive(self.db_path)
            self._local.archive = archive
        return archive


def archive_for(request: Request) -> Archive:
    """The calling thread's Archive; call it inside the (synchronous) route body.

    Not a FastAPI dependency on purpose: dependencies may run on another pool thread
    than the route itself, and the connection must stay on the thread that uses it.
    """
    return request.app.state.archives.get()
