"""One open :class:`~store.archive.Archive` per worker thread.

FastAPI runs the synchronous routes in a thread pool and a SQLite connection belongs
to the thread that opened it, so each worker thread keeps its own connection for the
life of the app instead of paying the open (and migration check) on every request.
The review page opens the archive read-only (its one write, the reviewed state, opens
a writable connection for that request only), so serving never creates or migrates a file.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from fastapi import Request

from store.archive import Archive
from store.errors import ArchiveError

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ArchivePool:
    """Hands each thread its own Archive on ``db_path``."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = str(db_path)
        self._local = threading.local()

    def get(self, *, writable: bool = False) -> Archive:
        """This thread's read-only Archive (or its writable one), opened on first use.

        The writable one is opened only after the read-only open proved the file an
        up-to-date archive, so it never creates or migrates anything.
        """
        reader = getattr(self._local, "archive", None)
        if reader is None:
            reader = Archive(self.db_path, read_only=True)
            self._local.archive = reader
        if not writable:
            return reader
        writer = getattr(self._local, "writer", None)
        if writer is None:
            if not os.access(self.db_path, os.W_OK):
                raise ArchiveError(f"{self.db_path} is read-only: the reviewed state cannot be saved")
            writer = Archive(self.db_path)
            self._local.writer = writer
        return writer


def archive_for(request: Request) -> Archive:
    """The calling thread's Archive (writable for POST and other writes); call it inside the
    (synchronous) route body.

    Not a FastAPI dependency on purpose: dependencies may run on another pool thread
    than the route itself, and the connection must stay on the thread that uses it.
    """
    return request.app.state.archives.get(writable=request.method in _WRITE_METHODS)
