"""Run ``policywatch serve`` as a real subprocess on a free port and stop it cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT = 30.0


@dataclass
class Server:
    """A running ``policywatch serve``: its URL and process."""

    url: str
    process: subprocess.Popen
    banner: str


def serve_command(db_path: Path, *args: str) -> list[str]:
    """The command line of ``policywatch --db DB serve ARGS``."""
    return [sys.executable, "-m", "policywatch", "--db", str(db_path), "serve", *args]


@contextmanager
def running_server(db_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``serve --port 0`` (plus ``args``), wait for its banner URL, stop it with SIGTERM."""
    process = subprocess.Popen(serve_command(db_path, "--port", "0", *args), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    try:
        banner = process.stdout.readline()
        if "serving" not in banner:
            process.kill()
            raise RuntimeError(f"serve did not start: {banner}{process.stderr.read()}")
        url = banner.rsplit(" at ", 1)[1].split()[0].rstrip("/")
        _wait_until_up(url, process)
        yield Server(url=url, process=process, banner=banner)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        process.stderr.close()


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    """Poll the static stylesheet until the server answers (any status) or the timeout passes."""
    with httpx.Client(timeout=2.0) as client:
        for _ in range(int(START_TIMEOUT * 10)):
            if process.poll() is not None:
                raise RuntimeError(f"serve exited: {process.stderr.read()}")
            try:
                client.get(f"{url}/static/style.css")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise RuntimeError("serve did not answer in time")
