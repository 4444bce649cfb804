"""Opening the archive from the CLI: read commands open one, only writing commands create one.

A read command (search, show, export, alerts list, sources…) on a missing file, an
empty file or a file that is not SQLite exits 2 with one line, instead of creating
an empty archive and printing "0 of 0 documents" as if that were the answer.
Writing commands (crawl, track, add, run) create the archive when the file does
not exist or is empty and say so once on stderr; a file with other content is refused.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from policywatch.cli.common import CliError, db_path

if TYPE_CHECKING:
    from store.archive import Archive

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
CREATES = "`policywatch crawl`/`track` creates one"


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is a non-empty file starting with the SQLite header."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def require_archive(path: str) -> None:
    """A CliError (exit 2) unless ``path`` is an existing SQLite file."""
    file = Path(path)
    if not file.exists():
        raise CliError(f"no archive at {path} — {CREATES}")
    if file.is_dir():
        raise CliError(f"no archive at {path} (it is a directory) — {CREATES}")
    if not is_sqlite_file(file):
        raise CliError(f"no archive at {path} (the file is not an SQLite database) — {CREATES}")


def prepare_archive(path: str) -> None:
    """For writing commands: create a missing (or empty, 0-byte) archive, said once on stderr;
    refuse a file that holds anything but SQLite — nothing stored is ever converted."""
    file = Path(path)
    if file.exists() and not (file.is_file() and file.stat().st_size == 0):
        require_archive(path)
        return
    _open(path, create=True).close()
    click.echo(f"created a new archive at {path}", err=True)


def _open(path: str, *, create: bool) -> Archive:
    """The Archive at ``path`` (an unusable file is an ArchiveError: one line, exit 2)."""
    from store.archive import Archive

    if not create:
        require_archive(path)
    return Archive(path)


@contextmanager
def _opened(path: str) -> Iterator[Archive]:
    """The existing archive at ``path``, closed afterwards."""
    archive = _open(path, create=False)
    try:
        yield archive
    finally:
        archive.close()


def reading(ctx: click.Context) -> AbstractContextManager[Archive]:
    """The existing archive named by --db (never created), closed afterwards."""
    return _opened(db_path(ctx))


def writing(ctx: click.Context) -> AbstractContextManager[Archive]:
    """The archive named by --db, created (and said so) when the file does not exist yet."""
    prepare_archive(db_path(ctx))
    return _opened(db_path(ctx))
