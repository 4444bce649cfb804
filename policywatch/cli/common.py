"""Helpers shared by the CLI modules: the error type and opening the archive."""
from __future__ import annotations

import click


class CliError(click.ClickException):
    """A user-facing one-line error; exit status 2 (bad input), like click's usage errors."""

    exit_code = 2


def db_path(ctx: click.Context) -> str:
    """The archive path chosen by ``--db`` / ``POLICYWATCH_DB``."""
    return ctx.find_root().obj["db"]


def config_path(ctx: click.Context) -> str | None:
    """The config path chosen by ``--config`` / ``POLICYWATCH_CONFIG``."""
    return ctx.find_root().obj["config"]


def display_timezone(ctx: click.Context) -> str:
    """``[display] timezone`` of the config (--config or ./policywatch.toml), default Asia/Shanghai."""
    from policywatch.config import ConfigError, load_config

    root = ctx.find_root().obj
    if "timezone" not in root:
        try:
            root["timezone"] = load_config(config_path(ctx)).display_timezone
        except ConfigError as exc:
            raise CliError(f"config: {exc}") from None
    return root["timezone"]
