"""How the archive commands print: tables for people, JSON and CSV for programs.

JSON arrays and CSV are streamed row by row, so exporting a large archive
never holds it in memory.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable
from typing import Any

import click

from policywatch.clock import shown

#: Keys of ``policywatch search --format json`` objects (the issue's contract first).
SEARCH_FIELDS = ("id", "title", "url", "account", "published_at", "snippet", "score", "source", "status")
#: Written first in CSV so that Excel reads the file as UTF-8 (without it, Chinese is garbled).
BOM = "\ufeff"
#: What a spreadsheet reads as the start of a formula (see _cell).
_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def write_json_array(rows: Iterable[dict[str, Any]]) -> None:
    """Print a JSON array, one object per line, without building the list first."""
    click.echo("[", nl=False)
    for index, row in enumerate(rows):
        click.echo(("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False), nl=False)
    click.echo("\n]")


def write_csv(fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    """Print CSV (UTF-8 with a BOM, for Excel) with a header row; missing keys are empty, lists become JSON."""
    sys.stdout.write(BOM)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in fields])
    sys.stdout.flush()


def write_binary(data: bytes, output: str | None, what: str) -> None:
    """Write a file's bytes to ``output``, or to standard output when it is not a terminal."""
    from pathlib import Path

    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    if sys.stdout.isatty():
        raise click.UsageError(f"{what} is a binary file: give -o FILE (or redirect standard output)")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _cell(value: Any) -> Any:
    """A CSV cell: JSON for lists/dicts, empty for None, page text that a spreadsheet would run made inert.

    Excel and LibreOffice evaluate a cell starting with = + - @ (or a tab/CR before one) as a
    formula; a crawled title like ``=HYPERLINK(...)`` gets a leading apostrophe (OWASP's
    advice), numbers such as ``-5`` stay as they are.
    """
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return "" if value is None else value


def _highlighted(parts: list[list[Any]]) -> str:
    """A snippet with its matches in bold (plain text when not on a terminal)."""
    return "".join(click.style(text, bold=True, underline=True) if hit else text for text, hit in parts)


def print_search_table(hits: list[dict[str, Any]], total: int, offset: int, zone: str, *,
                       estimated: bool = False) -> None:
    """One block per hit (id, day of publication in the display zone, account, title, snippet); a count on stderr.

    An estimated count (a one-character query on a large archive) reads "about N".
    """
    for hit in hits:
        date = shown(hit["published_at"], zone, empty="-")[:10]
        click.echo(f"{hit['id']:>7}  {date}  {hit['account'] or '-'}  {hit['title'] or '(no title)'}")
        click.echo(f"         {_highlighted(hit['snippet_parts'])}")
        click.echo(f"         {hit['url']}")
    listed = f"{offset + 1}–{offset + len(hits)}" if hits else "0"
    count = f"about {total:,} documents (estimated)" if estimated else f"{total} documents"
    click.echo(f"{listed} of {count}", err=True)


def print_document(document: dict[str, Any], fmt: str, zone: str) -> None:
    """A document as text (metadata, comparisons, then its text; times in ``zone``) or as one JSON object (UTC)."""
    if fmt == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    version = document.get("version") or {}
    lines = [
        f"id:          {document['id']}",
        f"url:         {document['url']}",
        f"status:      {document['status']}",
        f"source:      {document['source'] or '-'}",
        f"title:       {version.get('title') or '-'}",
        f"account:     {version.get('account') or '-'}",
        f"published:   {shown(version.get('published_at'), zone, empty='-')}",
        f"version:     {version.get('seq', '-')} of {document['version_count']}"
        f" (first seen {shown(document['first_seen'], zone)}, last seen {shown(document['last_seen'], zone)})",
    ]
    lines += [f"event:       {shown(event['at'], zone)} {event['old_status'] or 'new'} → {event['new_status']}"
              if event.get("type", "status") == "status" else f"event:       {shown(event['at'], zone)} version {event['seq']}"
              for event in document.get("events", [])]
    lines += [f"compared:    {c['plan_name']} v{c['plan_version_seq']}: {c['relation']}"
              f" (similarity {_score(c['similarity'])}, coverage {_score(c['coverage'])})"
              for c in document.get("comparisons", [])]
    click.echo("\n".join(lines))
    for part in (version.get("lead"), version.get("body")):
        if part:
            click.echo("\n" + part)


def _score(value: float | None) -> str:
    """A 0–1 score as a percentage, or '-'."""
    return "-" if value is None else f"{value:.0%}"


def print_history(document: dict[str, Any], versions: list[dict[str, Any]], events: list[dict[str, Any]],
                  fmt: str, zone: str) -> None:
    """The versions of a document (and its status changes) as a table (times in ``zone``) or JSON (UTC)."""
    if fmt == "json":
        click.echo(json.dumps({"document": document, "versions": versions, "events": events},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"document {document['id']}  {document['url']}  status {document['status']}")
    for version in versions:
        seen = shown(version["fetched_at"] or version["created_at"], zone)
        click.echo(f"  v{version['seq']:<3} id {version['id']:<7} {seen}  {version['content_hash'][:12]}"
                   f"  {version['title'] or '(no title)'}")
    for event in events:
        click.echo(f"  status {shown(event['at'], zone)}: {event['old_status'] or 'new'} → {event['new_status']}")
