"""``policywatch sources``: crawl health per source — is crawling working, or is silence a broken crawler?

With ``--check`` it looks outward instead: each enabled source's first page is fetched
and the CMS family it shows is named (nothing is stored).
"""
from __future__ import annotations

import json
from collections.abc import Callable
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
@click.option("--check", is_flag=True,
              help="Fetch each enabled source's first page and say which CMS family it shows (nothing is stored).")
@click.option("--sources", "sources_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="With --check: the sources file (default: the shipped seeds/sources.toml).")
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="With --check: only this source (repeatable; default: every enabled source).")
@click.option("--timeout", type=float, default=20.0, show_default=True,
              help="With --check: seconds per first-page fetch.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def sources_command(ctx: click.Context, check: bool, sources_file: str | None, names: tuple[str, ...],
                    timeout: float, fmt: str) -> None:
    """Crawl health per source: last run, outcome, pages, new/changed, 304s, errors, next due, documents.

    A source whose last 3 runs failed is marked FAILING (and alerted as source_failing).
    Times are in the display zone ([display] timezone); JSON keeps UTC. With --check,
    exit status 1 when a checked source is blocked, unreachable or answers an error.

    \b
    policywatch sources
    policywatch sources --format json
    policywatch sources --check [--source NAME]
    """
    if check:
        _check(ctx, sources_file, names, timeout, fmt)
        return
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


def _check(ctx: click.Context, sources_file: str | None, names: tuple[str, ...], timeout: float, fmt: str) -> None:
    """Fetch each source's first page and print the family it shows; exit 1 if any is not ok."""
    from crawler.check import check_sources
    from crawler.sources import load_sources

    sources = load_sources(sources_file, names=list(names))
    results = [r.to_dict() for r in check_sources(sources, timeout=timeout)]
    _show(results, fmt, _check_line)
    if any(r["state"] != "ok" for r in results):
        ctx.exit(1)


def _check_line(row: dict[str, Any]) -> str:
    if row["state"] == "ok":
        what = f"{row['family']} family, {row['items']} article links on page 1"
    else:
        what = f"{row['state'].upper()}: {row['reason']}"
    return f"{row['name']:<26} {row['kind']:<7} {what}"


def _show(rows: list[dict[str, Any]], fmt: str, line: Callable[[dict[str, Any]], str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(line(row))


COMMANDS = [sources_command]
