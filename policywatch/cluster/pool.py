"""The coordinator's view of its nodes: which are up, how busy, and which gets the next job.

Dispatch is a work queue: a node takes a job only while it has a free slot (at most
``slots`` of our jobs at once), and among nodes with a free slot the least loaded one wins
(pending + running from its daemonstatus, and our own jobs on it). A slow node therefore
only ever holds the jobs it is running; everything else flows to the nodes that free their
slots. A node that cannot be reached is marked down and its jobs go elsewhere; down nodes
are probed again in the background and rejoin when they answer.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from dataclasses import dataclass

from policywatch.cluster.errors import ClusterError, NodeError
from policywatch.cluster.nodes import NodeLoad, ScrapydNode


@dataclass
class NodeState:
    """What the pool knows about one node."""

    node: ScrapydNode
    up: bool = True
    ours: int = 0              # our jobs on it now
    assigned: int = 0          # our jobs given to it in this crawl
    load: NodeLoad | None = None
    reason: str = ""           # why it is down
    excluded: str = ""         # why it cannot take jobs at all in this crawl (e.g. project missing)

    def score(self) -> tuple[int, int, int, int]:
        """Lower is better: its whole queue, our jobs on it, how many it had from us in this crawl,
        then how many it has finished (so that idle nodes take turns across crawls)."""
        busy = max(self.load.busy if self.load else 0, self.ours)
        return busy, self.ours, self.assigned, self.load.finished if self.load else 0


class NodePool:
    """Hands out nodes to jobs; see the module docstring. Use ``async with``."""

    def __init__(self, nodes: list[ScrapydNode], *, slots: int = 2, probe_interval: float = 2.0,
                 wait_for_nodes: float = 60.0) -> None:
        if not nodes:
            raise ClusterError("no scrapyd nodes given")
        self.states = [NodeState(node) for node in nodes]
        self.slots = max(1, slots)
        self.probe_interval = probe_interval
        self.wait_for_nodes = wait_for_nodes
        self._changed = asyncio.Condition()
        self._prober: asyncio.Task[None] | None = None

    async def __aenter__(self) -> NodePool:
        await asyncio.gather(*(self._probe(state) for state in self.states))
        self._prober = asyncio.create_task(self._probe_forever())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._prober:
            self._prober.cancel()
            await asyncio.gather(self._prober, return_exceptions=True)

    @property
    def up(self) -> list[NodeState]:
        """The nodes currently reachable."""
        return [state for state in self.states if state.up]

    async def acquire(self, avoid: Collection[str] = ()) -> NodeState:
        """Wait for a node with a free slot (preferring ones not in ``avoid``) and take the slot.

        Raises ClusterError when no node has been reachable for ``wait_for_nodes`` seconds.
        """
        down_since: float | None = None
        async with self._changed:
            while True:
                state = self._pick(avoid)
                if state is not None:
                    state.ours += 1
                    state.assigned += 1
                    return state
                if not any(not s.excluded for s in self.states):
                    raise ClusterError("no node can run the jobs: " + "; ".join(s.excluded for s in self.states))
                if self.usable():
                    down_since = None
                else:
                    down_since = down_since or time.monotonic()
                    if time.monotonic() - down_since > self.wait_for_nodes:
                        reasons = "; ".join(s.reason or s.excluded for s in self.states)
                        raise ClusterError(f"no scrapyd node usable for {self.wait_for_nodes:.0f}s: {reasons}")
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout=self.probe_interval)
                except TimeoutError:
                    pass

    async def release(self, state: NodeState) -> None:
        """Give back a slot taken with :meth:`acquire`."""
        async with self._changed:
            state.ours = max(0, state.ours - 1)
            self._changed.notify_all()

    async def mark_down(self, state: NodeState, reason: str) -> None:
        """Stop sending jobs to a node until it answers a probe again."""
        async with self._changed:
            state.up, state.reason, state.load = False, reason, None
            self._changed.notify_all()

    def exclude(self, state: NodeState, reason: str) -> None:
        """Never give this node a job in this crawl (it is up but cannot run ours)."""
        state.excluded = reason

    def usable(self) -> list[NodeState]:
        """Nodes that are up and not excluded."""
        return [s for s in self.states if s.up and not s.excluded]

    def _pick(self, avoid: Collection[str]) -> NodeState | None:
        free = [s for s in self.usable() if s.ours < self.slots]
        preferred = [s for s in free if s.node.name not in avoid] or free
        return min(preferred, key=NodeState.score, default=None)

    async def _probe(self, state: NodeState) -> None:
        try:
            load = await state.node.load()
        except NodeError as exc:
            state.up, state.reason, state.load = False, str(exc), None
            return
        async with self._changed:
            was_up = state.up
            state.up, state.reason, state.load = True, "", load
            if not was_up:
                self._changed.notify_all()

    async def _probe_forever(self) -> None:
        while True:
            await asyncio.sleep(self.probe_interval)
            await asyncio.gather(*(self._probe(state) for state in self.states))
