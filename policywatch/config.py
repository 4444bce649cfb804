"""policywatch.toml: channels, alert rules, web and schedule settings.

Loading does three things and nothing else: read TOML, substitute ``${NAME}``
environment references, and check every key, so that a typo is a clear one-line
:class:`ConfigError` at start-up rather than a silent channel that never fires.
Kind-specific channel keys (email ``from``/``to``, dingtalk ``secret`` …) are checked
by the channel classes themselves (:func:`policywatch.channels.build_channels`).

Every secret the file names (passwords, signing secrets, tokens inside webhook URLs,
header values and each word after a header's scheme, so the bare token of
``Bearer ${TOKEN}`` too) — and every value substituted from ``${…}``, whatever key holds
it — is added to the config's own :class:`policywatch.redact.Redactor` (``Config.redactor``),
which the delivery engine, the service and the CLI use to scrub log lines, error messages,
stored delivery errors and what ``alerts channels`` prints.
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.durations import duration_seconds
from diffing.lifecycle import PlanRules
from diffing.model import RELATIONS
from policywatch.clock import DEFAULT_ZONE, UnknownZone, zone
from policywatch.errors import PolicywatchError
from policywatch.redact import Redactor
from store.kinds import ALERT_KINDS, PRIORITIES


class ChannelKind(StrEnum):
    """The channel kinds policywatch can deliver to; each has one module in ``policywatch/channels/``."""

    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    WEBHOOK = "webhook"
    APPRISE = "apprise"
    ATOM = "atom"


#: Every channel kind's value (for validation and help texts).
CHANNEL_KINDS: tuple[str, ...] = tuple(kind.value for kind in ChannelKind)
#: Digest periods: one message per channel per hour or per day.
DIGESTS = ("hour", "day")
#: The config file looked for in the working directory when none is given.
DEFAULT_CONFIG_NAME = "policywatch.toml"
#: Keys whose values are secrets wherever they appear.
SECRET_KEYS = frozenset({"password", "secret", "token", "api_key", "apikey"})

#: Header names (parts of) whose values carry a credential after a scheme word ("Bearer …").
_CREDENTIAL_HEADER_PARTS = ("auth", "token", "key", "secret", "cookie", "sign", "pass")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_RULE_KEYS = {"min_priority", "plans", "relations", "kinds", "digest", "since"}
_CHANNEL_KEYS = {"name", "kind", "url", "enabled", "timeout", "per_minute"} | _RULE_KEYS
_TOP_KEYS = {"channel", "alerts", "web", "schedule", "display", "watch", "plans"}
_WATCH_KEYS = {"unreachable_after", "recheck", "recheck_per_run"}
_PLANS_KEYS = {"auto", "sources", "title_patterns", "exclude_patterns", "deadline_days"}
_WEB_KEYS = {"base_url"}
_DISPLAY_KEYS = {"timezone"}
_SCHEDULE_KEYS = {"delivery_every", "retry_base", "retry_max", "delivery_lease", "shutdown_grace", "timezone",
                  "sources"}
_DURATION_KEYS = ("delivery_every", "retry_base", "retry_max", "delivery_lease", "shutdown_grace")


class ConfigError(PolicywatchError, ValueError):
    """A problem with policywatch.toml, worded as one line the user can act on.

    The line says it is about the config (``config: [[channel]] #1: url is required``),
    wherever it is shown, so the CLI prints it as it is.
    """

    def __str__(self) -> str:
        return f"config: {super().__str__()}"


@dataclass(frozen=True)
class Rules:
    """Which alerts a channel receives, and whether they are batched into a digest.

    Empty ``plans``/``relations``/``kinds`` mean "all"; ``kinds`` are alert kinds
    (store.kinds: plan, revised, status, plan_changed, …). ``relations`` only
    narrows alerts that have a relation (``plan`` alerts); ``digest`` is None, "hour" or "day".
    ``since`` keeps older alerts out: a channel added to an archive with a history
    starts from that moment instead of receiving the whole backlog.
    """

    min_priority: str = "low"
    plans: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    digest: str | None = None
    since: datetime | None = None
    kinds: tuple[str, ...] = ()

    def admits(self, priority: str, plan: str | None, relation: str | None, created_at: str | None = None,
               kind: str = "plan") -> bool:
        """True when an alert with these properties should reach the channel."""
        if _rank(priority) < _rank(self.min_priority):
            return False
        if self.kinds and kind not in self.kinds:
            return False
        if self.plans and plan not in self.plans:
            return False
        if self.since and created_at and _aware(datetime.fromisoformat(created_at)) < self.since:
            return False
        return not (self.relations and relation and relation not in self.relations)


@dataclass(frozen=True)
class ChannelConfig:
    """One ``[[channel]]`` table: the common keys, plus ``options`` for the kind-specific ones."""

    name: str
    kind: str
    url: str | None
    rules: Rules
    enabled: bool = True
    timeout: float = 10.0
    options: dict[str, Any] = field(default_factory=dict)
    per_minute: int | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    """``[schedule]``: delivery pass interval, retry backoff, leases and shutdown (seconds).

    ``delivery_lease`` is how long a deliverer holds an alert it is sending; if it dies
    mid-send the alert becomes due again after that long. ``timezone`` is where cron
    expressions and daily digests are evaluated (default: the machine's).
    """

    delivery_every: float = 60.0
    retry_base: float = 30.0
    retry_max: float = 3600.0
    delivery_lease: float = 120.0
    shutdown_grace: float = 8.0
    timezone: str | None = None
    sources: str | None = None


@dataclass(frozen=True)
class WatchConfig:
    """``[watch]``: how a watched document's own change is noticed.

    ``unreachable_after`` is how many consecutive checks must find a known article behind
    an anti-bot page before that is alerted (``status`` → unreachable). ``recheck`` maps a
    document kind (miit, wechat, generic, or ``default``) to how long a known document is
    trusted before it is fetched again when its source sets no ``recheck`` of its own;
    ``recheck_per_run`` bounds those re-checks per source and run.
    """

    unreachable_after: int = 3
    recheck: dict[str, float] = field(default_factory=dict)
    recheck_per_run: int = 20

    def crawl_settings(self) -> dict[str, Any]:
        """The crawler settings these values travel in (read by the ingest pipeline and the spiders).

        Only values set away from the defaults, so a config without ``[watch]`` changes no setting.
        """
        settings: dict[str, Any] = {}
        if self.unreachable_after != WatchConfig.unreachable_after:
            settings["POLICYWATCH_UNREACHABLE_AFTER"] = self.unreachable_after
        if self.recheck:
            settings["POLICYWATCH_RECHECK"] = dict(self.recheck)
        if self.recheck_per_run != WatchConfig.recheck_per_run:
            settings["POLICYWATCH_RECHECK_PER_RUN"] = self.recheck_per_run
        return settings


@dataclass(frozen=True)
class Config:
    """The whole policywatch.toml, validated."""

    channels: tuple[ChannelConfig, ...] = ()
    rules: Rules = Rules()
    base_url: str = "http://127.0.0.1:8080"
    schedule: ScheduleConfig = ScheduleConfig()
    path: str | None = None
    #: ``[display] timezone``: the one zone every shown time is in (see policywatch.clock).
    display_timezone: str = DEFAULT_ZONE
    watch: WatchConfig = WatchConfig()
    plans: PlanRules = PlanRules()
    #: The secrets this file names, and the masking of them (pass it to whatever writes text out).
    redactor: Redactor = field(default_factory=Redactor, compare=False, repr=False)

    def channel(self, name: str) -> ChannelConfig:
        """The channel called ``name``; ConfigError naming the known ones otherwise."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels) or "none configured"
        raise ConfigError(f"no channel named {name!r} (channels: {known})")


def load_config(path: str | Path | None, *, environ: dict[str, str] | None = None) -> Config:
    """Read and validate ``path`` (or ./policywatch.toml when present, else defaults)."""
    if path is None:
        if not Path(DEFAULT_CONFIG_NAME).is_file():
            return Config()
        path = DEFAULT_CONFIG_NAME
    source = Path(path)
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {source}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    redactor = Redactor()
    data = substitute_env(raw, os.environ if environ is None else environ, where="", redactor=redactor)
    return parse_config(data, path=str(source), redactor=redactor)


def parse_config(data: dict[str, Any], *, path: str | None = None, redactor: Redactor | None = None) -> Config:
    """Validate an already-substituted config mapping (what the TOML file holds).

    The secrets it names are added to ``redactor`` (the one :func:`substitute_env` filled,
    or a new one), which the Config carries as ``redactor``.
    """
    redactor = Redactor() if redactor is None else redactor
    _check_keys(data, _TOP_KEYS, "top level")
    rules = parse_rules(_table(data, "alerts"), "[alerts]", Rules())
    web = _table(data, "web")
    _check_keys(web, _WEB_KEYS, "[web]")
    base_url = _url(web.get("base_url", Config.base_url), "[web] base_url", ("http", "https")).rstrip("/")
    channels = data.get("channel", [])
    if not isinstance(channels, list):
        raise ConfigError("channels are [[channel]] tables (an array of tables), not a single [channel]")
    parsed = tuple(_parse_channel(entry, index, rules, redactor) for index, entry in enumerate(channels, 1))
    _check_unique([c.name for c in parsed])
    return Config(parsed, rules, base_url, _parse_schedule(_table(data, "schedule")), path,
                  _parse_display(_table(data, "display")), _parse_watch(_table(data, "watch")),
                  parse_plan_rules(_table(data, "plans")), redactor)


def _parse_display(table: dict[str, Any]) -> str:
    """``[display] timezone``: a zone name the system knows (default Asia/Shanghai)."""
    _check_keys(table, _DISPLAY_KEYS, "[display]")
    name = table.get("timezone", DEFAULT_ZONE)
    if not isinstance(name, str):
        raise ConfigError("[display] timezone must be a string")
    try:
        zone(name)
    except UnknownZone as exc:
        raise ConfigError(f"[display] timezone: {exc}") from None
    return name


def parse_plan_rules(table: dict[str, Any]) -> PlanRules:
    """``[plans]``: auto (bool), sources, title_patterns, exclude_patterns (regexes), deadline_days (ints)."""
    _check_keys(table, _PLANS_KEYS, "[plans]")
    auto = table.get("auto", True)
    if not isinstance(auto, bool):
        raise ConfigError("[plans] auto must be true or false")
    patterns = {key: tuple(_str_list(table.get(key, []), f"[plans] {key}")) for key in ("title_patterns",
                                                                                      "exclude_patterns")}
    for key, values in patterns.items():
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ConfigError(f"[plans] {key}: {value!r} is not a regular expression ({exc})") from None
    days = table.get("deadline_days", list(PlanRules.deadline_days))
    if not isinstance(days, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 366
                                             for d in days):
        raise ConfigError("[plans] deadline_days must be a list of whole days, like [7, 1]")
    return PlanRules(auto, tuple(_str_list(table.get("sources", []), "[plans] sources")),
                     patterns["title_patterns"], patterns["exclude_patterns"], tuple(days))


def parse_rules(table: dict[str, Any], where: str, defaults: Rules) -> Rules:
    """Rules from a table holding any of min_priority/plans/relations/digest; missing keys inherit."""
    priority = table.get("min_priority", defaults.min_priority)
    if priority not in PRIORITIES:
        raise ConfigError(f"{where} min_priority must be one of {', '.join(PRIORITIES)}, not {priority!r}")
    relations = _str_list(table.get("relations", list(defaults.relations)), f"{where} relations")
    for relation in relations:
        if relation not in RELATIONS:
            raise ConfigError(f"{where} relations: unknown relation {relation!r}{_suggest(relation, RELATIONS)}")
    digest = table.get("digest", defaults.digest)
    if digest in ("none", "", False):
        digest = None
    if digest is not None and digest not in DIGESTS:
        raise ConfigError(f"{where} digest must be \"hour\", \"day\" or \"none\", not {digest!r}")
    plans = _str_list(table.get("plans", list(defaults.plans)), f"{where} plans")
    since = _moment(table["since"], f"{where} since") if "since" in table else defaults.since
    kinds = _str_list(table.get("kinds", list(defaults.kinds)), f"{where} kinds")
    for kind in kinds:
        if kind not in ALERT_KINDS:
            raise ConfigError(f"{where} kinds: unknown alert kind {kind!r}{_suggest(kind, ALERT_KINDS)}")
    return Rules(priority, tuple(plans), tuple(relations), digest, since, tuple(kinds))


def _moment(value: Any, where: str) -> datetime:
    """A TOML date/datetime or an ISO string as an aware datetime (no offset: this machine's zone)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise ConfigError(f"{where} must be a date or time like 2026-11-25 or 2026-11-25T09:00:00+08:00")
    return _aware(value)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.astimezone()


def parse_duration(value: Any, where: str) -> float:
    """Seconds from 90, "90s", "5m", "1.5h", "1d" or "250ms"."""
    try:
        seconds = duration_seconds(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise ConfigError(f"{where} must be a duration like \"30s\", \"5m\", \"1h\" (from 1ms to 366d),"
                          f" not {value!r}")
    return seconds


def substitute_env(value: Any, environ: dict[str, str] | os._Environ, *, where: str, redactor: Redactor) -> Any:
    """Replace ``${NAME}`` in every string of ``value`` (recursively); unset names are errors.

    Every substituted value is a secret to ``redactor``, whatever key holds it.
    """
    if isinstance(value, dict):
        return {k: substitute_env(v, environ, where=f"{where}.{k}" if where else k, redactor=redactor)
                for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, environ, where=f"{where}[{i}]", redactor=redactor) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise ConfigError(f"environment variable {name} is not set (referenced by {where})")
        redactor.add(environ[name])
        return environ[name]

    return _ENV_REF.sub(replace, value)


def _parse_channel(entry: Any, index: int, defaults: Rules, redactor: Redactor) -> ChannelConfig:
    if not isinstance(entry, dict):
        raise ConfigError(f"[[channel]] #{index} must be a table")
    name = entry.get("name", f"{entry.get('kind', 'channel')}-{index}")
    if not isinstance(name, str) or not name.strip() or not name.isprintable():
        raise ConfigError(f"[[channel]] #{index}: name must be a non-empty one-line string")
    where = f"channel {name!r}"
    kind = entry.get("kind")
    if kind not in CHANNEL_KINDS:
        hint = _suggest(str(kind), CHANNEL_KINDS) if kind else ""
        raise ConfigError(f"{where}: kind must be one of {', '.join(CHANNEL_KINDS)}, not {kind!r}{hint}")
    url = entry.get("url")
    if url is not None:
        url = _url(url, f"{where} url", _schemes(kind))
        redactor.add_url(url)
    elif kind not in ("atom",):
        raise ConfigError(f"{where}: url is required for a {kind} channel")
    options = {k: v for k, v in entry.items() if k not in _CHANNEL_KEYS}
    _add_option_secrets(options, redactor)
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: enabled must be true or false")
    timeout = parse_duration(entry.get("timeout", ChannelConfig.timeout), f"{where} timeout")
    per_minute = entry.get("per_minute")
    if per_minute is not None and (isinstance(per_minute, bool) or not isinstance(per_minute, int)
                                   or per_minute < 1):
        raise ConfigError(f"{where}: per_minute must be a positive whole number of messages")
    rules = parse_rules(entry, where, defaults)
    return ChannelConfig(str(name), kind, url, rules, enabled, timeout, options, per_minute)


def _parse_schedule(table: dict[str, Any]) -> ScheduleConfig:
    _check_keys(table, _SCHEDULE_KEYS, "[schedule]")
    base = ScheduleConfig()
    durations = {key: parse_duration(table.get(key, getattr(base, key)), f"[schedule] {key}")
                 for key in _DURATION_KEYS}
    timezone, sources = table.get("timezone"), table.get("sources")
    for key, value in (("timezone", timezone), ("sources", sources)):
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"[schedule] {key} must be a string")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"[schedule] timezone: unknown time zone {timezone!r} (e.g. \"Asia/Shanghai\")") from None
    return ScheduleConfig(**durations, timezone=timezone, sources=sources)


def _parse_watch(table: dict[str, Any]) -> WatchConfig:
    _check_keys(table, _WATCH_KEYS, "[watch]")
    counts = {}
    for key in ("unreachable_after", "recheck_per_run"):
        value = table.get(key, getattr(WatchConfig, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise ConfigError(f"[watch] {key} must be a whole number from 1 to 1000, not {value!r}")
        counts[key] = value
    recheck = table.get("recheck", {})
    if not isinstance(recheck, dict):
        raise ConfigError("[watch] recheck must be a table like { miit = \"1d\", wechat = \"7d\" }")
    intervals = {str(kind): parse_duration(value, f"[watch] recheck.{kind}") for kind, value in recheck.items()}
    return WatchConfig(counts["unreachable_after"], intervals, counts["recheck_per_run"])


def _add_option_secrets(options: dict[str, Any], redactor: Redactor) -> None:
    """A channel's secret keys, header values and the words after a credential header's scheme."""
    for key, value in options.items():
        if key in SECRET_KEYS and isinstance(value, str):
            redactor.add(value)
        elif key == "headers" and isinstance(value, dict):
            for header, header_value in value.items():
                if isinstance(header_value, str):
                    redactor.add(header_value)
                    if any(part in str(header).lower() for part in _CREDENTIAL_HEADER_PARTS):
                        for word in header_value.split()[1:]:
                            redactor.add(word)


def _schemes(kind: str) -> tuple[str, ...]:
    if kind == "email":
        return ("smtp", "smtps")
    if kind == "apprise":
        return ()
    return ("http", "https")


def _url(value: Any, where: str, schemes: tuple[str, ...]) -> str:
    if not isinstance(value, str) or "://" not in value:
        raise ConfigError(f"{where} must be a URL like {(schemes or ('https',))[0]}://…, not a {type(value).__name__}"
                          if not isinstance(value, str) else f"{where} must be a full URL with a scheme (…://…)")
    scheme = value.split("://", 1)[0].lower()
    if schemes and scheme not in schemes:
        raise ConfigError(f"{where} must start with {' or '.join(s + '://' for s in schemes)}, not {scheme}://")
    return value


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{key}] must be a table")
    return table


def _str_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return value


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, allowed)}")


def _check_unique(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(f"two channels are named {name!r}; channel names must be unique")
        seen.add(name)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else 0
