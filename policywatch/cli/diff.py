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
from typing import TYPE_CHECKING

import click

from policywatch.cli.common import CliError, db_path
from policywatch.cli.opening import CREATES, require_archive

if TYPE_CHECKING:
    from diffing.model import Comparison

_URL = re.compile(r"^https?://", re.IGNORECASE)
_REFERENCE = re.compile(r"^(doc|plan):(.+)$")


@dataclass(frozen=True)
class Side:
    """One side of a diff: its own title ('' when it has none), the text compared, what to call
    it when it has no title (its path or URL), and (for the 对照表) issuer and date."""

    title: str
    text: str
    label: str = ""
    issuer: str | None = None
    date: str | None = None


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
    return Side(doc.title, doc.text, target, issuer=doc.account, date=(doc.published_at or "")[:10] or None)


def _from_archive(kind: str, ref: str, ctx: click.Context) -> Side:
    """Look a document id or a tracked plan's name up in the archive (never creating one)."""
    from store.archive import Archive

    path = db_path(ctx)
    if not Path(path).is_file():
        raise CliError(f"{ref}: no such file or URL, and no archive at {path} to look it up in — {CREATES}")
    require_archive(path)
    with Archive(path) as archive:
        if kind == "doc":
            if not ref.isdigit():
                raise CliError(f"doc:{ref}: a document reference is a number, e.g. doc:12")
            found = archive.get(int(ref))
            version = found.version if found else None
            if not version:
                raise CliError(f"doc:{ref}: no such document in {path}")
            return Side(version.title or f"document {ref}", version.text,
                        issuer=version.account, date=(version.published_at or "")[:10] or None)
        plan = archive.plan(ref)
        if not plan or plan.get("body") is None:
            raise CliError(f"{ref}: not a file, a URL or a tracked plan in {path}")
        return Side(plan.get("title") or plan.get("name") or ref, plan["body"], issuer=plan.get("account"),
                    date=(plan.get("published_at") or "")[:10] or None)


def _use_color(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json", "docx", "xlsx"]),
              default="text", show_default=True,
              help="text (coloured on a terminal), markdown, a self-contained html page, json, or the "
                   "修改前后对照表 as docx (Word) or xlsx (needs -o or a redirect).")
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
    interpretation, implementation, unrelated) with its scores, the key figures that changed,
    and each changed, moved, added or removed clause. Formatting never counts as change.
    An implementation (a province's 实施方案 of the plan) is compared target by target:
    each figure pairs the plan's with the document's (context 企业数, 数据集, 期限 …, ratio).
    """
    from diffing import compare

    plan, doc = resolve(old, ctx), resolve(new, ctx)
    cmp = compare(plan.text, doc.text, plan_title=plan.title, doc_title=doc.title)
    cmp.plan_title, cmp.doc_title = cmp.plan_title or plan.label, cmp.doc_title or doc.label
    if fmt in ("docx", "xlsx"):
        _write_table(cmp, plan, doc, fmt, output)
    else:
        _write_report(cmp, plan, doc, fmt, output, color)
    if exit_code and cmp.priority == "high":
        sys.exit(1)


def _write_table(cmp: Comparison, plan: Side, doc: Side, fmt: str, output: str | None) -> None:
    """The 修改前后对照表 as a .docx or .xlsx file."""
    from policywatch.cli.archive_output import write_binary
    from policywatch.exports import table

    built = table.build(cmp, table.Side(plan.title or plan.label, plan.issuer, plan.date),
                        table.Side(doc.title or doc.label, doc.issuer, doc.date))
    if fmt == "docx":
        from policywatch.exports.docx import docx_bytes

        write_binary(docx_bytes(built), output, "docx")
    else:
        from policywatch.exports.xlsx import comparison_xlsx_bytes

        write_binary(comparison_xlsx_bytes(built), output, "xlsx")


def _write_report(cmp: Comparison, plan: Side, doc: Side, fmt: str, output: str | None,
                  color: bool | None) -> None:
    """The text, Markdown, HTML or JSON report, to ``output`` or standard output."""
    from diffing.render import render_html, render_json, render_markdown, render_text

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


COMMANDS = [diff_command]
