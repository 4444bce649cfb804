"""``policywatch sources``: the configured sources, and ``--check`` — is each one reachable, which CMS family?"""
from __future__ import annotations

import json

import click

from policywatch.cli.common import CliError


@click.command("sources")
@click.option("--sources", "sources_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Sources file (default: the shipped seeds/sources.toml).")
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="Only this source (repeatable; default: every enabled source).")
@click.option("--check", is_flag=True,
              help="Fetch each source's first page and say which CMS family it shows (nothing is stored).")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per first-page fetch.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def sources_command(ctx: click.Context, sources_file: str | None, names: tuple[str, ...], check: bool,
                    timeout: float, fmt: str) -> None:
    """List the enabled sources; with --check, fetch each first page and name its family.

    Exit status 1 when a checked source is blocked, unreachable or answers an error.
    """
    from crawler.sources import SourcesError, load_sources

    try:
        sources = load_sources(sources_file, names=list(names))
    except SourcesError as exc:
        raise CliError(str(exc)) from exc
    if not check:
        rows = [{"name": s.name, "kind": s.kind, "url": s.url, "family": s.family, "label": s.label} for s in sources]
        _show(rows, fmt, lambda r: f"{r['name']:<26} {r['kind']:<7} {r['family'] or '-':<8} {r['url']}")
        return
    from crawler.check import check_sources

    results = [r.to_dict() for r in check_sources(sources, timeout=timeout)]
    _show(results, fmt, _check_line)
    if any(r["state"] != "ok" for r in results):
        ctx.exit(1)


def _check_line(row: dict) -> str:
    if row["state"] == "ok":
        what = f"{row['family']} family, {row['items']} article links on page 1"
    else:
        what = f"{row['state'].upper()}: {row['reason']}"
    return f"{row['name']:<26} {row['kind']:<7} {what}"


def _show(rows: list[dict], fmt: str, line: object) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(line(row))  # type: ignore[operator]


COMMANDS = [sources_command]
