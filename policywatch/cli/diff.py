"""``policywatch diff OLD NEW``: compare a document with a tracked plan, clause by clause.

The normaliser, the differ and the archive are imported inside the functions that
use them: a diff of two files never loads the archive (start-up time is most of a
small diff's wall time).
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from policywatch.cli.common import CliError, db_path
from policywatch.cli.opening import CREATES, require_archive

_URL = re.compile(r"^https?://", re.IGNORECASE)
_REFERENCE = re.compile(r"^(doc|plan):(.+)$")


@dataclass(frozen=True)
class Side:
    """One side of a diff: its own title ('' when it has none), the text compared, and what
    to call it when it has no title (its path or URL)."""

    title: str
    text: str
    label: str = ""


def resolve(target: str, ctx: click.Context) -> Side:
    """A file, an http(s) URL, or an archive reference (``doc:12``, ``12``, ``plan:NAME``, ``NAME``)."""
    match = _REFERENCE.match(target)
    if match:
        return _from_archive(match.group(1), match.group(2), ctx)
    if _URL.match(target) or Path(target).exists():
        return _from_page(target)
    return _from_archive("doc" if target.isdigit() else "plan", target, ctx)


def _from_page(target: str) -> Side:
    from crawler.normalise import NormaliseError, load

    try:
        doc = load(target)
    except NormaliseError as exc:
        raise CliError(f"{target}: {exc}") from None
    if doc.status != "ok":
        raise CliError(f"{target}: the page is {doc.status}, there is no text to compare")
    return Side(doc.title, doc.text, target)


def _from_archive(kind: str, ref: str, ctx: click.Context) -> Side:
    """Look a document id or a tracked plan's name up in the archive (never creating one)."""
    from store.archive import Archive, ArchiveError

    path = db_path(ctx)
    if not Path(path).is_file():
        raise CliError(f"{ref}: no such file or URL, and no archive at {path} to look it up in — {CREATES}")
    require_archive(path)
    try:
        with Archive(path) as archive:
            if kind == "doc":
                if not ref.isdigit():
                    raise CliError(f"doc:{ref}: a document reference is a number, e.g. doc:12")
                found = archive.get(int(ref))
                version = (found or {}).get("version")
                if not version:
                    raise CliError(f"doc:{ref}: no such document in {path}")
                return Side(version.get("title") or f"document {ref}",
                            "\n\n".join(p for p in (version.get("lead"), version.get("body")) if p))
            plan = archive.plan(ref)
            if not plan or plan.get("body") is None:
                raise CliError(f"{ref}: not a file, a URL or a tracked plan in {path}")
            return Side(plan.get("title") or plan.get("name") or ref, plan["body"])
    except ArchiveError as exc:
        raise CliError(str(exc)) from None


def _use_color(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True, help="text (coloured on a terminal), markdown, a self-contained html page, or json.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--color/--no-color", default=None, help="Force colours on or off (default: on when a terminal).")
@click.option("--exit-code", is_flag=True,
              help="Exit 1 when the plan's text or figures changed (like git diff --exit-code).")
@click.pass_context
def diff_command(ctx: click.Context, old: str, new: str, fmt: str, output: str | None,
                 color: bool | None, exit_code: bool) -> None:
    """Compare NEW with OLD (usually a tracked plan), clause by clause.

    OLD and NEW are files or URLs the normaliser reads, or archive references:
    a document id (doc:12 or 12) or a tracked plan's name (plan:NAME or NAME).

    \b
    Examples:
      policywatch diff plan.txt repost.html
      policywatch diff plan:ai-industrial-internet doc:42 --format html -o diff.html
      policywatch diff plan.txt https://mp.weixin.qq.com/s/XXXX --format json

    The report gives the relation (identical, repost, altered_repost, revision, excerpt,
    interpretation, unrelated) with its scores, the key figures that changed, and each
    changed, moved, added or removed clause. Formatting never counts as change.
    """
    from diffing import compare
    from diffing.render import render_html, render_json, render_markdown, render_text

    plan, doc = resolve(old, ctx), resolve(new, ctx)
    cmp = compare(plan.text, doc.text, plan_title=plan.title, doc_title=doc.title)
    cmp.plan_title, cmp.doc_title = cmp.plan_title or plan.label, cmp.doc_title or doc.label
    if fmt == "json":
        report = render_json(cmp)
    elif fmt == "markdown":
        report = render_markdown(cmp)
    elif fmt == "html":
        report = render_html(cmp, plan_title=cmp.plan_title, doc_title=cmp.doc_title)
    else:
        report = render_text(cmp, color=_use_color(color) and output is None)
    if output:
        try:
            Path(output).write_text(report, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        click.echo(report, nl=False)
    if exit_code and cmp.priority == "high":
        sys.exit(1)


COMMANDS = [diff_command]
