"""``policywatch implementations NAME``: the provinces' (and ministries') plans implementing a tracked plan."""
from __future__ import annotations

import json
from pathlib import Path

import click

from policywatch.cli.common import CliError, db_path


@click.command("implementations")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def implementations_command(ctx: click.Context, name: str, fmt: str) -> None:
    """List the documents implementing tracked plan NAME, targets side by side with the plan's.

    One row per document (a province's 实施方案, a ministry's 工作方案): issuer, date,
    each target paired with the national one (企业数 不少于50000家 → 5000家, ratio 0.1),
    and the plan's tasks it adopted, omitted or added.
    """
    from policywatch.implementations import implementations
    from store.archive import Archive

    path = db_path(ctx)
    if not Path(path).is_file():
        raise CliError(f"no archive at {path}")
    with Archive(path) as archive:
        rows = implementations(archive, name)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no implementations of {name} in the archive yet")
    for row in rows:
        click.echo(f"{row['date'] or '----------'}  {row['issuer']}  {row['title']}  (doc:{row['document_id']})")
        for target in row["targets"]:
            ratio = f"  ×{target['ratio']:g}" if target["ratio"] is not None else ""
            click.echo(f"    {target['context']:<6} {target['plan'] or '—'} → {target['doc'] or '—'}{ratio}")
        click.echo(f"    tasks: {len(row['adopted'])} adopted, {len(row['omitted'])} omitted"
                   f"{' (' + '、'.join(row['omitted']) + ')' if row['omitted'] else ''}, {len(row['added'])} added"
                   f"{' (' + '、'.join(row['added']) + ')' if row['added'] else ''}")


COMMANDS = [implementations_command]
