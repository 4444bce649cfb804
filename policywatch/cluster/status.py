"""What ``policywatch nodes`` shows: each node's reachability, load and deployed version."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from policywatch.cluster.errors import NodeError
from policywatch.cluster.nodes import ScrapydNode


@dataclass
class NodeReport:
    """One node's state as seen from here."""

    node: str
    up: bool = False
    error: str = ""
    pending: int = 0
    running: int = 0
    finished: int = 0
    version: str | None = None
    spiders: list[str] = field(default_factory=list)


async def node_report(url: str, project: str) -> NodeReport:
    """Ask one node for its load, the project's newest version and its spiders."""
    node = ScrapydNode(url)
    report = NodeReport(node.name)
    try:
        load = await node.load()
        report.up, report.pending, report.running, report.finished = True, load.pending, load.running, load.finished
        versions = await node.versions(project)
        if versions:
            report.version = versions[-1]
            report.spiders = await node.spiders(project)
    except NodeError as exc:
        report.error = str(exc)
    finally:
        await node.aclose()
    return report


async def node_reports(urls: list[str], project: str) -> list[NodeReport]:
    """:func:`node_report` for every node at once, in the order given."""
    return list(await asyncio.gather(*(node_report(url, project) for url in urls)))
