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
