"""A policy's life on the command line: timeline, consultations, untrack.

``policywatch timeline NAME`` (a plan's draft, final, versions, interpretations, reposts,
deletions in date order), ``policywatch consultations [--open]`` (drafts, deadlines, days
left, the final once it exists) and ``policywatch untrack NAME`` (stop comparing with a
plan, keeping its history). ``policywatch plans`` (cli/archive.py) lists the plans.
"""
from __future__ import annotations

import json
from typing import Any

import click

from policywatch.cli.common import CliError
from policywatch.cli.opening import reading
from store.archive import Archive

#: Keys of ``policywatch consultations --format json`` objects (the issue's contract).
CONSULTATION_FIELDS = ("document_id", "title", "issuer", "deadline", "days_left", "final_document_id")


def plan_timeline(archive: Archive, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The plan called ``name`` (or with that id) and its timeline, or a one-line error."""
    plan = archive.plan(name)
    if plan is None:
        raise CliError(f"no tracked plan {name!r} (policywatch plans lists them)")
    return plan, archive.timeline(plan["id"])


@click.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def timeline(ctx: click.Context, name: str, fmt: str) -> None:
    """A plan's life in date order: draft, final, versions, interpretations, reposts, deletions.

    \b
    policywatch timeline ai-plan
    policywatch timeline ai-plan --format json
    """
    from crawler.lifecycle import today

    with reading(ctx) as archive:
        plan, events = plan_timeline(archive, name)
    if fmt == "json":
        click.echo(json.dumps(events, ensure_ascii=False, indent=2))
        return
    click.echo(f"{plan['name']} — {plan['title']}  (as of {today().isoformat()})")
    for event in events:
        figures = "; ".join(f"{f.get('plan') or '—'} → {f.get('doc') or '—'}" for f in event["figures"][:3])
        score = f"  {event['similarity']:.0%}" if event.get("similarity") is not None else ""
        click.echo(f"  {str(event['date'] or '-')[:16]:<16}  {event['event']:<14} {event['account'] or '-'}  "
                   f"{event['title'] or '-'}{score}" + (f"  [{figures}]" if figures else ""))
    latency = first_seen_latency(events)
    if latency:
        click.echo("after the plan's publication: " + ", ".join(f"{who} {hours:g} h" for who, hours in latency))


def first_seen_latency(events: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """(account, hours) — how soon each account had the plan, fastest first."""
    best: dict[str, float] = {}
    for event in events:
        hours = event.get("latency_hours")
        if event["event"] in ("repost", "altered_repost", "excerpt") and event["account"] and hours is not None:
            best[event["account"]] = min(hours, best.get(event["account"], hours))
    return sorted(best.items(), key=lambda item: item[1])


@click.command()
@click.option("--open", "open_only", is_flag=True, help="Only consultations still open (no final, deadline not past).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def consultations(ctx: click.Context, open_only: bool, fmt: str) -> None:
    """Consultation drafts: issuer, feedback deadline, days left, and the final once it exists.

    \b
    policywatch consultations --open
    """
    from crawler.lifecycle import today

    with reading(ctx) as archive:
        rows = archive.consultations(today(), open_only=open_only)
    if fmt == "json":
        click.echo(json.dumps([{k: row[k] for k in CONSULTATION_FIELDS} for row in rows], ensure_ascii=False,
                              indent=2))
        return
    if not rows:
        click.echo("No consultation drafts" + (" open." if open_only else "."))
    for row in rows:
        left = "no deadline found" if row["days_left"] is None else f"{row['days_left']} day(s) left"
        final = f"final: {row['final_document_id']}" if row["final_document_id"] else "no final yet"
        click.echo(f"{row['document_id']:>6}  {row['deadline'] or '-':<10}  {left:<18} {final:<14} "
                   f"{row['issuer'] or '-'}  {row['title']}")


@click.command()
@click.argument("name")
@click.pass_context
def untrack(ctx: click.Context, name: str) -> None:
    """Stop tracking plan NAME: no more comparisons or alerts; its history stays in the archive."""
    with reading(ctx) as archive:  # an existing archive: untracking never creates one
        plan = archive.untrack(name)
    click.echo(f"plan {plan['name']!r} (id {plan['id']}) is no longer tracked")


COMMANDS = [timeline, consultations, untrack]
