"""Manual fetches (``normalise URL``, ``add URL``, ``diff URL``) keep the crawler's limits, for real.

A loopback server serves a 1 MB gzip bomb (1 GB unpacked), a body over the size cap
with and without a Content-Length, a page dripping a chunk every 0.2 s for ever, and
redirects to another loopback port. Each command runs as a real process; its peak
memory comes from ``os.wait4`` (the kernel's own figure).
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.normalise.fetch import FETCH_MAX_BYTES
from tests.chaos.pages import ROOT

PAGE = ("<html><head><title>关于推进工业互联网发展的通知</title></head><body><div id='js_content'>"
        "<p>各地工业和信息化主管部门：为推进工业互联网创新发展，现将有关事项通知如下。</p></div></body></html>")
#: Runs a command and writes its peak resident kB to the file named first: measured from a small
#: parent, because a child started straight from pytest inherits pytest's own high-water mark.
PEAK_WRAPPER = ("import pathlib, resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
                "pathlib.Path(sys.argv[1]).write_text(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
                "sys.exit(code)")


@functools.cache
def _gzip_bomb(unpacked_mb: int = 1024) -> bytes:
    """About 1 MB of gzip that unpacks to ``unpacked_mb`` MB of zeros (built without holding them,
    once, by the ``site`` fixture rather than at import: packing takes ~4 s of CPU)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 2**20
    return b"".join(packer.compress(block) for _ in range(unpacked_mb)) + packer.flush()



def _handler(other_port: list[int]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            route = {"/bomb": self._bomb, "/big": self._big, "/big-chunked": self._big_chunked,
                     "/drip": self._drip, "/page": self._page, "/to-other-port": self._to_other_port,
                     "/to-self": self._to_self}[self.path]
            route()

        def _head(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def _bomb(self) -> None:
            self._head(200, {"Content-Type": "text/html", "Content-Encoding": "gzip",
                             "Content-Length": str(len(_gzip_bomb()))})
            self._write(_gzip_bomb())

        def _big(self) -> None:
            self._head(200, {"Content-Type": "text/html", "Content-Length": str(FETCH_MAX_BYTES + 10)})
            self._write(b"<p>" + b"x" * (FETCH_MAX_BYTES + 7))

        def _big_chunked(self) -> None:
            self._head(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
            block = b"x" * 2**20
            for _ in range(FETCH_MAX_BYTES // len(block) + 5):
                if not self._write(f"{len(block):x}\r\n".encode() + block + b"\r\n"):
                    return
            self._write(b"0\r\n\r\n")

        def _drip(self) -> None:
            self._head(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
            for _ in range(600):
                if not self._write(b"3\r\n<p>\r\n"):
                    return
                time.sleep(0.2)

        def _page(self) -> None:
            body = PAGE.encode()
            self._head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))})
            self._write(body)

        def _to_other_port(self) -> None:
            self._head(302, {"Location": f"http://localhost:{other_port[0]}/page", "Content-Length": "0"})

        def _to_self(self) -> None:
            self._head(302, {"Location": "/page", "Content-Length": "0"})

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
                return True
            except OSError:
                return False

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print the resets the refusing client causes."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-body are the point of these tests."""


@contextmanager
def _servers() -> Iterator[tuple[str, list[str]]]:
    """The hostile site, and a second loopback service counting the requests it gets."""
    hits: list[str] = []

    class Other(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            hits.append(self.path)
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            pass

    other = _QuietServer(("127.0.0.1", 0), Other)
    site = _QuietServer(("127.0.0.1", 0), _handler([other.server_address[1]]))
    for server in (site, other):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}", hits
    finally:
        for server in (site, other):
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def site():
    _gzip_bomb()  # packed before any test times a fetch of it
    with _servers() as running:
        yield running


def run(*args: str, db=None) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``policywatch ARGS``: (result, seconds, peak resident MB of that process)."""
    command = [sys.executable, "-m", "policywatch", *(["--db", str(db)] if db else []), *args]
    with tempfile.TemporaryDirectory() as scratch:
        peak = Path(scratch) / "peak"
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, str(peak), *command], capture_output=True,
                              text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.monotonic() - started
        peak_mb = int(peak.read_text()) / 1024
    return subprocess.CompletedProcess(command, done.returncode, done.stdout, done.stderr), seconds, peak_mb


def _refused(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode != 0, done.stdout[:300]
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert words in done.stderr, done.stderr


def test_a_gzip_bomb_fails_fast_in_little_memory(site):
    base, _ = site
    done, seconds, peak_mb = run("normalise", f"{base}/bomb")
    _refused(done, "too large")
    assert seconds < 5, seconds
    assert peak_mb < 200, peak_mb


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_a_body_over_the_cap_is_refused(site, path):
    base, _ = site
    done, seconds, peak_mb = run("normalise", f"{base}{path}")
    _refused(done, "too large")
    assert peak_mb < 200, peak_mb


def test_a_dripping_page_fails_at_the_deadline(site):
    base, _ = site
    done, seconds, _ = run("normalise", "--timeout", "2", f"{base}/drip")
    _refused(done, "cannot fetch")
    assert 1.5 < seconds < 6, seconds


def test_add_url_shares_the_limits(site, tmp_path):
    """(``add`` and ``diff`` import the whole ingest path: their start-up alone can take seconds under load.)"""
    base, _ = site
    done, seconds, peak_mb = run("add", f"{base}/bomb", db=tmp_path / "a.db")
    assert done.returncode != 0 and "too large" in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert seconds < 15 and peak_mb < 200, (seconds, peak_mb)


def test_diff_url_shares_the_limits(site, tmp_path):
    base, _ = site
    done, seconds, peak_mb = run("diff", f"{base}/page", f"{base}/bomb")
    assert done.returncode != 0 and "too large" in done.stderr and "Traceback" not in done.stderr
    assert seconds < 15 and peak_mb < 200, (seconds, peak_mb)


def test_a_redirect_to_another_private_port_is_refused(site):
    base, hits = site
    done, _, _ = run("normalise", f"{base}/to-other-port")
    _refused(done, "private address")
    assert hits == []


def test_a_redirect_on_the_named_host_and_port_is_followed(site):
    base, _ = site
    done, _, _ = run("normalise", f"{base}/to-self")
    assert done.returncode == 0, done.stderr
    assert "工业互联网" in done.stdout
