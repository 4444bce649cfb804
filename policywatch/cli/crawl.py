"""Crawl commands: ``crawl`` (run the spiders over the sources) and ``add`` (ingest files/URLs by hand).

Both go through the one ingest path (crawler.ingest): normalise → archive → compare
with every tracked plan → alerts.
"""
from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from policywatch.cli.common import CliError, db_path, read_config
from policywatch.cli.opening import prepare_archive, require_archive, writing

SETTING_HELP = "Override a Scrapy/crawler setting, e.g. -s DOWNLOAD_DELAY=5 (repeatable)."


@click.command("crawl")
@click.option("--sources", "sources_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Sources file (default: the shipped seeds/sources.toml).")
@click.option("--source", "names", multiple=True, metavar="NAME",
              help="Crawl only this source (repeatable; default: every enabled source).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP)
@click.option("--fast", is_flag=True, help="Politeness off (no delays, parallel per host): loopback mirrors only.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Summary format.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log on stderr.")
@click.option("--list", "list_only", is_flag=True,
              help="Check the sources file and list the sources with their last run; crawl nothing.")
@click.pass_context
def crawl_command(ctx: click.Context, sources_file: str | None, names: tuple[str, ...],
                  overrides: tuple[str, ...], fast: bool, fmt: str, verbose: bool, list_only: bool) -> None:
    """Crawl the configured MIIT columns, feeds and pages into the archive.

    New documents and new versions are compared with every tracked plan and the
    relevant ones become alerts. Example:

        policywatch --db policywatch.db crawl --source miit-zcjd --source wechat-doonsec
    """
    from crawler.report import summary_lines
    from crawler.runner import FAST_SETTINGS, crawl_blocking
    from crawler.sources import load_sources

    sources = load_sources(sources_file, names=list(names))
    if not sources:
        raise CliError("no enabled sources to crawl")
    if list_only:
        _list_sources(sources, db_path(ctx), fmt)
        return
    prepare_archive(db_path(ctx))
    settings = {**watch_settings(ctx), **(FAST_SETTINGS if fast else {}), **plan_rules_settings(ctx),
                **parse_overrides(overrides)}
    _configure_logging(verbose)
    started = time.monotonic()
    show = _Progress(enabled=fmt == "text" and sys.stderr.isatty())
    counts = crawl_blocking(sources, db_path=db_path(ctx), progress=show, settings=settings)
    show.done()
    if fmt == "json":
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(summary_lines(counts, seconds=time.monotonic() - started)))
    if counts["errors"] and counts["pages"] <= counts["errors"]:
        ctx.exit(1)  # every fetch failed: let cron and the scheduler notice


def _list_sources(sources: list[Any], path: str, fmt: str) -> None:
    """One line per source: kind, schedule, hosts, and how its last run went."""
    require_archive(path)
    from store.archive import Archive

    with Archive(path) as archive:
        rows = [{**source.to_dict(), "last_run": archive.last_run(source.name)} for source in sources]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        run = row["last_run"] or {}
        counts = run.get("counts") or {}
        if isinstance(counts, str):
            counts = json.loads(counts or "{}")
        last = (f"last run {run.get('finished_at') or run.get('started_at')} {run.get('status')}: "
                f"{counts.get('new', 0)} new, {counts.get('changed', 0)} changed, {run.get('error_count', 0)} errors"
                if run else "never run")
        schedule = f"cron {row['cron']}" if row["cron"] else f"every {row['every']}"
        private = ", private addresses allowed" if row["allow_private"] else ""
        click.echo(f"{row['name']:<24} {row['kind']:<5} {schedule:<12} {row['url']}")
        click.echo(f"{'':<24} follow: {', '.join(row['follow']) or '-'}{private}; {last}")


def watch_settings(ctx: click.Context) -> dict[str, Any]:
    """The ``[watch]`` settings of policywatch.toml for the crawler (none when there is no config)."""
    return read_config(ctx).watch.crawl_settings()


def _configure_logging(verbose: bool) -> None:
    """Scrapy's log on stderr with --verbose; otherwise silence (the summary lists the errors)."""
    import logging

    root = logging.getLogger()
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    else:
        root.addHandler(logging.NullHandler())


class _Progress:
    """A single self-updating stderr line while the crawl runs (only on a terminal)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._last = 0.0

    def __call__(self, counts: dict[str, Any]) -> None:
        from crawler.report import progress_line

        now = time.monotonic()
        if self.enabled and now - self._last > 0.2:
            self._last = now
            click.echo(f"\r\033[K{progress_line(counts)}", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("\r\033[K", err=True, nl=False)


def plan_rules(ctx: click.Context) -> Any:
    """The ``[plans]`` rules of policywatch.toml (diffing.lifecycle.PlanRules; defaults without a file)."""
    return read_config(ctx).plans


def plan_rules_settings(ctx: click.Context) -> dict[str, Any]:
    """The ``[plans]`` rules as crawl settings (how the Scrapy pipeline gets them)."""
    from crawler.lifecycle import PLAN_RULES_SETTING, rules_setting

    return {PLAN_RULES_SETTING: rules_setting(plan_rules(ctx))}


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs → settings; values read as JSON when they parse (numbers, true/false, lists)."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise CliError(f"bad setting {pair!r}: use NAME=VALUE, e.g. DOWNLOAD_DELAY=5")
        try:
            settings[name.strip()] = json.loads(value)
        except ValueError:
            settings[name.strip()] = {"True": True, "False": False}.get(value, value)
    return settings


@click.command("add")
@click.argument("targets", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--source", default="manual", show_default=True, help="Source name recorded with the documents.")
@click.option("--kind", default=None, help="Force a normaliser (wechat, miit, export, generic).")
@click.option("--url", default=None, help="Where a saved page was taken from (its address in the archive).")
@click.pass_context
def add_command(ctx: click.Context, targets: tuple[str, ...], source: str, kind: str | None,
                url: str | None) -> None:
    """Add saved pages, exports or URLs to the archive, compared with the tracked plans like crawled pages.

        policywatch add saved/article.html https://mp.weixin.qq.com/s/XXXX
    """
    from crawler.ingest import Ingestor
    from crawler.normalise import NormaliseError, load

    failures: list[str] = []
    with writing(ctx) as archive:
        ingestor = Ingestor(archive, rules=plan_rules(ctx))
        for target in targets:
            try:
                result = ingestor.ingest_document(load(target, kind=kind, url=url), source=source)
            except NormaliseError as exc:
                failures.append(f"{target}: {exc}")
                continue
            click.echo(_added_line(target, result))
    for line in failures[:-1]:
        click.echo(f"Error: {line}", err=True)
    if failures:
        raise CliError(failures[-1])


def _added_line(target: str, result: Any) -> str:
    relations = ", ".join(f"{plan}: {rel}" for plan, rel in result.relations.items()) or "no new comparison"
    alerts = f", {result.alerts} alert(s)" if result.alerts else ""
    return f"{result.outcome:<14} doc {result.document_id}  {target}  ({relations}{alerts})"


COMMANDS = [crawl_command, add_command]
