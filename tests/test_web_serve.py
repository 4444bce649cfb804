"""``policywatch serve`` as a real process: loopback by default, a token elsewhere, clean errors."""
from __future__ import annotations

import socket
import subprocess

import httpx
import pytest
from click.testing import CliRunner

from policywatch.cli import group
from tests.browser.sample_archive import build
from tests.browser.server import running_server, serve_command

TOKEN = "serve-test-token-123"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("serve") / "archive.db")


def run_serve(db_path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``policywatch serve`` as a real process (for what must hold end to end)."""
    return subprocess.run(serve_command(db_path, *args), capture_output=True, text=True, timeout=60, env=env)


def invoke_serve(db_path, *args: str):
    """``policywatch serve`` in this process (fast, for error paths that stop before serving)."""
    return CliRunner().invoke(group, ["--db", str(db_path), "serve", *args])


def test_serves_the_inbox_on_loopback_and_stops_on_sigterm(sample):
    with running_server(sample.path) as server:
        assert server.url.startswith("http://127.0.0.1:")
        inbox = httpx.get(server.url + "/")
        assert inbox.status_code == 200 and "工信观察" in inbox.text
        process = server.process
    assert process.returncode == 0


def test_refuses_a_public_address_without_a_token(sample):
    done = run_serve(sample.path, "--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 2
    assert "--token" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_public_address_with_a_token_requires_it_and_never_prints_it(sample):
    with running_server(sample.path, "--host", "0.0.0.0", env={"POLICYWATCH_TOKEN": TOKEN}) as server:
        url = server.url.replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(url + "/").status_code == 401
        assert httpx.get(url + "/", auth=("analyst", TOKEN)).status_code == 200
        assert "token required" in server.banner and TOKEN not in server.banner


def test_missing_archive_is_a_one_line_error_and_creates_nothing(tmp_path):
    missing = tmp_path / "nope.db"
    done = invoke_serve(missing, "--port", "0")
    assert done.exit_code == 2 and "no archive at" in done.output and "Traceback" not in done.output
    assert not missing.exists()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    done = invoke_serve(junk, "--port", "0")
    assert done.exit_code == 2 and done.output.startswith("Error: ") and "Traceback" not in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_a_busy_port_is_a_one_line_error(sample):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        done = invoke_serve(sample.path, "--port", str(taken.getsockname()[1]))
    assert done.exit_code == 2 and "cannot listen on 127.0.0.1" in done.output
