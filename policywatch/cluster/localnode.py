"""A scrapyd node on this machine, as a child process: for tests, benchmarks and trying out.

``LocalNode(directory)`` writes a policywatch node config (:mod:`nodeconf`) into the
directory, starts scrapyd there on a free 127.0.0.1 port in its own process group and
waits until its API answers. :meth:`kill` takes the whole group down at once (scrapyd and
the crawls it runs), which is what a machine dying looks like to the coordinator.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from policywatch.cluster.errors import ClusterError
from policywatch.cluster.nodeconf import NodeConfig, scrapyd_command, write_config


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (scrapyd cannot listen on port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalNode:
    """One scrapyd process in ``directory``; use as a context manager or call start/stop."""

    def __init__(self, directory: str | Path, *, max_proc: int = 2, poll_interval: float = 0.5,
                 env: dict[str, str] | None = None, username: str = "", password: str = "") -> None:
        self.directory = Path(directory)
        self.max_proc, self.poll_interval = max_proc, poll_interval
        self.env = env
        self.username, self.password = username, password
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The node's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, *, port: int | None = None) -> str:
        """Start scrapyd (on ``port``, or a free one) and wait for its API; returns the URL."""
        for _attempt in range(1 if port else 3):
            self.port = port or free_port()
            config = NodeConfig(port=self.port, max_proc=self.max_proc, poll_interval=self.poll_interval,
                                username=self.username, password=self.password)
            write_config(self.directory, config)
            with open(self.directory / "scrapyd.out", "ab") as out:
                self._process = subprocess.Popen([*scrapyd_command(), "--pidfile="], cwd=self.directory,
                                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                                 env={**os.environ, **(self.env or {})})
            if self._wait_ready(timeout):
                return self.url
            self.kill()
        raise ClusterError(f"scrapyd did not start in {self.directory} (see {self.directory / 'scrapyd.out'})")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                auth = (self.username, self.password) if self.username else None
                if httpx.get(f"{self.url}/daemonstatus.json", auth=auth, timeout=2).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL scrapyd and every crawl it started (the node "dies")."""
        self._signal_group(signal.SIGKILL)

    def stop(self) -> None:
        """Stop scrapyd and its crawls politely (SIGTERM), then make sure they are gone."""
        self._signal_group(signal.SIGTERM)

    def _signal_group(self, sig: int) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    @property
    def running(self) -> bool:
        """Whether the scrapyd process is alive."""
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> LocalNode:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
