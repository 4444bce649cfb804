"""``policywatch run``: the long-running service (or ``--once`` for cron and tests)."""
from __future__ import annotations

import click

from policywatch.cli.alerts import PartialFailure, load_settings, warn_unknown_plans
from policywatch.cli.common import CliError, db_path
from policywatch.cli.crawl import SETTING_HELP, parse_overrides
from policywatch.cli.opening import writing


@click.command("run")
@click.option("--once", is_flag=True, help="Run every due source once, deliver, and exit (for cron).")
@click.option("--sources", "sources_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Sources file (default: [schedule] sources in the config, else the shipped seeds/sources.toml).")
@click.option("--source", "names", multiple=True, metavar="NAME", help="Schedule only this source (repeatable).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP)
@click.option("--fast", is_flag=True, help="Politeness off (no delays): loopback mirrors and tests only.")
@click.option("-v", "--verbose", is_flag=True, help="Also log Scrapy, APScheduler and HTTP details.")
@click.option("--nodes", metavar="URL,URL", envvar="POLICYWATCH_NODES", default=None,
              help="Crawl on these scrapyd nodes (cluster mode; deploy first with `policywatch deploy`).")
@click.pass_context
def run_command(ctx: click.Context, once: bool, sources_file: str | None, names: tuple[str, ...],
                overrides: tuple[str, ...], fast: bool, verbose: bool, nodes: str | None) -> None:
    """Crawl every source on its interval and deliver alerts, until SIGTERM or Ctrl-C.

    Each source runs on its own `every`/`cron` schedule, never twice at once; runs
    missed while the service was stopped run once at start-up; alerts are delivered
    after each crawl and retried on [schedule] delivery_every. Only one `policywatch
    run` may use an archive at a time.

        policywatch --db pw.db --config policywatch.toml run
        policywatch --db pw.db run --once            # from cron: what is due, then exit
        policywatch --db pw.db run --nodes http://crawl1:6800,http://crawl2:6800
    """
    from policywatch.schedule import install_asyncio_reactor

    install_asyncio_reactor()  # before Scrapy (crawler.runner) is imported
    from crawler.lifecycle import PLAN_RULES_SETTING, rules_setting
    from crawler.runner import FAST_SETTINGS
    from crawler.sources import load_sources
    from policywatch.redact import log_to_stderr
    from policywatch.schedule import Service, default_crawl, run_lock, serve

    config, channels = load_settings(ctx)
    sources = load_sources(sources_file or config.schedule.sources, names=list(names))
    if not sources:
        raise CliError("no enabled sources to run")
    settings = {**config.watch.crawl_settings(), **(FAST_SETTINGS if fast else {}),
                PLAN_RULES_SETTING: rules_setting(config.plans), **parse_overrides(overrides)}
    log_to_stderr(config.redactor, verbose)
    with writing(ctx) as archive:  # run crawls, so it may create the archive; a non-SQLite file is an error
        warn_unknown_plans(config, archive)
    crawl = _cluster_crawl(nodes) if nodes else default_crawl()
    try:
        with run_lock(db_path(ctx)):
            service = Service(db_path=db_path(ctx), config=config, sources=sources, channels=channels,
                              crawl=crawl, crawl_settings=settings or None)
            status = serve(service, once=once)
    finally:
        for channel in channels:
            channel.close()
    if status == 1:
        raise PartialFailure("some sources could not be crawled (see the log above)")
    if status:
        raise CliError("policywatch run stopped unexpectedly (see the log above)")


def _cluster_crawl(nodes: str):
    """The crawl function for cluster mode: spiders run on scrapyd nodes, we ingest."""
    from policywatch.cluster.coordinator import cluster_crawl
    from policywatch.cluster.nodes import parse_node_urls

    return cluster_crawl(parse_node_urls([nodes]))


COMMANDS = [run_command]
