"""A real ``policywatch serve`` on loopback against DNS rebinding, huge bodies and archives it must not change.

* DNS rebinding: a page on ``evil.example`` whose name now points at 127.0.0.1 sends
  ``Host: evil.example``; a token-less server answers only its own names (421 otherwise),
  so the page can neither read the archive nor mark alerts reviewed, and feed links come
  from the bound address or ``base_url``, never from the request.
* A 300 MB body (declared or chunked) is answered 413 without being read; the server's
  peak memory stays where it was.
* ``serve`` opens the archive read-only: a 0-byte file is refused and stays 0 bytes, a
  read-only archive is searchable and unchanged, and an error reading a damaged archive is
  a clean 500 with one log line, no traceback.
"""
from __future__ import annotations

import hashlib
import os
import select
import signal
import socket
import sqlite3
import stat
import subprocess
import time
from urllib.parse import urlsplit

import httpx
import pytest

from store.archive import Archive
from tests.browser.sample_archive import build
from tests.browser.server import running_server, serve_command

BASE_URL = "https://review.example/pw"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hosts") / "archive.db")


@pytest.fixture(scope="module")
def server(sample):
    with running_server(sample.path, "--base-url", BASE_URL) as running:
        yield running


def _port(url: str) -> int:
    return urlsplit(url).port


def _reviewed(path) -> list:
    with Archive(path, read_only=True) as archive:
        return [a.reviewed_at for a in archive.alerts(limit=100)]


def _stop(process) -> str:
    """Stop a running serve (SIGTERM) and return everything it wrote on stderr."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    return process.stderr.read()


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory (VmHWM) in kB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def test_a_rebound_host_is_refused(server):
    port = _port(server.url)
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"localhost:{port + 1}",
                 "", "127.0.0.1:notaport", f"user@127.0.0.1:{port}"):
        for path in ("/api/stats", "/", "/alerts.atom", "/api/alerts"):
            answer = httpx.get(server.url + path, headers={"Host": host})
            assert answer.status_code in (400, 421), (host, path, answer.status_code)
            assert "工信" not in answer.text


def test_own_names_and_the_base_url_host_are_served(server):
    port = _port(server.url)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", "review.example",
                 "review.example:443"):
        assert httpx.get(server.url + "/api/alerts", headers={"Host": host}).status_code == 200, host


def test_a_rebound_page_cannot_mark_alerts_reviewed(sample, server):
    before = _reviewed(sample.path)
    port = _port(server.url)
    with Archive(sample.path, read_only=True) as archive:
        ids = ",".join(str(a.id) for a in archive.alerts(limit=100))
    rebound = httpx.post(server.url + "/alerts/review", data={"ids": ids, "reviewed": "1"}, follow_redirects=False,
                         headers={"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}",
                                  "Sec-Fetch-Site": "same-origin"})
    assert rebound.status_code == 421
    foreign_origin = httpx.post(server.url + "/alerts/review", data={"ids": ids, "reviewed": "1"},
                                follow_redirects=False,
                                headers={"Origin": f"http://evil.example:{port}", "Sec-Fetch-Site": "same-origin"})
    assert foreign_origin.status_code == 403
    assert _reviewed(sample.path) == before


def test_the_review_form_still_works_from_the_page_itself(sample, server):
    with Archive(sample.path, read_only=True) as archive:
        alert_id = archive.alerts(limit=1)[0].id
    done = httpx.post(f"{server.url}/alerts/{alert_id}/review", data={"reviewed": "1"}, follow_redirects=False,
                      headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 303
    assert _reviewed(sample.path).count(None) < len(_reviewed(sample.path))
    undone = httpx.post(f"{server.url}/alerts/{alert_id}/review", data={"reviewed": "0"}, follow_redirects=False)
    assert undone.status_code == 303


def test_feed_links_never_come_from_the_request_host(sample):
    with running_server(sample.path) as plain:
        port = _port(plain.url)
        feed = httpx.get(plain.url + "/alerts.atom", headers={"Host": f"localhost:{port}"}).text
    assert f"http://127.0.0.1:{port}/alerts/" in feed and "localhost" not in feed


def test_feed_links_use_base_url(server):
    feed = httpx.get(server.url + "/alerts.atom", headers={"Host": "review.example"}).text
    assert f"{BASE_URL}/alerts/" in feed and "127.0.0.1" not in feed


def _post_head(port: int, extra: str) -> bytes:
    return (f"POST /alerts/review HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n{extra}\r\n").encode()


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def test_a_300_mb_declared_body_is_refused_unread(server):
    port = _port(server.url)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(_post_head(port, f"Content-Length: {300 * 2**20}\r\n"))
        conn.sendall(b"ids=" + b"1," * 4096)
        reply = conn.recv(65536)
    assert _status(reply) == 413 and time.monotonic() - started < 5


def test_a_300_mb_chunked_body_is_refused_before_it_is_read_whole(server):
    port = _port(server.url)
    peak_before = _peak_kb(server.process.pid)
    chunk = b"ids=" + b"1," * 32766
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent, reply = 0, b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(_post_head(port, "Transfer-Encoding: chunked\r\n"))
        while sent < 300 * 2**20 and not reply:
            try:
                conn.sendall(framed)
            except OSError:
                break
            sent += len(chunk)
            if select.select([conn], [], [], 0)[0]:
                reply = conn.recv(65536)
        reply = reply or conn.recv(65536)
    assert _status(reply) == 413
    assert sent < 20 * 2**20, f"{sent} bytes sent before the refusal"
    assert _peak_kb(server.process.pid) - peak_before < 50_000


def test_serve_refuses_an_empty_file_and_leaves_it_empty(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    done = subprocess.run(serve_command(empty, "--port", "0"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "archive" in done.stderr
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_read_only_archive_is_searchable_and_unchanged(tmp_path):
    sample = build(tmp_path / "ro.db")
    with sqlite3.connect(sample.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in tmp_path.glob("ro.db-*"):
        leftover.unlink()
    os.chmod(sample.path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = (_digest(sample.path), sample.path.stat().st_mtime_ns)
    with running_server(sample.path) as ro:
        found = httpx.get(ro.url + "/search", params={"q": "算力"})
        api = httpx.get(ro.url + "/api/alerts")
        stderr = _stop(ro.process)
    assert found.status_code == 200 and "算力" in found.text
    assert api.status_code == 200 and api.json()["alerts"]
    assert (_digest(sample.path), sample.path.stat().st_mtime_ns) == before
    assert "readonly" not in stderr and "Traceback" not in stderr


def test_a_damaged_archive_is_a_clean_500_and_one_log_line(tmp_path):
    sample = build(tmp_path / "damaged.db")
    with sqlite3.connect(sample.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size, pages = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    with open(sample.path, "r+b") as damaged:
        damaged.seek(page_size * (pages // 2))
        damaged.write(b"\x5a" * page_size * (pages // 2 - 1))
    with running_server(sample.path) as broken:
        answer = httpx.get(f"{broken.url}/documents/{sample.notice_id}")
        stderr = _stop(broken.process)
    assert answer.status_code == 500 and "Traceback" not in answer.text
    errors = [line for line in stderr.splitlines() if "Ctrl+C" not in line]
    assert errors == [f"unexpected error on /documents/{sample.notice_id}: DatabaseError: "
                      "database disk image is malformed"], stderr
