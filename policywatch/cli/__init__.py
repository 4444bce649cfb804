"""The ``policywatch`` command: a click group of thin wrappers over the engines, loaded lazily.

Each area keeps its commands in its own module here (``normalise.py``, ``diff.py``,
``archive.py``, …); a module exposes ``COMMANDS``, the click commands it adds.
:data:`COMMANDS` below is the registry: one row per command — its module and its
one-line help — so ``policywatch --help`` lists every command without importing
any, and running a command imports only its module. To add a command, add its row
(``tests/test_cli_startup.py`` checks the rows against the modules).
"""
from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from policywatch.cli.terminal import guard_output

#: command name → (module in policywatch.cli, one-line help shown by ``policywatch --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "normalise": ("normalise", "Normalise a saved page, export, PDF or URL."),
    "diff": ("diff", "Compare NEW with OLD (a tracked plan), clause by clause."),
    "track": ("archive", "Track an action plan under a name; --list lists them."),
    "plans": ("archive", "List the tracked plans: versions, home document, latest."),
    "search": ("archive", "Exact Chinese search: words (AND), OR, -word, \"phrase\"."),
    "show": ("archive", "Show a document (id or URL): metadata, comparisons."),
    "history": ("archive", "List every version of a document, with status changes."),
    "export": ("archive", "Export documents as JSON, CSV (Excel-ready) or XLSX."),
    "crawl": ("crawl", "Crawl the configured columns, feeds and pages."),
    "add": ("crawl", "Add saved pages, exports or URLs to the archive by hand."),
    "sources": ("sources", "Crawl health per source; --check names each CMS family."),
    "run": ("run", "Crawl each source on its interval and deliver alerts."),
    "alerts": ("alerts", "List, deliver and preview alerts; test a channel."),
    "serve": ("serve", "Serve the review page: inbox, diffs, search, JSON API."),
    "deploy": ("deploy", "Upload the Scrapy project to every scrapyd node."),
    "node": ("deploy", "Run a crawl node (scrapyd) in a directory."),
    "nodes": ("deploy", "Show each crawl node: reachable or not, jobs, version."),
    "backup": ("maintenance", "Back up the archive to a file (online, consistent)."),
    "check": ("maintenance", "Check the archive's integrity and its search index."),
    "reindex": ("maintenance", "Rebuild the search index from the stored texts."),
    "implementations": ("implementations", "Provincial plans implementing a plan, target by target."),
    "timeline": ("life", "A plan's life in date order: drafts, reposts, deletions."),
    "consultations": ("life", "Consultation drafts, their deadlines and finals."),
    "untrack": ("life", "Stop tracking a plan (its history is kept)."),
    "datasette": ("datasette", "Browse the archive in Datasette, read-only."),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported only when one of them runs (see :data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module = importlib.import_module(f"policywatch.cli.{COMMANDS[cmd_name][0]}")
        for command in module.COMMANDS:
            self.add_command(command)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an expected failure (policywatch/errors.py) becomes one line, here only."""
        from policywatch.errors import ERRORS, one_line  # loads the floors' error bases: not for --help

        try:
            return super().invoke(ctx)
        except ERRORS as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"Error: {one_line(exc)}", err=True)
            ctx.exit(exc.exit_code)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registry's help lines, without importing a module."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx) if name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
