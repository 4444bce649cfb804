"""policywatch.toml: defaults, ${ENV} substitution, validation errors, secret redaction."""
from __future__ import annotations

import logging
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from policywatch.channels import build_channels
from policywatch.config import ConfigError, Rules, load_config, parse_config, parse_duration, substitute_env
from policywatch.redact import RedactingFilter, Redactor

EXAMPLE = """
[web]
base_url = "https://pw.example.org/"

[alerts]
min_priority = "normal"
relations = ["altered_repost", "revision"]

[schedule]
delivery_every = "30s"
retry_base = "10s"
timezone = "Asia/Shanghai"

[[channel]]
name = "mail"
kind = "email"
url = "smtp://smtp.example.org:587"
from = "policywatch <pw@example.org>"
to = ["a@example.org"]
username = "pw"
password = "${SMTP_PASSWORD}"

[[channel]]
name = "group"
kind = "wecom"
url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}"
min_priority = "high"
digest = "hour"
"""


def _write(tmp_path, text):
    path = tmp_path / "policywatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_env_substitution(tmp_path):
    env = {"SMTP_PASSWORD": "pa55-Word-xyz", "WECOM_KEY": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"}
    config = load_config(_write(tmp_path, EXAMPLE), environ=env)
    assert config.base_url == "https://pw.example.org"
    mail, group = config.channels
    assert mail.options["password"] == "pa55-Word-xyz"
    assert group.url.endswith("key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa")
    assert mail.rules == Rules("normal", (), ("altered_repost", "revision"), None)
    assert group.rules == Rules("high", (), ("altered_repost", "revision"), "hour")  # inherits, overrides
    assert config.schedule.delivery_every == 30 and config.schedule.retry_base == 10
    assert [c.kind for c in build_channels(config)] == ["email", "wecom"]


def test_shipped_example_config_is_valid(monkeypatch):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "policywatch.example.toml"
    names = {"SMTP_PASSWORD", "WECOM_KEY", "DINGTALK_TOKEN", "DINGTALK_SECRET", "FEISHU_HOOK", "FEISHU_SECRET",
             "HOOK_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"}
    env = {n: f"value-for-{n.lower()}-123456" for n in names}
    env.update(TELEGRAM_BOT_TOKEN="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", TELEGRAM_CHAT_ID="-1001234567")
    config = load_config(example, environ=env)
    assert {c.kind for c in config.channels} == {"email", "wecom", "dingtalk", "feishu", "webhook", "apprise", "atom"}
    assert len(build_channels(config, include_disabled=True)) == len(config.channels)


def test_since_accepts_toml_dates_and_times(tmp_path):
    from datetime import datetime, timedelta, timezone

    config = load_config(_write(tmp_path, "[alerts]\nsince = 2026-11-25T09:00:00+08:00\n"
                                          "[[channel]]\nkind = \"wecom\"\nurl = \"https://x\"\nsince = 2026-12-01\n"),
                         environ={})
    assert config.rules.since == datetime(2026, 11, 25, 9, tzinfo=timezone(timedelta(hours=8)))
    assert config.channels[0].rules.since.date().isoformat() == "2026-12-01"
    assert not config.rules.admits("high", None, None, "2026-11-25T00:59:59+00:00")
    assert config.rules.admits("high", None, None, "2026-11-25T01:00:00+00:00")


def test_no_config_means_no_channels(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.channels == () and config.rules == Rules()


@pytest.mark.parametrize(("text", "message"), [
    ("[alerts]\nmin_priority = \"urgent\"", "min_priority must be one of low, normal, high"),
    ("[alerts]\nrelations = [\"repots\"]", "did you mean 'repost'"),
    ("[alerts]\ndigest = \"weekly\"", "digest must be"),
    ("[alert]\nmin_priority = \"low\"", "unknown key 'alert' (did you mean 'alerts'?)"),
    ("[[channel]]\nkind = \"wechat\"\nurl = \"https://x\"", "kind must be one of"),
    ("[[channel]]\nkind = \"wecom\"", "url is required"),
    ("[[channel]]\nkind = \"wecom\"\nurl = \"ftp://x\"", "must start with http:// or https://"),
    ("[[channel]]\nkind = \"email\"\nurl = \"https://x\"", "must start with smtp:// or smtps://"),
    ("[[channel]]\nname = \"a\"\nkind = \"wecom\"\nurl = \"https://x\"\n"
     "[[channel]]\nname = \"a\"\nkind = \"feishu\"\nurl = \"https://y\"", "two channels are named 'a'"),
    ("[schedule]\nretry_base = \"soon\"", "[schedule] retry_base must be a duration"),
    ("[schedule]\ntimezone = \"Mars/Olympus\"", "unknown time zone"),
    ("[web]\nbase_url = \"example.org\"", "[web] base_url must be a full URL"),
    ("[[channel]\nkind=", "invalid TOML"),
    ("[[channel]]\nname = 3\nkind = \"wecom\"\nurl = \"https://x\"", "name must be a non-empty one-line string"),
    ("[[channel]]\nkind = \"wecom\"\nurl = \"https://x\"\nper_minute = 0", "per_minute must be a positive"),
    ("[alerts]\nsince = \"last week\"", "[alerts] since must be a date or time"),
])
def test_bad_config_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_write(tmp_path, text), environ={})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_kind_specific_keys_are_checked_by_the_channel():
    data = {"channel": [{"name": "m", "kind": "email", "url": "smtp://h:25", "from": "a@b.c", "to": "x@y.z",
                         "pasword": "x"}]}
    with pytest.raises(ConfigError, match="unknown key 'pasword'"):
        build_channels(parse_config(data))
    data["channel"][0].pop("pasword")
    data["channel"][0].pop("to")
    with pytest.raises(ConfigError, match="to is required"):
        build_channels(parse_config(data))


@pytest.mark.parametrize(("url", "extra", "message"), [
    ("smtp://mail.example.org:465", {}, "port 465 is SMTP over TLS; use smtps://host:465"),
    ("smtps://mail.example.org:587", {}, "port 587 upgrades with STARTTLS; use smtp://host:587"),
    ("smtp://mail.example.org:587", {"from": "policywatch"}, "from, to and cc must be e-mail addresses"),
    ("smtp://mail.example.org:587", {"to": ["a@example.org", "not-an-address"]}, "must be e-mail addresses"),
])
def test_email_mix_ups_are_caught_at_start_up(url, extra, message):
    table = {"name": "m", "kind": "email", "url": url, "from": "pw@example.org", "to": "a@example.org", **extra}
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_channels(parse_config({"channel": [table]}))


def test_unset_environment_variable_is_named(tmp_path):
    with pytest.raises(ConfigError, match="environment variable WECOM_KEY is not set .*channel"):
        load_config(_write(tmp_path, EXAMPLE), environ={"SMTP_PASSWORD": "x"})


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(("value", "seconds"), [(90, 90), ("90s", 90), ("5m", 300), ("1.5h", 5400),
                                                ("1d", 86400), ("250ms", 0.25)])
def test_durations(value, seconds):
    assert parse_duration(value, "x") == seconds


def test_secrets_from_the_config_are_redacted_everywhere(tmp_path):
    env = {"SMTP_PASSWORD": "pa55-Word-redact-me", "WECOM_KEY": "wecom-key-redact-me"}
    config = load_config(_write(tmp_path, EXAMPLE), environ=env)
    text = ("login failed with pa55-Word-redact-me for "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-redact-me")
    cleaned = config.redactor(text)
    assert Redactor()(text).startswith("login failed with pa55-Word-redact-me")  # secrets are the config's own
    assert "pa55-Word-redact-me" not in cleaned and "wecom-key-redact-me" not in cleaned
    assert "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***" in cleaned


@pytest.mark.parametrize(("url", "leak"), [
    ("https://oapi.dingtalk.com/robot/send?access_token=abcdef123456", "abcdef123456"),
    ("https://open.feishu.cn/open-apis/bot/v2/hook/2f9c8e2a-1111-2222", "2f9c8e2a-1111-2222"),
    ("smtp://user:hunter2pass@smtp.example.org:587", "hunter2pass"),
])
def test_url_credentials_are_redacted_even_when_not_registered(url, leak):
    assert leak not in Redactor()(f"POST {url} failed")


def test_logging_filter_redacts_messages_and_arguments(caplog):
    logger = logging.getLogger("policywatch.test.redact")
    handler_filter = RedactingFilter(Redactor(["filter-secret-42"]))
    logger.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger="policywatch.test.redact"):
            logger.info("token %s in %s", "filter-secret-42", "https://x.example/send?key=abc")
    finally:
        logger.removeFilter(handler_filter)
    assert "filter-secret-42" not in caplog.text and "key=abc" not in caplog.text
    assert "token *** in https://x.example/send?key=***" in caplog.text


SECRET_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=4, max_size=40)


@settings(max_examples=150, deadline=None)
@given(tail=SECRET_TEXT.filter(lambda s: s.strip() == s), before=st.text(max_size=30), after=st.text(max_size=30))
def test_a_registered_secret_never_survives_redaction(tail, before, after):
    secret = "pw-test-secret:" + tail
    assert secret not in Redactor([secret])(before + secret + after)


@given(token=st.from_regex(r"[A-Za-z0-9_-]{6,40}", fullmatch=True),
       param=st.sampled_from(["key", "access_token", "token", "sign", "secret"]))
def test_webhook_url_tokens_never_survive_redaction(token, param):
    url = f"https://bot.example.org/send?{param}={token}&x=1"
    assert f"{param}={token}" not in Redactor()(f"POST {url} failed: HTTP 500")


@given(value=st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
@example(value=float("nan"))
@example(value=float("inf"))  # TOML has nan and inf
@example(value="1e999s")
@example(value=1e300)
def test_durations_are_positive_seconds_or_one_line_errors(value):
    try:
        seconds = parse_duration(value, "[schedule] x")
    except ConfigError as exc:
        assert "\n" not in str(exc) and "[schedule] x" in str(exc)
        return
    assert 0 < seconds <= 366 * 86400


@given(amount=st.integers(1, 366), unit=st.sampled_from(["ms", "s", "m", "h", "d"]))
def test_duration_units(amount, unit):
    factor = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    assert parse_duration(f"{amount}{unit}", "x") == pytest.approx(amount * factor)


def test_every_substituted_value_and_a_bare_header_token_are_secrets():
    redactor = Redactor()
    load = parse_config(substitute_env({"channel": [{
        "name": "hook", "kind": "webhook", "url": "https://hooks.example/x?az=${AZ}",
        "headers": {"Authorization": "Bearer literal-token-42abc", "X-Trace": "${TRACE}"}}]},
        {"AZ": "az-code-8d7c6b", "TRACE": "trace-id-77"}, where="", redactor=redactor), redactor=redactor)
    assert load.channels[0].url.endswith("az-code-8d7c6b") and load.redactor is redactor
    shown = load.redactor("GET https://hooks.example/x?az=az-code-8d7c6b said literal-token-42abc trace-id-77")
    assert "az-code-8d7c6b" not in shown and "literal-token-42abc" not in shown and "trace-id-77" not in shown
    assert "Bearer" not in shown or "Bearer ***" in shown


def test_each_config_has_its_own_secrets_and_no_process_wide_registry(tmp_path):
    """Loading one config masks its secrets with its own Redactor; another config's stay unknown to it."""
    first = load_config(_write(tmp_path, EXAMPLE), environ={"SMTP_PASSWORD": "first-Pa55word-9", "WECOM_KEY": "k1-abcd"})
    other = tmp_path / "other"
    other.mkdir()
    second = load_config(_write(other, EXAMPLE), environ={"SMTP_PASSWORD": "second-Pa55word-9", "WECOM_KEY": "k2-abcd"})
    line = "failed: first-Pa55word-9 second-Pa55word-9"
    assert first.redactor(line) == "failed: *** second-Pa55word-9"
    assert second.redactor(line) == "failed: first-Pa55word-9 ***"
