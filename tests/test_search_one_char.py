"""One-character queries on a large archive: the newest matching documents first, an estimated count.

The archive here is made "large" by lowering ``store.search.ONE_CHAR_SCAN``; the oracle is
the brute-force scan ``char in fold(title) or char in fold(lead + body)``.
"""
from __future__ import annotations

import re

import pytest

from benchmarks.store_corpus import documents
from store import search
from store.archive import Archive
from store.documents import version_text
from store.model import Document
from store.textindex import fold


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("onechar") / "archive.db"
    with Archive(path) as opened:
        opened.save_many(list(documents(400, seed=3)))
        opened.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/radical", title="部首",
                             body="用康熙部首写的⽅案", content_hash="radical"))
        yield opened


@pytest.fixture
def small_scan(monkeypatch):
    monkeypatch.setattr(search, "ONE_CHAR_SCAN", 60)


def newest_matches(archive: Archive, char: str) -> list[int]:
    """Ids of every document whose current text contains ``char``, newest first (brute force)."""
    return sorted((doc["id"] for doc in archive.documents()
                   if char in fold(doc["title"] or "") or char in fold(version_text(doc))), reverse=True)


def test_a_common_character_lists_the_newest_matches_with_an_estimated_count(archive, small_scan):
    expected = newest_matches(archive, "的")
    first = archive.search("的", limit=10)
    second = archive.search("的", limit=10, offset=10)
    assert [hit["id"] for hit in first.hits + second.hits] == expected[:20]
    assert first.estimated and abs(first.total - len(expected)) <= 0.2 * len(expected)
    assert all("的" in "".join(text for text, marked in hit["snippet_parts"] if marked) for hit in first.hits)


def test_a_radical_form_is_found_as_the_character_it_folds_to(archive, small_scan):
    page = archive.search("方", limit=1)
    assert page.hits[0]["title"] == "部首" and page.estimated


def test_every_page_continues_the_one_before(archive, small_scan):
    """Pages the scan fills and pages the index fills are one newest-first list: no overlap, no gap."""
    expected = newest_matches(archive, "的")
    pages = [archive.search("的", limit=25, offset=offset) for offset in range(0, len(expected) + 25, 25)]
    assert [hit["id"] for page in pages for hit in page.hits] == expected
    assert pages[0].estimated and not pages[-1].estimated and pages[-1].total == len(expected)


def test_rare_characters_filters_and_deep_pages_stay_exact(archive, small_scan):
    counts = {}
    for doc in archive.documents():
        for char in set(fold(version_text(doc))):
            counts[char] = counts.get(char, 0) + 1
    rare = next(c for c, n in sorted(counts.items(), key=lambda kv: kv[1]) if "\u4e00" <= c <= "\u9fff" and n >= 2)
    page = archive.search(rare, limit=50)
    assert not page.estimated and page.total == len(newest_matches(archive, rare))
    assert [hit["id"] for hit in page.hits] == newest_matches(archive, rare)
    filtered = archive.search("的", limit=5, source="miit")
    assert not filtered.estimated
    deep = archive.search("的", limit=10, offset=300)
    assert not deep.estimated and deep.total == len(newest_matches(archive, "的"))


def test_small_archives_count_exactly(archive):
    page = archive.search("的")
    assert not page.estimated and page.total == len(newest_matches(archive, "的"))


def test_the_cli_and_the_web_say_the_count_is_an_estimate(archive, small_scan):
    """An analyst reading "about N (estimated)" knows the count is not exact; the API says so in a key."""
    from click.testing import CliRunner
    from fastapi.testclient import TestClient

    from policywatch.cli import group
    from policywatch.web import create_app

    result = CliRunner().invoke(group, ["--db", str(archive.path), "search", "的", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "1–5 of about" in result.stderr and "(estimated)" in result.stderr
    exact = CliRunner().invoke(group, ["--db", str(archive.path), "search", "部首"])
    assert re.search(r"^1–\d+ of \d+ documents$", exact.stderr, re.M) and "estimated" not in exact.stderr
    with TestClient(create_app(archive.path)) as client:
        assert client.get("/api/search", params={"q": "的"}).json()["estimated"] is True
        assert client.get("/api/search", params={"q": "部首"}).json()["estimated"] is False
        page = client.get("/search", params={"q": "的"}).text
        assert "about <strong class=\"total\">" in page and "(estimated)" in page
