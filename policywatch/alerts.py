"""Delivery from the outbox: every due alert to every channel, at least once, none lost.

The crawler only *records* alerts (in the same archive as the version that caused
them); this module sends them. For each channel, in turn:

1. take the next due alert (``claim_deliveries`` leases it, so two deliverers never
   send the same alert at once, and a deliverer that dies gives it back when the
   lease runs out);
2. apply the channel's rules (min priority, kinds, plans, relations, since); an alert the
   rules keep from this channel is marked *skipped* there, so it never blocks the queue;
3. send it under a stable idempotency key — the same for every retry of the same
   alert on the same channel — and mark it delivered, or mark it failed with the
   next attempt time from exponential backoff.

A channel that fails is left alone for the rest of the pass (its alerts stay due),
so a dead SMTP server costs one timeout per pass and never delays the chat bots; a
channel at its per-minute limit keeps the rest for a later pass.
Digest channels (``digest = "hour" | "day"``) get one message per completed hour or
day holding every alert created in it.
"""
from __future__ import annotations

import hashlib
import logging
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from crawler.lifecycle import TIMEZONE, enqueue_due_deadlines
from policywatch.channels import Channel, DeliveryError
from policywatch.config import Config, Rules
from policywatch.messages import AlertView
from store import clock
from store.archive import Archive
from store.records import AlertRecord

log = logging.getLogger("policywatch.alerts")

#: How many alerts one pass sends to one channel at most (the rest wait for the next pass).
PASS_LIMIT = 200


@dataclass
class ChannelReport:
    """What one pass did on one channel."""

    name: str
    kind: str
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    throttled: bool = False
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for logs and the CLI."""
        parts = [f"{self.sent} sent"]
        parts += [f"{n} {label}" for n, label in ((self.failed, "failed"), (self.skipped, "skipped by rules"),
                                                  (self.waiting, "waiting for the digest")) if n]
        if self.throttled:
            parts.append("the rest wait for the channel's per-minute limit")
        text = f"{self.name} ({self.kind}): " + ", ".join(parts)
        return text + (f" — {self.errors[-1]}" if self.errors else "")


@dataclass
class DeliveryReport:
    """What one delivery pass did, per channel."""

    channels: list[ChannelReport] = field(default_factory=list)

    @property
    def sent(self) -> int:
        """Messages accepted by their channel in this pass."""
        return sum(c.sent for c in self.channels)

    @property
    def failed(self) -> int:
        """Attempts that failed in this pass (they will be retried)."""
        return sum(c.failed for c in self.channels)


def idempotency_key(channel: str, alert_ids: Sequence[int], bucket: str = "") -> str:
    """The key of one message: stable for the same alert(s) on the same channel, across retries."""
    ids = sorted(int(i) for i in alert_ids)
    digest = hashlib.sha256(f"{channel}\n{bucket}\n{','.join(map(str, ids))}".encode()).hexdigest()[:24]
    head = f"{ids[0]}" if len(ids) == 1 else f"digest{len(ids)}"
    return f"pw-{head}-{digest}"


def next_attempt(attempts: int, config: Config, *, now: datetime, retry_after: float | None = None) -> datetime:
    """When to try again after ``attempts`` failures: base·2ⁿ capped at retry_max, ±10 % jitter."""
    schedule = config.schedule
    delay = min(schedule.retry_max, schedule.retry_base * (2 ** max(0, attempts - 1)))
    delay *= random.uniform(0.9, 1.1)
    if retry_after:
        delay = max(delay, min(retry_after, schedule.retry_max))
    return now + timedelta(seconds=delay)


def deliver(archive: Archive, config: Config, channels: Sequence[Channel], *, now: datetime | None = None,
            lease_seconds: float | None = None, force: bool = False) -> DeliveryReport:
    """One delivery pass over ``channels``; a channel that raises never stops the others.

    Deadline reminders due today are raised first (``crawler.lifecycle.enqueue_due_deadlines``),
    so a scheduled pass sends them on their day even when no crawl ran.
    ``now`` stands in for the clock (tests); ``force`` also sends failed alerts still
    waiting for their retry time and the alerts of digests whose hour/day is not over.
    """
    report = DeliveryReport()
    enqueue_due_deadlines(archive, (now or clock.now()).astimezone(TIMEZONE).date(), config.plans.deadline_days)
    for channel in channels:
        result = ChannelReport(channel.name, channel.kind)
        run = _ChannelPass(archive, config, channel, result, now, force,
                           config.schedule.delivery_lease if lease_seconds is None else lease_seconds)
        try:
            if channel.config.rules.digest and channel.digestable:
                run.digest()
            else:
                run.each()
        except Exception as exc:  # noqa: BLE001 - one broken channel must not stop the rest
            result.errors.append(config.redactor(f"{type(exc).__name__}: {exc}"))
            log.error("%s: delivery pass failed: %s", channel.name, result.errors[-1])
        if result.sent or result.failed:
            log.debug("pass: %s", result.line())
        report.channels.append(result)
    return report


@dataclass
class _ChannelPass:
    """One channel's share of a delivery pass."""

    archive: Archive
    config: Config
    channel: Channel
    result: ChannelReport
    now: datetime | None
    force: bool
    lease: float

    def clock(self) -> datetime:
        """The time retries are counted from (the real time unless a test fixes it)."""
        return self.now or _utcnow()

    def due_by(self) -> datetime:
        """What counts as due: now, or — forced — past every retry time and open digest."""
        if self.force:
            return self.clock() + timedelta(days=1, seconds=self.config.schedule.retry_max)
        return self.clock()

    def each(self) -> None:
        """One message per alert, oldest first, until none is due or the channel fails."""
        for _ in range(PASS_LIMIT):
            if not self.channel.has_capacity():
                self.result.throttled = True
                return
            claimed = self.archive.claim_deliveries(self.channel.name, now=self.due_by(), limit=1,
                                                    lease_seconds=self.lease)
            if not claimed:
                return
            alert = self.admitted(claimed[0])
            if alert and not self.send([alert], claimed):
                return

    def digest(self) -> None:
        """One message per finished hour/day holding every alert created in it."""
        period, zone, due = self.channel.config.rules.digest or "hour", self.config.schedule.timezone, self.due_by()
        current = digest_bucket(due.isoformat(), period, zone)
        buckets: dict[str, list[tuple[AlertView, AlertRecord]]] = defaultdict(list)
        for record in self.archive.pending_deliveries(self.channel.name, now=due, limit=1000):
            alert = self.admitted(record)
            if alert:
                buckets[digest_bucket(alert.created_at or due.isoformat(), period, zone)].append((alert, record))
        for bucket in sorted(buckets):
            if bucket >= current:
                self.result.waiting += len(buckets[bucket])
                continue
            if not self.channel.has_capacity():
                self.result.throttled = True
                return
            alerts, records = zip(*buckets[bucket], strict=True)
            if not self.send(list(alerts), list(records), bucket=bucket):
                return

    def admitted(self, record: AlertRecord) -> AlertView | None:
        """The alert, or None after marking it skipped when the channel's rules keep it out."""
        alert = AlertView.from_record(record, base_url=self.config.base_url)
        if admitted(self.channel.config.rules, alert):
            return alert
        self.archive.mark_skipped(alert.id, self.channel.name)
        self.result.skipped += 1
        return None

    def send(self, alerts: list[AlertView], records: list[AlertRecord], *, bucket: str = "") -> bool:
        """Send one message; mark its alerts delivered or failed. False when the channel failed."""
        key = idempotency_key(self.channel.name, [a.id for a in alerts], bucket)
        ids = ", ".join(str(a.id) for a in alerts)
        try:
            self.channel.send(alerts, key)
        except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried
            self.failed(alerts, records, exc)
            return False
        self.channel.count_sent()
        for alert in alerts:
            self.archive.mark_delivered(alert.id, self.channel.name, key)
        self.result.sent += len(alerts)
        log.info("%s: sent alert %s (%s, key %s)", self.channel.name, ids, alerts[0].priority, key)
        return True

    def failed(self, alerts: list[AlertView], records: list[AlertRecord], exc: Exception) -> None:
        """Record a failed attempt on every alert of the message, with the next retry time."""
        error = self.config.redactor(exc if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}")
        retry_after = exc.retry_after if isinstance(exc, DeliveryError) else None
        attempts = max(r.attempts or 0 for r in records) + 1
        when = next_attempt(attempts, self.config, now=self.clock(), retry_after=retry_after)
        for alert in alerts:
            self.archive.mark_failed(alert.id, self.channel.name, error, when)
        self.result.failed += len(alerts)
        self.result.errors.append(error)
        log.warning("%s: alert %s not delivered (attempt %d): %s; next try %s", self.channel.name,
                    ", ".join(str(a.id) for a in alerts), attempts, error, when.isoformat(timespec="seconds"))


def unknown_plans(config: Config, tracked: Sequence[str]) -> list[str]:
    """Plan names the rules mention that the archive does not track (a typo filters everything out)."""
    named = {p for rules in (config.rules, *(c.rules for c in config.channels)) for p in rules.plans}
    return sorted(named - set(tracked))


def admitted(rules: Rules, alert: AlertView) -> bool:
    """True when the channel's rules let ``alert`` through."""
    return rules.admits(alert.priority, alert.plan, alert.relation, alert.created_at, alert.kind)


def digest_bucket(created_at: str, period: str, timezone: str | None = None) -> str:
    """The start of the hour or day (in ``timezone``, default local) that ``created_at`` falls in."""
    moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(_zone(timezone))
    start = moment.replace(minute=0, second=0, microsecond=0)
    if period == "day":
        start = start.replace(hour=0)
    return start.isoformat()


def _zone(name: str | None) -> Any:
    return ZoneInfo(name) if name else datetime.now().astimezone().tzinfo


def _utcnow() -> datetime:
    return clock.now()
