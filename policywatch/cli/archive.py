"""Archive commands: track, search, show, history, export.

Thin wrappers in the sqlite-utils style: open the archive named by ``--db``,
call one Archive method, print the result; archive and normaliser errors become
one-line messages with exit status 2.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from diffing.model import RELATIONS
from policywatch.cli.archive_output import (
    SEARCH_FIELDS,
    print_document,
    print_history,
    print_search_table,
    write_binary,
    write_csv,
    write_json_array,
)
from policywatch.cli.common import CliError, display_timezone
from policywatch.cli.opening import reading, writing
from policywatch.clock import shown
from policywatch.vocabulary import archive_filters
from store.kinds import STATUSES

if TYPE_CHECKING:
    from store.archive import Archive


def filter_options(command: Callable) -> Callable:
    """The filters shared by search and export."""
    options = [
        click.option("--source", help="Only documents from this source (name in sources.toml)."),
        click.option("--account", help="Only documents by this account or issuing body (exact)."),
        click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Published on or before DATE."),
        click.option("--relation", help="Only documents whose comparison with a plan gave this relation "
                                        f"({', '.join(RELATIONS)})."),
        click.option("--plan", help="Only documents compared with this tracked plan (name or id)."),
        click.option("--status", metavar="|".join(STATUSES), help="Only documents with this status."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The filter options out of a command's keyword arguments."""
    names = ("source", "account", "since", "until", "relation", "plan", "status")
    return archive_filters({name: kwargs[name] for name in names if kwargs.get(name) is not None})


@click.command()
@click.argument("path", required=False)
@click.option("--name", help="The plan's name (how alerts and filters refer to it).")
@click.option("--home", metavar="URL_OR_ID",
              help="The plan's home: the archived document whose new versions become the plan's versions.")
@click.option("--list", "list_plans", is_flag=True, help="List the tracked plans instead.")
@click.pass_context
def track(ctx: click.Context, path: str | None, name: str | None, home: str | None, list_plans: bool) -> None:
    """Track an action plan: PATH (file or URL) is normalised and stored as plan NAME.

    Tracking the same name again with a changed text records the plan's next version.
    --home names the document the plan lives at (by archive id or URL); setting a
    home whose text differs from the plan's makes that text the plan's next version,
    and each later version of the home becomes a plan version (a plan_changed alert).

    \b
    policywatch track seeds/000_9b394f8deb7d7ec6.txt --name 工业互联网和人工智能融合赋能行动方案
    policywatch track --name 工业互联网和人工智能融合赋能行动方案 --home 12
    policywatch track --list
    """
    if list_plans:
        with reading(ctx) as archive:
            for plan in archive.plans():
                click.echo(f"{plan['id']}\t{plan['name']}\tv{plan['version_count']}\t{plan['title']}")
        return
    if not name or not (path or home):
        raise CliError("track needs PATH and --name NAME, or --name NAME --home URL_OR_ID (or --list)")
    document = _load_plan_file(path) if path else None
    with writing(ctx) as archive:
        if document is None and archive.plan(name) is None:
            raise CliError(f"no tracked plan {name!r}: give PATH to track it, with --home to set its home")
        result = archive.track_plan(name, document) if document is not None else None
        if home is not None:
            result = _set_home(archive, name, home) or result
        tracked = archive.plan(name)
    assert tracked is not None
    what = "new version" if result and result.created_version else "unchanged"
    homed = f", home document {tracked['home_document_id']}" if tracked.get("home_document_id") else ""
    click.echo(f"plan {tracked['name']!r} (id {tracked['id']}): {what}, version {tracked['version_count']} "
               f"(plan_version_id {tracked['plan_version_id']}){homed} — {tracked['title']}")


def _load_plan_file(path: str) -> Any:
    """The Document of a plan file or URL, or a one-line error."""
    from crawler.normalise import load

    return load(path)


def _set_home(archive: Archive, name: str, home: str) -> Any:
    """Make document ``home`` the plan's home; its text, when different, becomes the next plan version."""

    document = archive.resolve_document(home)
    if document is None:
        raise CliError(f"no document {home} in the archive (give its id or URL)")
    latest = archive.get(document["id"])
    version = latest.version if latest else None
    if version is None:
        raise CliError(f"document {document['id']} has no text to track (status {document['status']})")
    result = archive.track_plan(name, version.document(), source_version_id=version.id)
    archive.set_plan_home(result.plan_id, document["id"])
    return result


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def plans(ctx: click.Context, fmt: str) -> None:
    """List the tracked plans: versions, home document and when the latest version was recorded.

    \b
    policywatch plans --format json
    """
    with reading(ctx) as archive:
        rows = archive.plan_listing()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No tracked plans (policywatch track PATH --name NAME).")
    for row in rows:
        home = f"home {row['home']}" if row["home"] else "no home"
        family = "".join(f"\t{key} {row[key]}" for key in ("draft", "final") if row.get(key))
        click.echo(f"{row['id']}\t{row['name']}\t{row['origin']}\t{row['versions']} version(s)\t{home}\t"
                   f"latest {shown(row['latest_version_at'], display_timezone(ctx), empty='-')}{family}")


@click.command()
@click.argument("query")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Documents to show; 0 shows all.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many documents first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--sql", "show_sql", is_flag=True, help="Print the SQL to run this search in sqlite-utils or Datasette.")
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, offset: int, fmt: str, show_sql: bool,
           **kwargs: Any) -> None:
    """Find documents whose current title or text contains QUERY, exactly (算力, 5G, 不少于50000家).

    A space means AND, OR between words means either, -word excludes, and a
    "quoted phrase" keeps its spaces. Full/half-width, case and spaces next to
    Chinese do not matter. Matches are marked [[like this]] in JSON and CSV snippets.

    \b
    policywatch search 算力 --since 2026-03-01
    policywatch search '人工智能 算力 -转载' --relation altered_repost --format json
    policywatch search '算力 OR 数据 "machine learning"' --sql
    """
    with reading(ctx) as archive:
        if show_sql:
            sql, params = archive.search_sql(query, **_filters(kwargs))
            click.echo("\n".join([sql, *(f"-- :{name} = {value}" for name, value in params.items())]))
            return
        if limit == 0:
            limit = archive.search(query, limit=0, **_filters(kwargs)).total
        page = archive.search(query, limit=limit, offset=offset, **_filters(kwargs))
    if fmt == "json":
        write_json_array({k: hit[k] for k in SEARCH_FIELDS} for hit in page.hits)
    elif fmt == "csv":
        write_csv(SEARCH_FIELDS, page.hits)
    else:
        print_search_table(page.hits, page.total, offset, display_timezone(ctx), estimated=page.estimated)


@click.command()
@click.argument("document_id")
@click.option("--version", "seq", type=int, help="Show this version number (1 = first) instead of the latest.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, document_id: str, seq: int | None, fmt: str) -> None:
    """Show a document (by id or URL): its metadata, status, comparisons and text."""
    with reading(ctx) as archive:
        document = archive.resolve_document(document_id)
        if document is None:
            raise CliError(f"no document {document_id} in the archive")
        stored = archive.get(document["id"])
        assert stored is not None
        document = stored.to_dict()
        if seq is not None:
            versions = {v.seq: v for v in archive.history(stored.id)}
            if seq not in versions:
                raise CliError(f"document {stored.id} has no version {seq} (it has {len(versions)})")
            document["version"] = versions[seq].to_dict()
        document["comparisons"] = archive.comparisons(version_id=(document["version"] or {}).get("id", -1))
        document["events"] = _events(archive, document["id"])
        document["plan_home"] = _plan_home(archive, document["id"])
        document["links"] = archive.links(document["id"])
    print_document(document, fmt, display_timezone(ctx) if fmt != "json" else "UTC")


def _plan_home(archive: Archive, document_id: int) -> dict[str, Any] | None:
    """The plan this document is the home of ({id, name}), or None."""
    homed = archive.plans_homed_at(document_id)
    return {"id": homed[0]["id"], "name": homed[0]["name"]} if homed else None


def _events(archive: Archive, document_id: int) -> list[dict[str, Any]]:
    """Status changes (``type`` status) and versions (``type`` version), oldest first, with times."""
    events = [{"type": "status", **event} for event in archive.events(document_id)]
    events += [{"type": "version", "at": v.created_at, "seq": v.seq, "version_id": v.id,
                "title": v.title, "content_hash": v.content_hash} for v in archive.history(document_id)]
    return sorted(events, key=lambda e: (e["at"] or "", e["type"] == "status"))


@click.command()
@click.argument("url_or_id")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def history(ctx: click.Context, url_or_id: str, fmt: str) -> None:
    """List every version of a document (by URL or id), oldest first, with status changes."""
    with reading(ctx) as archive:
        document = archive.resolve_document(url_or_id)
        if document is None:
            raise CliError(f"no document {url_or_id} in the archive")
        versions = [v.to_dict() for v in archive.history(document["id"])]
        events = archive.events(document["id"])
    print_history(document, versions, events, fmt, display_timezone(ctx) if fmt != "json" else "UTC")


@click.command()
@filter_options
@click.option("--query", "query", help="Only documents whose text contains this (as in search).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True,
              help="json (an array), csv (UTF-8 with BOM: Excel opens it right) or xlsx (a workbook).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the workbook to this file (xlsx; csv and json go to standard output).")
@click.pass_context
def export(ctx: click.Context, query: str | None, fmt: str, output: str | None, **kwargs: Any) -> None:
    """Export documents (current version, full text) with the archive's verdict on each.

    Every row carries relation, priority, plan and changed figures beside the
    document's fields. JSON and CSV are streamed; XLSX has a frozen header,
    filters, column widths and clickable links.

    \b
    policywatch export --since 2026-01-01 --format csv > documents.csv
    policywatch export --relation altered_repost --format xlsx -o altered.xlsx
    policywatch export --query 算力 --relation altered_repost > altered.json
    """
    from policywatch.exports.archive import EXPORT_FIELDS, LINK_FIELDS, with_verdicts

    with reading(ctx) as archive:
        rows = with_verdicts(archive, archive.documents(query=query, **_filters(kwargs)))
        if fmt == "csv":
            write_csv(EXPORT_FIELDS, rows)
        elif fmt == "xlsx":
            from policywatch.exports.xlsx import rows_xlsx_bytes

            write_binary(rows_xlsx_bytes(EXPORT_FIELDS, rows, link_fields=LINK_FIELDS), output, "xlsx")
        else:
            write_json_array(rows)


COMMANDS = [track, plans, search, show, history, export]
