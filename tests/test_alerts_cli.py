"""``policywatch alerts list|send|test|channels`` as a user runs them: real processes,
a real archive, real loopback receivers — including a sender killed between sending
and recording the delivery."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from store.archive import Archive
from store.base import now
from tests.support import processes
from tests.support.alerts import PLAN_TITLE, Response, make_alert, receiver

ROOT = Path(__file__).resolve().parent.parent


def _cli(tmp_path, *args, env=None, timeout=60):
    command = [sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"),
               "--config", str(tmp_path / "policywatch.toml"), *args]
    return processes.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                         env={**os.environ, **(env or {})})


def _write_config(tmp_path, url, extra=""):
    (tmp_path / "policywatch.toml").write_text(f"""
[web]
base_url = "https://pw.example.org"
[schedule]
delivery_lease = "10m"
retry_base = "1s"
[[channel]]
name = "hook"
kind = "webhook"
url = "{url}"
headers = {{ Authorization = "Bearer ${{HOOK_TOKEN}}" }}
{extra}
""", encoding="utf-8")


def _alerts(tmp_path, n=1):
    with Archive(tmp_path / "pw.db") as archive:
        return [make_alert(archive, n=i) for i in range(1, n + 1)]


ENV = {"HOOK_TOKEN": "hook-token-not-for-logs"}


def test_send_then_list_shows_delivered(tmp_path):
    ids = _alerts(tmp_path, 2)
    with receiver(lambda r: Response(200, "{}")) as hook:
        _write_config(tmp_path, hook.url)
        sent = _cli(tmp_path, "alerts", "send", env=ENV)
        assert sent.returncode == 0, sent.stderr
        assert "hook (webhook): 2 sent" in sent.stdout
        assert len(hook.posts()) == 2
        assert hook.posts()[0].headers["Authorization"] == "Bearer hook-token-not-for-logs"
    listed = _cli(tmp_path, "alerts", "list", env=ENV)
    assert listed.returncode == 0
    assert PLAN_TITLE in listed.stdout and "hook: delivered" in listed.stdout
    data = json.loads(_cli(tmp_path, "alerts", "list", "--format", "json", env=ENV).stdout)
    assert sorted(a["id"] for a in data) == ids
    assert all(a["deliveries"][0]["status"] == "delivered" for a in data)
    assert _cli(tmp_path, "alerts", "list", "--pending", env=ENV).stdout.strip() == "No alerts."


def test_failed_send_exits_1_and_list_shows_the_error_without_secrets(tmp_path):
    _alerts(tmp_path)
    with receiver(lambda r: Response(500, "down")) as hook:
        _write_config(tmp_path, hook.url + "?token=url-token-hidden")
        sent = _cli(tmp_path, "alerts", "send", env=ENV)
    assert sent.returncode == 1
    assert "1 failed" in sent.stdout and "HTTP 500" in sent.stdout
    listed = _cli(tmp_path, "alerts", "list", "--pending", env=ENV)
    assert "hook: failed after 1 attempt(s): HTTP 500; next try" in listed.stdout
    for output in (sent.stdout, sent.stderr, listed.stdout, _cli(tmp_path, "alerts", "channels", env=ENV).stdout):
        assert "url-token-hidden" not in output and "hook-token-not-for-logs" not in output


def test_test_command_sends_one_message_and_records_nothing(tmp_path):
    with receiver(lambda r: Response(200, "{}")) as hook:
        _write_config(tmp_path, hook.url)
        result = _cli(tmp_path, "alerts", "test", "hook", env=ENV)
        assert result.returncode == 0, result.stderr
        assert "Sent a test message to hook (webhook)" in result.stdout
        assert "测试消息" in hook.bodies()[0]["alerts"][0]["title"]
    with Archive(tmp_path / "pw.db") as archive:
        assert archive.alerts() == []


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    _write_config(tmp_path, "https://hooks.example.org/x")
    unknown = _cli(tmp_path, "alerts", "test", "nope", env=ENV)
    assert unknown.returncode == 2
    assert unknown.stderr.strip().splitlines() == ["Error: config: no channel named 'nope' (channels: hook)"]
    os_env_without = {k: v for k, v in os.environ.items() if k != "HOOK_TOKEN"}
    missing_env = processes.run([sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"),
                                 "--config", str(tmp_path / "policywatch.toml"), "alerts", "send"],
                                capture_output=True, text=True, cwd=ROOT, env=os_env_without, timeout=60)
    assert missing_env.returncode == 2
    assert "environment variable HOOK_TOKEN is not set" in missing_env.stderr
    assert "Traceback" not in missing_env.stderr
    (tmp_path / "policywatch.toml").write_text("[alerts]\nmin_priority = 'urgent'\n", encoding="utf-8")
    bad = _cli(tmp_path, "alerts", "list")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def _lease_runs_out(db: Path) -> None:
    """Time passes for the dead sender's lease: its end moves into the past (no sleeping)."""
    with Archive(db) as archive, archive.write() as conn:
        (until,) = conn.execute("SELECT next_attempt_at FROM alert_deliveries WHERE status = 'pending'").fetchone()
        assert until > now(), "the killed sender left a lease running"
        conn.execute("UPDATE alert_deliveries SET next_attempt_at = ? WHERE status = 'pending'",
                     ((datetime.fromisoformat(until) - timedelta(minutes=11)).isoformat(timespec="microseconds"),))


def test_sender_killed_after_sending_resends_once_with_the_same_key(tmp_path):
    """A crash between sending and marking: the receiver SIGKILLs the real sender process
    the moment the message arrives, before the sender can record the delivery."""
    (alert_id,) = _alerts(tmp_path)
    sender: dict[str, subprocess.Popen] = {}

    def kill_sender_on_first(request):
        if request.hits == 1:
            os.kill(sender["process"].pid, signal.SIGKILL)
        return Response(200, "{}")

    with receiver(kill_sender_on_first) as hook:
        _write_config(tmp_path, hook.url)
        command = [sys.executable, "-m", "policywatch", "--db", str(tmp_path / "pw.db"),
                   "--config", str(tmp_path / "policywatch.toml"), "alerts", "send"]
        sender["process"] = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **ENV},
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sender["process"].wait(timeout=60)
        assert sender["process"].returncode == -signal.SIGKILL
        with Archive(tmp_path / "pw.db") as archive:
            assert archive.alert(alert_id).deliveries[0]["status"] != "delivered"
        _lease_runs_out(tmp_path / "pw.db")  # the dead sender's lease (delivery_lease = 10m)
        again = _cli(tmp_path, "alerts", "send", env=ENV)
        third = _cli(tmp_path, "alerts", "send", env=ENV)
        posts = hook.posts()
    assert again.returncode == 0 and "1 sent" in again.stdout
    assert "0 sent" in third.stdout
    assert len(posts) == 2  # re-sent at most once
    assert posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    with Archive(tmp_path / "pw.db") as archive:
        delivery = archive.alert(alert_id).deliveries[0]
    assert delivery["status"] == "delivered"
    assert delivery["idempotency_key"] == posts[0].headers["Idempotency-Key"]


@pytest.mark.parametrize("args", [["alerts", "channels"], ["alerts", "channels", "--kinds"]])
def test_channels_listing(tmp_path, args):
    _write_config(tmp_path, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${HOOK_TOKEN}")
    result = _cli(tmp_path, *args, env=ENV)
    assert result.returncode == 0, result.stderr
    assert "hook-token-not-for-logs" not in result.stdout
    assert ("企业微信" in result.stdout) if "--kinds" in args else ("key=***" in result.stdout)


def test_rules_naming_an_untracked_plan_are_warned_about(tmp_path):
    _alerts(tmp_path)
    with receiver(lambda r: Response(200, "{}")) as hook:
        _write_config(tmp_path, hook.url, extra='plans = ["ai-industrial-internt"]')
        sent = _cli(tmp_path, "alerts", "send", env=ENV)
        assert hook.posts() == []
    assert sent.returncode == 0
    assert "does not track: ai-industrial-internt" in sent.stderr
    assert "1 skipped by rules" in sent.stdout


def test_preview_shows_each_channel_format_and_sends_nothing(tmp_path):
    (alert_id,) = _alerts(tmp_path)
    with receiver(lambda r: Response(200, "{}")) as hook:
        _write_config(tmp_path, hook.url, extra=f"""
[[channel]]
name = "bot"
kind = "wecom"
url = "{hook.url}?key=abc"
[[channel]]
name = "mail"
kind = "email"
url = "smtp://127.0.0.1:9"
from = "pw@example.org"
to = "a@example.org"
""")
        shown = _cli(tmp_path, "alerts", "preview", str(alert_id), env=ENV)
        missing = _cli(tmp_path, "alerts", "preview", "999", env=ENV)
        assert hook.posts() == []
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "=== bot (wecom) ===" in out and '"msgtype": "markdown"' in out
    assert "=== mail (email) ===" in out and "Subject: [policywatch HIGH]" in out
    assert "=== hook (webhook) ===" in out and f'"id": {alert_id}' in out
    assert out.count("50000 → 60000") >= 3
    assert missing.returncode == 2 and "no alert 999" in missing.stderr


def test_test_command_failure_names_the_channel_and_exits_1(tmp_path):
    with receiver(lambda r: Response(404, "no such robot")) as hook:
        _write_config(tmp_path, hook.url + "?token=robot-token-secret")
        result = _cli(tmp_path, "alerts", "test", "hook", env=ENV)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["Error: test message to hook (webhook) failed: HTTP 404: no such robot"]
