"""Cluster commands (issue 9): start a scrapyd node, deploy the project to nodes, check them.

    policywatch node ./node1 --port 6800            # run a crawl node (scrapyd) in ./node1
    policywatch deploy --node http://host1:6800 --node http://host2:6800
    policywatch nodes --node http://host1:6800,http://host2:6800

``policywatch run --nodes URL,URL`` then crawls on the nodes (see policywatch.cluster).
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import click

from policywatch.cli.common import CliError
from policywatch.cluster import deploy as deploying
from policywatch.cluster.nodeconf import NodeConfig, scrapyd_command, write_config
from policywatch.cluster.nodes import node_address, parse_node_urls
from policywatch.cluster.status import NodeReport, node_reports

_NODE_HELP = ("A scrapyd node URL (http://host:6800; user:password@ for basic auth). Repeat, or give a comma "
              "list. Also POLICYWATCH_NODES.")


def node_urls(values: tuple[str, ...]) -> list[str]:
    """``--node`` values (repeated and/or comma-separated) → checked, de-duplicated URLs."""
    if not any(value.strip(", ") for value in values):
        raise CliError("give at least one --node URL (or set POLICYWATCH_NODES)")
    return parse_node_urls(values)


@click.command()
@click.option("--node", "nodes", multiple=True, envvar="POLICYWATCH_NODES", help=_NODE_HELP)
@click.option("--project", default="policywatch", show_default=True, help="The scrapyd project name.")
@click.option("--version", "version", default=None, help="Version label (default: UTC time, so newest wins).")
@click.option("--egg", "egg_out", type=click.Path(dir_okay=False), default=None,
              help="Also write the built egg to this file.")
def deploy(nodes: tuple[str, ...], project: str, version: str | None, egg_out: str | None) -> None:
    """Package the Scrapy project as an egg and upload it to every scrapyd node.

    Nodes then run the policywatch spiders; the coordinator (`policywatch run --nodes`)
    pulls what they fetch and is the only writer of the archive.
    """
    urls = node_urls(nodes)
    version = version or deploying.default_version()
    egg = deploying.build_egg(project, version)
    if egg_out:
        try:
            Path(egg_out).write_bytes(egg)
        except OSError as exc:
            raise CliError(f"cannot write the egg to {egg_out}: {exc.strerror or exc}") from None
    results = asyncio.run(deploying.upload(urls, egg, project=project, version=version))
    for result in results:
        if result.error:
            click.echo(f"{result.node}: FAILED: {result.error}", err=True)
        else:
            click.echo(f"{result.node}: deployed {project} {version} ({result.spiders} spiders)")
    failed = [r for r in results if r.error]
    if failed:
        raise CliError(f"deploy failed on {len(failed)} of {len(results)} node(s)")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False), default="policywatch-node", required=False)
@click.option("--port", type=click.IntRange(1, 65535), default=6800, show_default=True)
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for other machines (then set --username/--password).")
@click.option("--max-proc", type=click.IntRange(0, 1000), default=0,
              help="Crawl processes at once (0: scrapyd's default, 4 per CPU).")
@click.option("--username", envvar="POLICYWATCH_NODE_USERNAME", default="", help="Basic-auth user for the node API.")
@click.option("--password", envvar="POLICYWATCH_NODE_PASSWORD", default="",
              help="Basic-auth password (better: POLICYWATCH_NODE_PASSWORD).")
@click.option("--write-only", is_flag=True, help="Write DIRECTORY/scrapyd.conf and exit instead of starting scrapyd.")
def node(directory: str, port: int, bind: str, max_proc: int, username: str, password: str, write_only: bool) -> None:
    """Run a crawl node: write DIRECTORY/scrapyd.conf and start scrapyd there.

    The node keeps uploaded eggs, job logs and items feeds in DIRECTORY. It never needs
    the archive; the coordinator pulls each job's items from it.
    """
    if bool(username) != bool(password):
        raise CliError("give both --username and --password, or neither")
    config = NodeConfig(port=port, bind=bind, max_proc=max_proc, username=username, password=password)
    try:
        path = write_config(directory, config)
    except OSError as exc:
        raise CliError(f"cannot write {directory}/scrapyd.conf: {exc.strerror or exc}") from None
    if write_only:
        click.echo(f"wrote {path}")
        return
    click.echo(f"starting scrapyd in {directory} on http://{bind}:{port} (Ctrl-C stops it)", err=True)
    os.chdir(directory)
    command = scrapyd_command()
    os.execv(command[0], command)


@click.command()
@click.option("--node", "nodes", multiple=True, envvar="POLICYWATCH_NODES", help=_NODE_HELP)
@click.option("--project", default="policywatch", show_default=True, help="The scrapyd project name.")
def nodes(nodes: tuple[str, ...], project: str) -> None:
    """Show each node: reachable or not, its jobs, and the deployed project version."""
    reports = asyncio.run(node_reports(node_urls(nodes), project))
    for report in reports:
        click.echo(_describe(report))
    if not any(report.up for report in reports):
        raise CliError("no node is reachable")


def _describe(report: NodeReport) -> str:
    if not report.up:
        return f"{node_address(report.node)}  DOWN  {report.error}"
    deployed = f"{report.version} ({', '.join(report.spiders)})" if report.version else "not deployed"
    return (f"{report.node}  up  pending {report.pending}  running {report.running}  "
            f"finished {report.finished}  {deployed}")


COMMANDS = [deploy, node, nodes]
