"""Helpers shared by the CLI modules: the error type, the archive path and the config."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from policywatch.config import Config


class CliError(click.ClickException):
    """Bad command-line input (a missing option, a bad combination); exit status 2, like click's usage errors.

    Click prints it as one line, also under ``--debug`` (it is the user's input, not a
    fault to trace). Errors of the engines (a bad config, an unusable archive, an
    unreadable page) are not wrapped in it: they belong to policywatch.errors' tree and
    reach the one translation in ``policywatch/cli/__init__.py`` as they are.
    """

    exit_code = 2


def db_path(ctx: click.Context) -> str:
    """The archive path chosen by ``--db`` / ``POLICYWATCH_DB``."""
    return ctx.find_root().obj["db"]


def config_path(ctx: click.Context) -> str | None:
    """The config path chosen by ``--config`` / ``POLICYWATCH_CONFIG``."""
    return ctx.find_root().obj["config"]


def read_config(ctx: click.Context) -> Config:
    """The validated policywatch.toml (--config or ./policywatch.toml; defaults without one), read once per command."""
    from policywatch.config import load_config

    root = ctx.find_root().obj
    if "loaded_config" not in root:
        root["loaded_config"] = load_config(config_path(ctx))
    return root["loaded_config"]


def display_timezone(ctx: click.Context) -> str:
    """``[display] timezone`` of the config, default Asia/Shanghai."""
    return read_config(ctx).display_timezone
