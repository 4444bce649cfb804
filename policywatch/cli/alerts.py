"""``policywatch alerts list|send|test|preview|channels``: inspect the outbox, deliver it by hand.

Heavy imports (apprise, httpx, the archive) happen inside the commands, so that
``policywatch --help`` and the other commands stay fast.
"""
from __future__ import annotations

import json
from typing import Any

import click

from policywatch.cli.common import CliError, read_config
from policywatch.cli.opening import reading
from policywatch.clock import shown
from store.kinds import ALERT_KINDS, PRIORITIES
from store.records import AlertRecord, AlertSummary


class PartialFailure(click.ClickException):
    """The command ran but something it tried failed (exit status 1, unlike bad input's 2).

    Not an error to trace: what failed was already reported line by line, also under ``--debug``.
    """

    exit_code = 1


@click.group("alerts")
def alerts_group() -> None:
    """Inspect the alert outbox, deliver pending alerts, test a channel.

    Channels and rules come from policywatch.toml (--config / POLICYWATCH_CONFIG);
    see policywatch.example.toml.
    """


@alerts_group.command("list")
@click.option("--state", type=click.Choice(["unread", "reviewed"]), help="Only unread or reviewed alerts.")
@click.option("--priority", metavar="|".join(PRIORITIES), help="Only this priority.")
@click.option("--plan", help="Only alerts on this tracked plan (name or id).")
@click.option("--source", help="Only alerts from this source.")
@click.option("--kind", metavar="KIND", help=f"Only alerts of this kind ({', '.join(ALERT_KINDS)}).")
@click.option("--pending", is_flag=True, help="Only alerts not yet delivered on some enabled channel.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def list_command(ctx: click.Context, state: str | None, priority: str | None, plan: str | None,
                 source: str | None, kind: str | None, pending: bool, limit: int, fmt: str) -> None:
    """List alerts, newest first, with their delivery state on each channel.

        policywatch alerts list --priority high --pending
        policywatch alerts list --kind revised --format json
    """
    config, _channels = load_settings(ctx, build=False)
    names = [c.name for c in config.channels if c.enabled]
    with open_archive(ctx) as archive:
        rows = archive.alerts(state=state, priority=priority, plan=plan, source=source, kind=kind,
                              limit=limit)
        detailed = [_with_deliveries(archive.alert(row.id) or row, names) for row in rows]
    if pending:
        detailed = [a for a in detailed if any(d["status"] not in ("delivered", "skipped")
                                               for d in a.deliveries or [])]
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in detailed], ensure_ascii=False, indent=2, default=str))
        return
    if not detailed:
        click.echo("No alerts.")
    zone = config.display_timezone
    for alert in detailed:
        click.echo(_alert_line(alert, zone))
        for delivery in alert.deliveries or []:
            click.echo("    " + _delivery_line(delivery, zone))


@alerts_group.command("send")
@click.option("--channel", "only", metavar="NAME", help="Only this channel (default: every enabled channel).")
@click.option("--now", "force", is_flag=True,
              help="Also send failed alerts still waiting for their retry time, and unfinished digests.")
@click.pass_context
def send_command(ctx: click.Context, only: str | None, force: bool) -> None:
    """Deliver pending alerts now (one pass; failures are retried later with backoff).

        policywatch alerts send
        policywatch alerts send --channel wecom-group --now   # after fixing the channel

    Exits 1 when a delivery failed.
    """
    from policywatch.alerts import deliver
    from policywatch.redact import log_to_stderr

    config, channels = load_settings(ctx, only=only)
    if not channels:
        raise CliError("no enabled channels in the config; nothing to send to")
    log_to_stderr(config.redactor)
    with open_archive(ctx) as archive:
        warn_unknown_plans(config, archive)
        report = deliver(archive, config, channels, force=force)
    for channel in channels:
        channel.close()
    for line in report.channels:
        click.echo(line.line())
    if report.failed or any(c.errors for c in report.channels):
        raise PartialFailure("some deliveries failed; they are retried later (policywatch alerts list --pending)")


@alerts_group.command("test")
@click.argument("channel_name", metavar="CHANNEL")
@click.pass_context
def test_command(ctx: click.Context, channel_name: str) -> None:
    """Send a test message to one channel (even a disabled one); nothing is recorded.

        policywatch alerts test wecom-group
    """
    import time

    from policywatch.channels import DeliveryError
    from policywatch.messages import AlertView

    config, (channel,) = load_settings(ctx, only=channel_name)
    alert = AlertView.from_record(_TEST_ALERT, base_url=config.base_url)
    try:
        channel.send([alert], f"pw-test-{int(time.time())}")
    except DeliveryError as exc:
        raise PartialFailure(config.redactor(f"test message to {channel.name} ({channel.kind}) failed: {exc}")) from None
    finally:
        channel.close()
    click.echo(f"Sent a test message to {channel.name} ({channel.kind}).")


@alerts_group.command("preview")
@click.argument("alert_id", type=int)
@click.option("--channel", "only", metavar="NAME", help="Only this channel (default: every enabled channel).")
@click.pass_context
def preview_command(ctx: click.Context, alert_id: int, only: str | None) -> None:
    """Show an alert as each channel would send it, without sending anything.

        policywatch alerts preview 42 --channel wecom-group
    """
    from policywatch.alerts import idempotency_key
    from policywatch.messages import AlertView

    config, channels = load_settings(ctx, only=only)
    if not channels:
        raise CliError("no enabled channels in the config; nothing to preview")
    with open_archive(ctx) as archive:
        record = archive.alert(alert_id)
    if record is None:
        raise CliError(f"no alert {alert_id} in the archive")
    alert = AlertView.from_record(record, base_url=config.base_url)
    for channel in channels:
        click.echo(f"=== {channel.name} ({channel.kind}) ===")
        click.echo(channel.preview([alert], idempotency_key(channel.name, [alert.id])))
        channel.close()


@alerts_group.command("channels")
@click.option("--kinds", is_flag=True, help="Describe every channel kind and its keys instead.")
@click.pass_context
def channels_command(ctx: click.Context, kinds: bool) -> None:
    """List the configured channels and their rules (URLs shown with secrets masked)."""
    from policywatch.channels import REGISTRY

    if kinds:
        for kind, cls in sorted(REGISTRY.items()):
            keys = ", ".join(sorted(cls.options)) or "no extra keys"
            click.echo(f"{kind}  ({keys})\n    " + "\n    ".join((cls.__doc__ or "").strip().splitlines()) + "\n")
        return
    config, _channels = load_settings(ctx)
    if not config.channels:
        click.echo("No channels configured (see policywatch.example.toml).")
    for channel in config.channels:
        rules = channel.rules
        state = "" if channel.enabled else " [disabled]"
        where = config.redactor(channel.url or channel.options.get("path", ""))
        click.echo(f"{channel.name} ({channel.kind}){state}: {where}")
        since = f" since={rules.since.isoformat()}" if rules.since else ""
        click.echo(f"    min_priority={rules.min_priority} kinds={','.join(rules.kinds) or 'all'}"
                   f" plans={','.join(rules.plans) or 'all'}"
                   f" relations={','.join(rules.relations) or 'all'} digest={rules.digest or 'none'}{since}")


def load_settings(ctx: click.Context, *, only: str | None = None, build: bool = True) -> tuple[Any, list[Any]]:
    """The validated config and its channel objects (a bad one is a ConfigError: one line, exit 2)."""
    from policywatch.channels import build_channels

    loaded = read_config(ctx)
    return loaded, (build_channels(loaded, only=only) if build else [])


def open_archive(ctx: click.Context) -> Any:
    """The existing archive named by --db (alerts never create one); an unusable file is a one-line error."""
    return reading(ctx)


def warn_unknown_plans(config: Any, archive: Any) -> None:
    """Log a warning for plan names in the rules that the archive does not track."""
    import logging

    from policywatch.alerts import unknown_plans

    missing = unknown_plans(config, [p["name"] for p in archive.plans()])
    if missing:
        logging.getLogger("policywatch.alerts").warning(
            "the alert rules name plan(s) this archive does not track: %s (no alert of theirs can match)",
            ", ".join(missing))


def _with_deliveries(alert: AlertRecord, channels: list[str]) -> AlertRecord:
    """Add a "pending" row for each configured channel the alert has no delivery row on yet."""
    rows = {d["channel"]: d for d in alert.deliveries or []}
    for name in channels:
        rows.setdefault(name, {"channel": name, "status": "pending", "attempts": 0})
    alert.deliveries = [rows[name] for name in sorted(rows)]
    return alert


def _alert_line(alert: AlertRecord, zone: str) -> str:
    """An alert's id, time (in the display zone), priority, relation and title on one line."""
    docs = alert.doc_count or 1
    grouped = f" ×{docs}" if docs > 1 else ""
    created = shown(alert.created_at, zone)
    what = alert.relation or alert.kind or ""
    return (f"#{alert.id:<5} {created}  {alert.kind:<12} {alert.priority:<6} {what:<15}"
            f"{grouped} {alert.title}")


def _delivery_line(delivery: dict[str, Any], zone: str) -> str:
    """A channel's delivery state of an alert (times in the display zone)."""
    status = delivery.get("status", "pending")
    extra = ""
    if status == "delivered":
        extra = f" {shown(delivery.get('delivered_at'), zone)} key {delivery.get('idempotency_key')}"
    elif status == "failed" or delivery.get("last_error"):
        when = delivery.get("next_attempt_at")
        extra = f" after {delivery.get('attempts')} attempt(s): {delivery.get('last_error')}"
        extra += f"; next try {shown(when, zone)}" if when else "; given up"
    return f"{delivery['channel']}: {status}{extra}"


_TEST_ALERT = AlertRecord(id=0, plan_name="test", summary=AlertSummary(
    title="policywatch 测试消息 (test message)", priority="normal", relation="excerpt",
    account="policywatch", source="test",
    figures=[{"context": "示例数字 (example figure)", "plan": "50000", "doc": "60000"}],
    changes=[{"kind": "changed", "section": "一、", "plan_text": "这是一条测试消息。",
              "doc_text": "这是一条测试消息：通道配置正确。"}],
))

COMMANDS = [alerts_group]
