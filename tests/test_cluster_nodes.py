"""The scrapyd side, against real scrapyd processes: node config, deploy, the API client, the CLI."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from policywatch.cluster.deploy import build_egg, upload
from policywatch.cluster.errors import NodeDown, NodeError
from policywatch.cluster.localnode import LocalNode, free_port
from policywatch.cluster.nodeconf import NodeConfig, write_config
from policywatch.cluster.nodes import ScrapydNode, node_address
from tests.support import processes

ROOT = Path(__file__).resolve().parents[1]


def run(coro):
    return asyncio.run(coro)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return processes.run([sys.executable, "-m", "policywatch", *args], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def egg() -> bytes:
    return build_egg("policywatch", "1")


@pytest.fixture
def node(tmp_path: Path):
    with LocalNode(tmp_path / "node") as started:
        yield started


def test_the_egg_carries_the_scrapy_project(egg: bytes) -> None:
    with zipfile.ZipFile(BytesIO(egg)) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "settings = crawler.settings" in entry_points
    for module in ("crawler/settings.py", "crawler/items.py", "crawler/spiders/__init__.py",
                   "store/archive.py", "policywatch/cluster/nodefeed.py"):
        assert module in names
    assert not any("__pycache__" in name or name.startswith("tests/") for name in names)


def test_building_the_egg_leaves_the_source_tree_alone() -> None:
    """No setup.py, build/ or *.egg-info appears in the checkout (scrapyd-deploy would add them)."""
    def build_outputs() -> dict[str, int]:
        return {path.name: path.stat().st_mtime_ns for path in ROOT.iterdir()
                if path.name in ("setup.py", "build", "dist") or path.name.endswith(".egg-info")}

    before = build_outputs()
    build_egg("policywatch", "2")
    assert build_outputs() == before


def test_deploy_then_the_node_lists_the_project(node: LocalNode, egg: bytes) -> None:
    results = run(upload([node.url], egg, project="policywatch", version="20260101000000"))
    assert [r.error for r in results] == [None]

    async def check():
        client = ScrapydNode(node.url)
        assert await client.versions("policywatch") == ["20260101000000"]
        assert results[0].spiders == len(await client.spiders("policywatch"))
        await client.aclose()

    run(check())


def test_node_load_and_unknown_jobs(node: LocalNode) -> None:
    client = ScrapydNode(node.url)

    async def check():
        load = await client.load()
        assert (load.pending, load.running, load.busy) == (0, 0, 0)
        assert await client.items("policywatch", "miit", "nope") is None
        with pytest.raises(NodeError, match="project 'policywatch' not found"):
            await client.schedule("policywatch", "miit", job="j1")
        await client.aclose()

    run(check())


def test_items_are_read_by_byte_ranges(node: LocalNode) -> None:
    feed = node.directory / "items" / "policywatch" / "feeds" / "job-1.jl"
    feed.parent.mkdir(parents=True)
    feed.write_bytes("第一行\n第二行\n".encode())
    client = ScrapydNode(node.url)

    async def check():
        assert await client.items("policywatch", "feeds", "job-1") == feed.read_bytes()
        assert await client.items("policywatch", "feeds", "job-1", offset=10) == "第二行\n".encode()
        assert await client.items("policywatch", "feeds", "job-1", offset=10, limit=3) == "第".encode()
        assert await client.items("policywatch", "feeds", "job-1", offset=len(feed.read_bytes())) == b""
        await client.aclose()

    run(check())


def test_an_unreachable_node_is_down_not_an_api_error() -> None:
    client = ScrapydNode(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(NodeDown, match="unreachable"):
        run(client.load())


def test_node_urls_never_show_credentials() -> None:
    node = ScrapydNode("http://ops:s3cret@10.0.0.5:6800/")
    assert node.name == "http://10.0.0.5:6800"
    assert "s3cret" not in repr(node)
    assert node_address("https://u:p@h.example") == "https://h.example"


def test_basic_auth_nodes(tmp_path: Path) -> None:
    with LocalNode(tmp_path / "n", username="ops", password="s3cret") as node:
        with pytest.raises(NodeError, match="401"):
            run(ScrapydNode(node.url).load())
        assert run(ScrapydNode(f"http://ops:s3cret@127.0.0.1:{node.port}").load()).busy == 0


def _wait_http(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_generated_config_turns_on_the_items_feed(tmp_path: Path) -> None:
    path = write_config(tmp_path / "n", NodeConfig(port=6801, max_proc=3, password="x", username="u"))
    text = path.read_text()
    assert "items_dir         = items" in text and "http_port         = 6801" in text
    assert "max_proc          = 3" in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"


# --- the CLI ---------------------------------------------------------------------------
def test_cli_deploy_to_two_nodes(tmp_path: Path) -> None:
    with LocalNode(tmp_path / "a") as a, LocalNode(tmp_path / "b") as b:
        result = cli("deploy", "--node", f"{a.url},{b.url}", "--version", "20260102000000",
                     "--egg", str(tmp_path / "pw.egg"))
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("deployed policywatch 20260102000000") == 2
        assert zipfile.is_zipfile(tmp_path / "pw.egg")
        status = cli("nodes", "--node", a.url, "--node", b.url)
        assert status.returncode == 0, status.stderr
        assert status.stdout.count("  up  ") == 2 and "20260102000000" in status.stdout


def test_cli_deploy_reports_a_dead_node_in_one_line(node: LocalNode) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = cli("deploy", "--node", node.url, "--node", dead)
    assert result.returncode == 2
    assert "deployed policywatch" in result.stdout
    assert f"{dead}: FAILED" in result.stderr
    assert "deploy failed on 1 of 2 node(s)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", [
    (("deploy",), "give at least one --node URL"),
    (("deploy", "--node", "ftp://host:21"), "not a scrapyd node URL"),
    (("deploy", "--node", "http://u:pw@:99999"), "not a scrapyd node URL"),
    (("node", "--username", "u", "--write-only"), "both --username and --password"),
    (("node", "/proc/no/such/dir", "--write-only"), "cannot write /proc/no/such/dir/scrapyd.conf"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = cli(*args, env={"POLICYWATCH_NODES": ""})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "pw" not in result.stderr.replace("policywatch", "")


def test_cli_node_writes_its_config(tmp_path: Path) -> None:
    result = cli("node", str(tmp_path / "n1"), "--port", "6899", "--max-proc", "2", "--write-only",
                 env={"POLICYWATCH_NODE_USERNAME": "ops", "POLICYWATCH_NODE_PASSWORD": "s3cret"})
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "n1" / "scrapyd.conf").read_text()
    assert "http_port         = 6899" in text and "password          = s3cret" in text
    assert "s3cret" not in result.stdout + result.stderr


def test_nodes_import_the_project_from_the_egg_not_from_this_checkout(egg: bytes, tmp_path: Path) -> None:
    """scrapyd's runner activates the egg; our packages and the node spiders must come from it."""
    path = tmp_path / "policywatch.egg"
    path.write_bytes(egg)
    code = (f"from scrapyd.runner import activate_egg; activate_egg({str(path)!r}); import os, crawler.settings, "
            "policywatch.cluster.nodespiders as n; print(crawler.settings.__file__); print(n.__file__); "
            "print(os.environ['SCRAPY_SETTINGS_MODULE'])")
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    settings_file, spiders_file, module = result.stdout.split()
    assert settings_file.startswith(str(path)) and spiders_file.startswith(str(path))
    assert module == "crawler.settings"


def test_cli_node_starts_a_working_scrapyd(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "policywatch", "node", str(tmp_path / "n"), "--port", str(port),
                                "--max-proc", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        _wait_http(f"http://127.0.0.1:{port}/daemonstatus.json")
        assert httpx.get(f"http://127.0.0.1:{port}/daemonstatus.json").json()["status"] == "ok"
        assert (tmp_path / "n" / "scrapyd.conf").is_file()
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


def test_cli_nodes_shows_down_nodes_and_fails_only_when_none_answers(node: LocalNode) -> None:
    dead = f"http://ops:s3cret@127.0.0.1:{free_port()}"
    result = cli("nodes", "--node", f"{node.url},{dead}")
    assert result.returncode == 0, result.stderr
    up, down = result.stdout.splitlines()
    assert up.startswith(f"{node.url}  up  pending 0") and up.endswith("not deployed")
    assert "  DOWN  " in down and "unreachable" in down and "s3cret" not in result.stdout
    none = cli("nodes", "--node", dead)
    assert none.returncode == 2 and "no node is reachable" in none.stderr
