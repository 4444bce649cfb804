"""What every channel shares: the registry, the base class, and posting JSON to a bot.

A channel turns a batch of alerts (one alert, or the alerts of a digest) into its
native message and sends it, raising :class:`DeliveryError` when the far end did not
accept it. It never touches the outbox: the delivery engine (:mod:`policywatch.alerts`)
decides what to send, marks what was sent and schedules retries.
"""
from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Sequence
from typing import Any, ClassVar

import httpx

from policywatch.clock import DEFAULT_ZONE
from policywatch.config import ChannelConfig, ConfigError
from policywatch.errors import PolicywatchError
from policywatch.messages import AlertView

#: kind → channel class, filled by :func:`register`.
REGISTRY: dict[str, type[Channel]] = {}


class DeliveryError(PolicywatchError):
    """The channel did not accept a message.

    The text may quote the channel's URL or the far end's answer: whoever shows or stores it
    passes it through the config's :class:`policywatch.redact.Redactor` first (the delivery
    engine does, and so does ``alerts test``).
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def register(cls: type[Channel]) -> type[Channel]:
    """Class decorator adding a channel kind to :data:`REGISTRY`."""
    REGISTRY[cls.kind] = cls
    return cls


class Channel:
    """Base class; subclasses set ``kind``, ``options`` (key → type) and ``required``."""

    kind: ClassVar[str] = ""
    options: ClassVar[dict[str, type | tuple[type, ...]]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    #: Channels that keep their own copy of every alert (Atom) take no digest.
    digestable: ClassVar[bool] = True
    #: The service's own rate limit in messages per minute (None: none); ``per_minute`` overrides.
    per_minute: ClassVar[int | None] = None

    #: The zone shown times are in (``[display] timezone``; set by build_channels).
    timezone: str = DEFAULT_ZONE

    def __init__(self, config: ChannelConfig, *, base_url: str) -> None:
        self.config = config
        self.name = config.name
        self.base_url = base_url.rstrip("/")
        self._sent_at: deque[float] = deque()
        self._check_options()

    def has_capacity(self) -> bool:
        """False while the channel's per-minute limit is used up (the rest wait for a later pass)."""
        limit = self.config.per_minute or self.per_minute
        now = time.monotonic()
        while self._sent_at and now - self._sent_at[0] >= 60:
            self._sent_at.popleft()
        return limit is None or len(self._sent_at) < limit

    def count_sent(self) -> None:
        """Record one message sent now, for :meth:`has_capacity`."""
        self._sent_at.append(time.monotonic())

    @property
    def inbox_url(self) -> str:
        """The review page listing every alert (the "more" link of digests)."""
        return f"{self.base_url}/alerts"

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Deliver ``batch`` under idempotency ``key``; raise DeliveryError on failure."""
        raise NotImplementedError

    def payload(self, batch: Sequence[AlertView], key: str) -> Any:
        """What :meth:`send` would send (a JSON-ready dict for the HTTP channels)."""
        raise NotImplementedError

    def preview(self, batch: Sequence[AlertView], key: str) -> str:
        """The message as this channel would send it, for ``policywatch alerts preview``."""
        return json.dumps(self.payload(batch, key), ensure_ascii=False, indent=2)

    def close(self) -> None:
        """Release connections; the channel may not be used afterwards."""

    def option(self, key: str, default: Any = None) -> Any:
        """A kind-specific option from the channel's table."""
        return self.config.options.get(key, default)

    def _check_options(self) -> None:
        where = f"channel {self.name!r} ({self.kind})"
        for key, value in self.config.options.items():
            if key not in self.options:
                allowed = ", ".join(sorted(self.options)) or "none"
                raise ConfigError(f"{where}: unknown key {key!r} (allowed here: {allowed})")
            if not isinstance(value, self.options[key]):
                raise ConfigError(f"{where}: {key} has the wrong type ({type(value).__name__})")
        for key in self.required:
            if not self.config.options.get(key):
                raise ConfigError(f"{where}: {key} is required")


class HttpChannel(Channel):
    """A channel that POSTs JSON; keeps one HTTP client per channel for connection reuse."""

    _client: httpx.Client | None = None

    def post_json(self, url: str, payload: dict[str, Any], key: str,
                  headers: dict[str, str] | None = None) -> httpx.Response:
        """POST ``payload``; DeliveryError for network errors, timeouts and non-2xx answers."""
        body = encode_json(payload)
        sent = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key,
                "User-Agent": "policywatch", **(headers or {})}
        if self._client is None:
            self._client = httpx.Client(timeout=self.config.timeout)
        try:
            response = self._client.post(url, content=body, headers=sent)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryError(f"HTTP {response.status_code}", retry_after=_retry_after(response))
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def encode_json(payload: dict[str, Any]) -> bytes:
    """The exact bytes :meth:`HttpChannel.post_json` sends (UTF-8, Chinese unescaped)."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def check_bot_answer(response: httpx.Response, code_keys: tuple[str, ...] = ("errcode",)) -> None:
    """Chat bots answer HTTP 200 even on failure; a non-zero error code in the JSON is a failure."""
    try:
        data = response.json()
    except ValueError:
        raise DeliveryError(f"bot answered with non-JSON: {response.text[:120]!r}") from None
    for key in code_keys:
        if key in data and data[key] not in (0, "0"):
            message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
            raise DeliveryError(f"bot refused the message: {key}={data[key]} {message}")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
