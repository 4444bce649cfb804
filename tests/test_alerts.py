"""The delivery engine on a real archive and real loopback receivers.

At-least-once with stable idempotency keys, retries with backoff, exactly one
delivery after a receiver that fails twice, failing channels that never block the
others, rules that keep alerts from a channel, grouped reposts, digests, and no secret
in the stored errors or the logs.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from policywatch.alerts import deliver, digest_bucket, idempotency_key, next_attempt
from policywatch.channels import build_channels
from policywatch.config import parse_config
from tests.support.alerts import Response, make_alert, receiver

BASE = "https://pw.example.org"


def _config(*channels, schedule=None, alerts=None):
    data = {"channel": list(channels), "web": {"base_url": BASE},
            "schedule": schedule or {"retry_base": "10ms", "retry_max": "50ms"}}
    if alerts:
        data["alerts"] = alerts
    return parse_config(data)


def _pass(archive, config, **kwargs):
    channels = build_channels(config)
    try:
        return deliver(archive, config, channels, **kwargs)
    finally:
        for channel in channels:
            channel.close()


def _status(archive, alert_id):
    return {d["channel"]: d for d in archive.alert(alert_id).deliveries}


def test_each_alert_reaches_every_channel_once(archive):
    ids = [make_alert(archive, n=n) for n in (1, 2, 3)]
    with receiver() as wecom, receiver(lambda r: Response(200, "{}")) as hook:
        config = _config({"name": "wecom", "kind": "wecom", "url": wecom.url},
                         {"name": "hook", "kind": "webhook", "url": hook.url})
        report = _pass(archive, config)
        again = _pass(archive, config)
        assert report.sent == 6 and report.failed == 0
        assert again.sent == 0  # never re-sent
        assert len(wecom.posts()) == 3 and len(hook.posts()) == 3
        keys = [r.headers["Idempotency-Key"] for r in hook.posts()]
    assert keys == [idempotency_key("hook", [i]) for i in ids]
    for alert_id in ids:
        status = _status(archive, alert_id)
        assert status["wecom"]["status"] == status["hook"]["status"] == "delivered"
        assert status["hook"]["idempotency_key"] == idempotency_key("hook", [alert_id])


def test_receiver_failing_twice_then_succeeding_gets_it_exactly_once(archive):
    alert_id = make_alert(archive)
    accepted = []

    def flaky(request):
        if request.hits <= 2:
            return Response(503, "busy")
        accepted.append(request.headers["Idempotency-Key"])
        return Response(200, "{}")

    with receiver(flaky) as hook:
        config = _config({"name": "hook", "kind": "webhook", "url": hook.url})
        first = _pass(archive, config)
        assert first.failed == 1 and _status(archive, alert_id)["hook"]["status"] == "failed"
        passes = 1
        while _status(archive, alert_id)["hook"]["status"] != "delivered" and passes < 50:
            _pass(archive, config, now=datetime.now(UTC) + timedelta(seconds=1))
            passes += 1
        for _ in range(3):
            _pass(archive, config, now=datetime.now(UTC) + timedelta(hours=1))
        keys = {r.headers["Idempotency-Key"] for r in hook.posts()}
    assert len(accepted) == 1
    assert keys == {idempotency_key("hook", [alert_id])}  # every attempt carried the same key
    delivered = _status(archive, alert_id)["hook"]
    assert delivered["status"] == "delivered" and delivered["attempts"] == 3


def test_failed_delivery_waits_for_its_backoff(archive):
    alert_id = make_alert(archive)
    with receiver(lambda r: Response(500, "down")) as hook:
        config = _config({"name": "hook", "kind": "webhook", "url": hook.url},
                         schedule={"retry_base": "1h", "retry_max": "4h"})
        _pass(archive, config)
        _pass(archive, config)  # not due yet: no second request
        assert len(hook.posts()) == 1
    row = _status(archive, alert_id)["hook"]
    retry_at = datetime.fromisoformat(row["next_attempt_at"])
    assert timedelta(minutes=50) < retry_at - datetime.now(UTC) < timedelta(minutes=70)


def test_backoff_doubles_up_to_the_cap():
    config = _config(schedule={"retry_base": "10s", "retry_max": "60s"})
    now = datetime(2026, 1, 1, tzinfo=UTC)
    delays = [(next_attempt(n, config, now=now) - now).total_seconds() for n in (1, 2, 3, 4, 5)]
    for delay, expected in zip(delays, (10, 20, 40, 60, 60), strict=True):
        assert expected * 0.89 <= delay <= expected * 1.11
    assert (next_attempt(1, config, now=now, retry_after=45) - now).total_seconds() == 45


def test_failing_channel_never_blocks_the_others(archive, caplog):
    ids = [make_alert(archive, n=n) for n in (1, 2)]
    with receiver() as dead:
        dead_url = dead.url + "?key=dead-channel-secret-key"
    with receiver() as wecom:
        config = _config({"name": "broken", "kind": "wecom", "url": dead_url, "timeout": "2s"},
                         {"name": "mail", "kind": "email", "url": "smtp://127.0.0.1:9", "from": "a@b.org",
                          "to": "c@d.org", "username": "u", "password": "smtp-Password-never-shown"},
                         {"name": "wecom", "kind": "wecom", "url": wecom.url})
        with caplog.at_level(logging.INFO):
            report = _pass(archive, config)
        assert len(wecom.posts()) == 2
    by_name = {c.name: c for c in report.channels}
    assert by_name["wecom"].sent == 2
    assert by_name["broken"].failed == 1 and by_name["mail"].failed == 1  # one try each, then left alone
    for alert_id in ids:
        assert _status(archive, alert_id)["wecom"]["status"] == "delivered"
    stored = _status(archive, ids[0])["broken"]
    assert stored["status"] == "failed" and stored["next_attempt_at"]
    everything = caplog.text + str(archive.alert(ids[0]).deliveries)
    assert "dead-channel-secret-key" not in everything
    assert "smtp-Password-never-shown" not in everything


def test_rules_keep_alerts_from_a_channel_without_blocking_it(archive):
    low = make_alert(archive, n=1, priority="low", relation="repost")
    high = make_alert(archive, n=2, priority="high")
    other_plan = make_alert(archive, n=3, priority="high", plan="another-plan")
    with receiver() as hook:
        config = _config({"name": "urgent", "kind": "wecom", "url": hook.url, "min_priority": "high",
                          "plans": ["ai-industrial-internet"]})
        report = _pass(archive, config)
        assert report.channels[0].skipped == 2 and report.sent == 1
        assert len(hook.posts()) == 1
    assert _status(archive, high)["urgent"]["status"] == "delivered"
    assert _status(archive, low)["urgent"]["status"] == "skipped"
    assert _status(archive, other_plan)["urgent"]["status"] == "skipped"
    assert archive.pending_deliveries("urgent", now=datetime.now(UTC) + timedelta(days=30)) == []


def test_twelve_faithful_reposts_become_one_grouped_alert(archive):
    ids = {make_alert(archive, n=n, priority="low", relation="repost", group_key="same-text")
           for n in range(1, 13)}
    assert len(ids) == 1
    with receiver() as hook:
        _pass(archive, _config({"name": "wecom", "kind": "wecom", "url": hook.url}))
        bodies = hook.bodies()
    assert len(bodies) == 1
    assert "reposted by 12 accounts" in bodies[0]["markdown"]["content"]


def test_hourly_digest_waits_for_the_hour_then_sends_one_message(archive):
    ids = [make_alert(archive, n=n) for n in (1, 2, 3)]
    with receiver(lambda r: Response(200, "{}")) as hook:
        config = _config({"name": "digest", "kind": "webhook", "url": hook.url, "digest": "hour"})
        waiting = _pass(archive, config)
        assert waiting.channels[0].waiting == 3 and hook.posts() == []
        later = _pass(archive, config, now=datetime.now(UTC) + timedelta(hours=1))
        again = _pass(archive, config, now=datetime.now(UTC) + timedelta(hours=2))
        (body,) = hook.bodies()
    assert later.sent == 3 and again.sent == 0
    assert sorted(a["id"] for a in body["alerts"]) == ids
    bucket = digest_bucket(archive.alert(ids[0]).created_at, "hour")
    assert body["idempotency_key"] == idempotency_key("digest", ids, bucket)


def test_atom_feed_file_holds_each_alert_once(archive, tmp_path):
    import feedparser

    ids = [make_alert(archive, n=n) for n in (1, 2)]
    feed_path = tmp_path / "out" / "alerts.atom"
    config = _config({"name": "feed", "kind": "atom", "path": str(feed_path)})
    _pass(archive, config)
    third = make_alert(archive, n=3)
    _pass(archive, config)
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo
    assert [e.link for e in parsed.entries] == [f"{BASE}/alerts/{i}" for i in (third, *reversed(ids))]
    assert "50000 → 60000" in parsed.entries[0].content[0].value
    assert "<script>" not in feed_path.read_text(encoding="utf-8")


def test_a_broken_channel_object_does_not_stop_the_pass(archive):
    make_alert(archive)
    with receiver() as hook:
        config = _config({"name": "feed", "kind": "atom", "path": "/proc/definitely/not/writable.atom"},
                         {"name": "wecom", "kind": "wecom", "url": hook.url})
        report = _pass(archive, config)
        assert len(hook.posts()) == 1
    assert {c.name: c.sent for c in report.channels} == {"feed": 0, "wecom": 1}
    assert report.channels[0].failed == 1 and "cannot write the feed" in report.channels[0].errors[0]


def test_per_minute_limit_holds_the_rest_for_a_later_pass(archive):
    ids = [make_alert(archive, n=n) for n in range(1, 6)]
    with receiver() as bot:
        config = _config({"name": "bot", "kind": "wecom", "url": bot.url, "per_minute": 2})
        channels = build_channels(config)
        first = deliver(archive, config, channels)
        second = deliver(archive, config, channels)
        assert len(bot.posts()) == 2
    assert first.sent == 2 and first.channels[0].throttled and "per-minute limit" in first.channels[0].line()
    assert second.sent == 0
    pending = archive.pending_deliveries("bot")
    assert [a.id for a in pending] == ids[2:]  # nothing lost, nothing marked failed
    assert build_channels(_config({"name": "x", "kind": "wecom", "url": "https://x"}))[0].per_minute == 20


def test_a_channel_added_later_starts_from_since_not_the_backlog(archive):
    old = make_alert(archive, n=1)
    with archive.write() as conn:  # the backlog: an alert from yesterday (no sleeping for time to pass)
        conn.execute("UPDATE alerts SET created_at = ? WHERE id = ?",
                     ((datetime.now(UTC) - timedelta(days=1)).isoformat(), old))
    cutoff = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    new = make_alert(archive, n=2)
    with receiver() as bot:
        report = _pass(archive, _config({"name": "new-group", "kind": "wecom", "url": bot.url, "since": cutoff}))
        assert len(bot.posts()) == 1
    assert report.sent == 1 and report.channels[0].skipped == 1
    assert _status(archive, old)["new-group"]["status"] == "skipped"
    assert _status(archive, new)["new-group"]["status"] == "delivered"


def test_force_sends_what_waits_for_backoff_or_an_open_digest(archive):
    waiting = make_alert(archive, n=1)
    healthy = [False]
    with receiver(lambda r: Response(200, "{}") if healthy[0] else Response(500, "down")) as hook:
        config = _config({"name": "hook", "kind": "webhook", "url": hook.url},
                         {"name": "daily", "kind": "webhook", "url": hook.url, "digest": "day"},
                         schedule={"retry_base": "1h", "retry_max": "4h"})
        _pass(archive, config)  # fails: retry in about an hour
        healthy[0] = True
        assert _pass(archive, config).sent == 0  # still waiting for its retry time and the day's end
        forced = _pass(archive, config, force=True)
    assert {c.name: c.sent for c in forced.channels} == {"hook": 1, "daily": 1}
    assert {d["status"] for d in _status(archive, waiting).values()} == {"delivered"}


def test_a_forced_failure_is_retried_from_the_real_time(archive):
    alert_id = make_alert(archive)
    with receiver(lambda r: Response(500, "down")) as hook:
        config = _config({"name": "hook", "kind": "webhook", "url": hook.url},
                         schedule={"retry_base": "10s", "retry_max": "1h"})
        _pass(archive, config, force=True)
    retry_at = datetime.fromisoformat(_status(archive, alert_id)["hook"]["next_attempt_at"])
    assert retry_at - datetime.now(UTC) < timedelta(seconds=15)
