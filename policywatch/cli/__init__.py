"""The ``policywatch`` command: a click group of thin wrappers over the engines.

Each area keeps its commands in its own module here (``normalise.py``, ``diff.py``,
``archive.py``, ``crawl.py``, ``run.py``, ``alerts.py``, ``serve.py``, ``deploy.py``,
``maintenance.py``);
a module exposes ``COMMANDS``, the click commands it adds to the group.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from policywatch.cli.terminal import guard_output

_MODULES = ("normalise", "diff", "archive", "crawl", "run", "alerts", "serve", "deploy", "maintenance", "sources",
            "implementations")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", envvar="POLICYWATCH_DB", default="policywatch.db", show_default=True,
              help="The archive (a SQLite file). Also POLICYWATCH_DB.")
@click.option("--config", "config_path", envvar="POLICYWATCH_CONFIG", default=None,
              help="policywatch.toml with channels and alert rules. Also POLICYWATCH_CONFIG.")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def group(ctx: click.Context, db_path: str, config_path: str | None, debug: bool) -> None:
    """Watch Chinese industrial policy: crawl, normalise, diff against tracked plans, alert."""
    ctx.ensure_object(dict)
    ctx.obj.update(db=db_path, config=config_path, debug=debug)


for _name in _MODULES:
    for _command in importlib.import_module(f"policywatch.cli.{_name}").COMMANDS:
        group.add_command(_command)


def main() -> None:
    """Entry point: run the group; unexpected errors become one line and exit 2."""
    debug = "--debug" in sys.argv or bool(os.environ.get("POLICYWATCH_DEBUG"))
    guard_output()
    try:
        code = group.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        if debug:
            raise
        click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
