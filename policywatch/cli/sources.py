"""``policywatch sources``: crawl health per source — is crawling working, or is silence a broken crawler?

A small module on purpose: other options (e.g. ``--check``) add to :func:`sources_command`
and print through :func:`print_health`.
"""
from __future__ import annotations

import json
from typing import Any

import click

from policywatch.cli.common import display_timezone
from policywatch.cli.opening import reading
from policywatch.clock import shown

#: Keys of ``policywatch sources --format json`` objects, in order.
HEALTH_FIELDS = (
    "source", "kind", "outcome", "failing", "failing_runs", "last_started", "last_finished", "pages", "new",
    "changed", "not_modified", "errors", "last_error", "next_due", "documents", "url",
)


@click.command("sources")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def sources_command(ctx: click.Context, fmt: str) -> None:
    """Crawl health per source: last run, outcome, pages, new/changed, 304s, errors, next due, documents.

    A source whose last 3 runs failed is marked FAILING (and alerted as source_failing).
    Times are in the display zone ([display] timezone); JSON keeps UTC.

    \b
    policywatch sources
    policywatch sources --format json
    """
    from policywatch.health import report

    with reading(ctx) as archive:
        rows = report(archive)
    if fmt == "json":
        click.echo(json.dumps([{key: row.get(key) for key in HEALTH_FIELDS} for row in rows],
                              ensure_ascii=False, indent=2))
        return
    print_health(rows, display_timezone(ctx))


def print_health(rows: list[dict[str, Any]], zone: str) -> None:
    """Two lines per source: its state and counts, then the last error when there is one."""
    if not rows:
        click.echo("No sources yet: policywatch crawl records them.")
    for row in rows:
        state = f"FAILING ({row['failing_runs']} runs)" if row["failing"] else row["outcome"]
        click.echo(f"{row['source']:<24} {state:<18} last {shown(row['last_started'], zone, empty='never')}"
                   f" → {shown(row['last_finished'], zone, empty='-')}  next {shown(row['next_due'], zone, empty='-')}")
        click.echo(f"{'':<24} {row['pages']} pages, {row['new']} new, {row['changed']} changed, "
                   f"{row['not_modified']} not modified (304), {row['errors']} errors; "
                   f"{row['documents']} documents held")
        if row["last_error"]:
            click.echo(f"{'':<24} last error: {row['last_error']}")


COMMANDS = [sources_command]
