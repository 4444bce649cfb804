"""sources.toml: the shipped defaults load, and every kind of mistake is one clear line (exit 2 in the CLI)."""
from __future__ import annotations

import json
import sys

import pytest

from crawler.sources import DEFAULT_SOURCES_PATH, Source, SourcesError, load_sources, parse_duration
from store.archive import Archive
from tests.support import processes
from tests.support.crawl import ROOT, write_sources


def test_shipped_sources_cover_the_issue():
    sources = load_sources()
    names = {s.name for s in sources}
    urls = " ".join(s.url for s in sources)
    assert DEFAULT_SOURCES_PATH.exists()
    for column in ("/zwgk/zcjd/", "/zwgk/wjgs/", "/gzcy/yjzj/", "search-front-server/api/search/info",
                   "jpaas-plugins-web-server/front/rss/getinfo"):
        assert column in urls, column
    assert sum("/wjfb/" in s.url for s in sources) >= 2
    feeds = [s for s in sources if s.kind == "feed" and "mp.weixin.qq.com" in s.follow]
    assert len(feeds) >= 2 and any("doonsec" in s.url for s in feeds)
    assert len(names) == len(sources)
    assert not any(s.allow_private for s in sources)


def test_fields_and_defaults(tmp_path):
    path = write_sources(tmp_path, [{"name": "a", "kind": "feed", "url": "https://x.example/rss",
                                     "every": "30m", "follow": ["MP.weixin.qq.com"], "recheck": "2h"}])
    [source] = load_sources(path)
    assert source == Source(name="a", kind="feed", url="https://x.example/rss", every="30m",
                            follow=("mp.weixin.qq.com",), recheck="2h")
    assert source.every_seconds == 1800 and source.recheck_seconds == 7200
    assert source.hosts == {"x.example", "mp.weixin.qq.com"}
    assert Source.from_dict(source.to_dict()) == source


@pytest.mark.parametrize(("table", "message"), [
    ({"name": "a", "kind": "rss", "url": "https://x.example/"}, "'kind' must be one of miit, feed, page"),
    ({"name": "a", "kind": "feed"}, "'url' is required"),
    ({"name": "a", "kind": "feed", "url": "ftp://x/"}, "http(s) URL"),
    ({"name": "a b", "kind": "feed", "url": "https://x/"}, "'name' must be"),
    ({"name": "a", "kind": "feed", "url": "https://x/", "every": "often"}, "'every': bad duration"),
    ({"name": "a", "kind": "feed", "url": "https://x/", "cron": "* *"}, "five-field"),
    ({"name": "a", "kind": "feed", "url": "https://x/", "follow": "bad host!"}, "'follow' must be"),
    ({"name": "a", "kind": "feed", "url": "https://x/", "allow_private": "yes"}, "must be true or false"),
    ({"name": "a", "kind": "feed", "url": "https://x/", "folow": ["x"]}, "unknown key(s) folow"),
    ({"name": "a", "kind": "page", "url": "http://127.0.0.1:8000/"}, "set allow_private = true"),
    ({"name": "a", "kind": "page", "url": "http://10.1.2.3/"}, "private/loopback"),
    ({"name": "a", "kind": "miit", "url": "https://x/", "max_pages": 0}, "'max_pages'"),
])
def test_bad_sources_name_the_problem(tmp_path, table, message):
    path = write_sources(tmp_path, [table])
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert message in str(info.value)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_duplicates_unknown_names_bad_toml_missing_file(tmp_path):
    same = {"name": "a", "kind": "feed", "url": "https://x/"}
    with pytest.raises(SourcesError, match="duplicate name 'a'"):
        load_sources(write_sources(tmp_path, [same, same]))
    path = write_sources(tmp_path, [same], name="one.toml")
    with pytest.raises(SourcesError, match="no source named nope"):
        load_sources(path, names=["nope"])
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\nname=", encoding="utf-8")
    with pytest.raises(SourcesError, match="invalid TOML"):
        load_sources(bad)
    with pytest.raises(SourcesError, match="not found"):
        load_sources(tmp_path / "missing.toml")
    with pytest.raises(SourcesError, match="no \\[\\[source\\]\\] tables"):
        load_sources(write_sources(tmp_path, [], name="empty.toml"))


def test_disabled_sources_are_skipped_unless_named(tmp_path):
    path = write_sources(tmp_path, [{"name": "on", "kind": "feed", "url": "https://x/"},
                                    {"name": "off", "kind": "feed", "url": "https://y/", "enabled": False}])
    assert [s.name for s in load_sources(path)] == ["on"]
    assert [s.name for s in load_sources(path, names=["off"])] == ["off"]


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("2h", 7200), ("1d", 86400), (" 45 s ", 45)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_cli_bad_sources_file_is_one_line_exit_2(tmp_path):
    path = write_sources(tmp_path, [{"name": "a", "kind": "nope", "url": "https://x/"}])
    for args in (["--sources", str(path)], ["--sources", str(tmp_path / "missing.toml")],
                 ["--source", "no-such-source"], ["--sources", str(path), "-s", "nonsense"]):
        result = processes.run([sys.executable, "-m", "policywatch", "--db", str(tmp_path / "a.db"), "crawl",
                                *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_cli_bad_archive_is_one_line_exit_2_and_untouched(tmp_path):
    not_an_archive = tmp_path / "notes.db"
    not_an_archive.write_text("my notes, not a database", encoding="utf-8")
    sources = write_sources(tmp_path, [{"name": "a", "kind": "page", "url": "http://127.0.0.1:9/",
                                        "allow_private": True}])
    for db in (not_an_archive, tmp_path / "missing-dir" / "a.db"):
        result = processes.run([sys.executable, "-m", "policywatch", "--db", str(db), "crawl", "--sources",
                                str(sources)], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and str(db) in result.stderr
    assert not_an_archive.read_text(encoding="utf-8") == "my notes, not a database"


def test_cli_list_shows_sources_and_crawls_nothing(tmp_path):
    sources = write_sources(tmp_path, [{"name": "feed-a", "kind": "feed", "url": "https://feeds.example/a.xml",
                                        "every": "30m", "follow": ["mp.weixin.qq.com"]},
                                       {"name": "col-b", "kind": "miit", "url": "https://www.miit.gov.cn/x/index.html",
                                        "cron": "0 8 * * 1-5"}])
    base = [sys.executable, "-m", "policywatch", "--db", str(tmp_path / "a.db"), "crawl", "--sources", str(sources),
            "--list"]
    missing = processes.run(base, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert missing.returncode == 2 and "no archive at" in missing.stderr  # listing never creates the archive
    assert not (tmp_path / "a.db").exists()
    Archive(tmp_path / "a.db").close()
    text = processes.run(base, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "feed-a" in text.stdout and "every 30m" in text.stdout and "follow: mp.weixin.qq.com" in text.stdout
    assert "cron 0 8 * * 1-5" in text.stdout and text.stdout.count("never run") == 2
    listed = processes.run([*base, "--format", "json"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert [row["name"] for row in json.loads(listed.stdout)] == ["feed-a", "col-b"]
