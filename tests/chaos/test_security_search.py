"""SQL and FTS5 query syntax typed into search gives results or a clean error, never a crash.

The archive API (``Archive.search``), the JSON API and the search page, and the
``policywatch search`` command all get injection attempts and hypothesis-generated
queries made of FTS5 operators; the archive is unchanged afterwards.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import strategies as st

from policywatch.web import create_app
from store.archive import Archive
from store.errors import ArchiveError, SearchError
from tests.chaos import hostile
from tests.chaos.fuzzing import fuzz, fuzz_variants
from tests.support import processes

ROOT = Path(__file__).resolve().parents[2]
INJECTIONS = (
    "'; DROP TABLE documents; --", '" OR 1=1 --', "工业 OR 1=1", "NEAR(工业 互联网, 2)", "title:工业", "{title body}: x",
    "工业*", "^工业", '"工业', "工业\"", "(工业", "工业)", "AND", "OR NOT", "* * *", "rowid:1", "versions_fts",
    "\x00", "%", "_", "\\", "''", "' UNION SELECT body FROM versions --", "1; ATTACH DATABASE '/tmp/x' AS x",
    "a" * 5000, "工" * 3000, "　", "", " ", "<script>", "MATCH 'x'", "-工业", "+工业", "工业 -互联网",
)
FTS_BITS = st.sampled_from(['"', "'", "(", ")", "*", "^", ":", "-", "+", "NEAR", "AND", "OR", "NOT", "{", "}",
                            ";", "--", "/*", "%", "_", " ", "　", "工业", "互联网", "5G", "title", "rowid", "\\", "\x00"])
QUERIES = st.one_of(st.lists(FTS_BITS, max_size=12).map("".join), st.text(max_size=40))
VARIANTS = fuzz_variants()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("search") / "search.db").path


def _fingerprint(path: Path) -> tuple:
    with Archive(path) as archive:
        return tuple(archive.scalar(f"SELECT count(*) FROM {t}") for t in ("documents", "versions", "alerts"))


def test_archive_search_gives_results_or_a_clean_error(archive_path):
    before = _fingerprint(archive_path)
    with Archive(archive_path) as archive:
        for query in INJECTIONS:
            try:
                page = archive.search(query)
            except (SearchError, ArchiveError) as exc:
                assert "\n" not in str(exc) and str(exc), query
                continue
            assert page.total >= 0
        assert archive.search("工业互联网").total > 0, "a plain query still works after the attempts"
    assert _fingerprint(archive_path) == before


@pytest.fixture(scope="module")
def client(archive_path):
    with TestClient(create_app(archive_path), raise_server_exceptions=False) as client:
        yield client


def test_search_api_and_page_never_fail(client, archive_path):
    before = _fingerprint(archive_path)
    for query in INJECTIONS:
        for path in ("/api/search", "/search"):
            response = client.get(path, params={"q": query})
            assert response.status_code in (200, 400, 422), (path, query, response.status_code)
            assert "Traceback" not in response.text
    assert _fingerprint(archive_path) == before


@pytest.mark.parametrize("variant", VARIANTS)
def test_search_api_fuzzed(client, variant):
    def check(query: str) -> None:
        response = client.get("/api/search", params={"q": query})
        assert response.status_code in (200, 400, 422), (query, response.status_code, response.text[:200])

    fuzz("search-api", variant, [QUERIES], check)


def test_search_command_gives_one_line_errors(archive_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for query in ("'; DROP TABLE documents; --", '"工业', "NEAR(工业"):
        done = processes.run([sys.executable, "-m", "policywatch", "--db", str(archive_path), "search", query],
                             capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
        assert "Traceback" not in done.stderr, (query, done.stderr)
        assert done.returncode in (0, 2), (query, done.returncode, done.stderr)
        if done.returncode == 2:
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr
