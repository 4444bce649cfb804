"""Alert channels, one small module per kind behind a registry (urlwatch-reporter style).

``build_channels(config)`` turns the ``[[channel]]`` tables into ready channel objects,
checking each kind's own keys; a channel's class docstring is its user-facing help
(``policywatch alerts channels`` prints them).
"""
from __future__ import annotations

from policywatch.channels import apprise, atom, dingtalk, email, feishu, webhook, wecom  # noqa: F401 - register
from policywatch.channels.base import REGISTRY, Channel, DeliveryError
from policywatch.config import Config

__all__ = ["REGISTRY", "Channel", "DeliveryError", "build_channels"]


def build_channels(config: Config, *, only: str | None = None, include_disabled: bool = False) -> list[Channel]:
    """Channel objects for the configured channels (or just the one named ``only``)."""
    chosen = [config.channel(only)] if only else [c for c in config.channels if c.enabled or include_disabled]
    channels = [REGISTRY[c.kind](c, base_url=config.base_url) for c in chosen]
    for channel in channels:
        channel.timezone = config.display_timezone
    return channels
