"""Archive upkeep commands: backup, check, reindex (thin wrappers over store.maintenance).

``backup`` and ``reindex`` run while ``policywatch run`` keeps writing; ``check``
prints one line per problem and exits 1 when there is any.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from policywatch.cli.common import CliError, db_path
from policywatch.cli.opening import reading
from store.maintenance import backup


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--compact", is_flag=True, help="Write a defragmented copy (VACUUM INTO): smaller, slower.")
@click.pass_context
def backup_command(ctx: click.Context, dest: Path, compact: bool) -> None:
    """Copy the archive to DEST (a new file, or a directory) while crawls keep writing.

    The copy holds everything committed before the backup started and is a
    complete archive on its own (no -wal file needed).

    \b
    policywatch backup /srv/backups/                 # -> /srv/backups/policywatch-20260601T030000Z.db
    policywatch backup /srv/backups/monday.db --compact
    """
    written = backup(db_path(ctx), dest, compact=compact)
    click.echo(f"backed up to {written} ({written.stat().st_size / 1e6:.1f} MB)")


@click.command("check")
@click.option("--quick", is_flag=True, help="SQLite quick_check instead of the full integrity_check.")
@click.option("--sample", default=200, show_default=True,
              help="Documents probed for 'the search index finds their text'.")
@click.pass_context
def check_command(ctx: click.Context, quick: bool, sample: int) -> None:
    """Check the archive: SQLite integrity, the search index against the documents, counts.

    Prints one line per problem and exits 1 when there is any; otherwise one
    line of counts and exit 0.
    """
    with reading(ctx) as archive:
        report = archive.check(sample=sample, quick=quick)
    for problem in report.problems:
        click.echo(problem)
    counts = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in report.counts.items())
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) found ({counts})", err=True)
        sys.exit(1)
    click.echo(f"ok: {counts}")


@click.command("reindex")
@click.option("--batch", default=2000, show_default=True, help="Documents per transaction.")
@click.pass_context
def reindex_command(ctx: click.Context, batch: int) -> None:
    """Rebuild the search index from the stored versions (after a change of its format).

    Runs in short transactions while crawls keep writing; if interrupted, run it
    again and it continues where it stopped. Searches miss documents not yet
    reindexed until it finishes.
    """
    def progress(done: int, total: int) -> None:
        click.echo(f"\rreindexed {done:,} of {total:,} documents", nl=False, err=True)

    if batch < 1:
        raise CliError("--batch must be at least 1")
    with reading(ctx) as archive:
        done = archive.reindex(batch=batch, progress=progress)
    click.echo("", err=True)
    click.echo(f"reindexed {done:,} documents")


COMMANDS = [backup_command, check_command, reindex_command]
