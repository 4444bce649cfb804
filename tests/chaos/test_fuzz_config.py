"""Fuzzing what users and sites hand us as structure: sources.toml, policywatch.toml, feeds.

Any mapping, any TOML text, any bytes: the parsers either accept it or raise their own
one-line error (SourcesError, ConfigError, FeedError) — never another exception, never
more than 1 s. Whatever they accept is valid: sources have an http(s) URL and private
addresses only with ``allow_private``; configs have known channel kinds and priorities.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import pytest
from hypothesis import strategies as st

from crawler.feedparse import FeedError, parse_feed
from crawler.sources import KINDS as SOURCE_KINDS
from crawler.sources import SourcesError, load_sources, parse_sources
from policywatch.config import CHANNEL_KINDS, PRIORITIES, ConfigError, load_config, parse_config
from tests.chaos.fuzzing import fuzz, fuzz_variants
from tests.chaos.strategies import TOML_VALUES, config_tables, source_tables

VARIANTS = fuzz_variants()
TOML_LINES = st.lists(st.sampled_from([
    "[[source]]", "[[channel]]", "[schedule]", "[alerts]", "[web]", 'name = "a"', 'name = "a b"', 'kind = "feed"',
    'kind = "webhook"', 'url = "http://127.0.0.1/x"', 'url = "https://mp.weixin.qq.com/s/x"', 'url = "file:///etc/x"',
    'every = "0m"', 'every = "1h"', 'cron = "* * *"', "allow_private = 1", "allow_private = true", "max_pages = 0",
    'follow = ["a..b"]', 'min_priority = "urgent"', 'digest = "week"', 'retry_base = "-1s"', 'timezone = "Mars/Olympus"',
    'password = "${NOPE}"', "x = [1, {a = 2}]", "[[source]] name =", "\x00", 'headers = { A = 1 }', "= =",
]), max_size=14).map("\n".join)


def _accepted_source_is_valid(source) -> None:
    assert source.kind in SOURCE_KINDS
    parts = urlsplit(source.url)
    assert parts.scheme in ("http", "https") and parts.hostname
    try:
        private = not ipaddress.ip_address(parts.hostname).is_global
    except ValueError:
        private = parts.hostname == "localhost"
    assert source.allow_private or not private, f"{source.url} accepted without allow_private"
    assert source.every_seconds >= 0 and source.recheck_seconds >= 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_sources_parser_accepts_valid_or_says_why(variant):
    def check(data: dict) -> None:
        try:
            sources = parse_sources(data, origin="fuzz.toml")
        except SourcesError as exc:
            assert "\n" not in str(exc)
            return
        for source in sources:
            _accepted_source_is_valid(source)

    fuzz("sources-parser", variant, [source_tables()], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_sources_file_of_any_text(variant, tmp_path):
    path = tmp_path / "sources.toml"

    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            sources = load_sources(path)
        except SourcesError:
            return
        for source in sources:
            _accepted_source_is_valid(source)

    fuzz("sources-file", variant, [st.one_of(TOML_LINES, st.text(max_size=200))], check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_config_parser_accepts_valid_or_says_why(variant):
    def check(data: dict) -> None:
        try:
            config = parse_config(data, path="fuzz.toml")
        except ConfigError as exc:
            assert "\n" not in str(exc)
            return
        assert config.rules.min_priority in PRIORITIES
        assert all(channel.kind in CHANNEL_KINDS and channel.timeout > 0 for channel in config.channels)

    fuzz("config-parser", variant, [st.one_of(config_tables(), st.dictionaries(st.text(max_size=8), TOML_VALUES))],
         check)


@pytest.mark.parametrize("variant", VARIANTS)
def test_config_file_of_any_text(variant, tmp_path):
    path = tmp_path / "policywatch.toml"

    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_config(path, environ={})
        except ConfigError:
            return

    fuzz("config-file", variant, [st.one_of(TOML_LINES, st.text(max_size=200))], check)


FEED_BITS = st.sampled_from([
    "<?xml version='1.0'?>", "<rss version='2.0'>", "</rss>", "<channel>", "</channel>", "<item>", "</item>",
    "<title>标题</title>", "<link>https://mp.weixin.qq.com/s/x?scene=1#rd</link>", "<link>javascript:alert(1)</link>",
    "<link>file:///etc/passwd</link>", "<guid>1</guid>", "<pubDate>Tue, 07 Jan 2026 10:00:00 +0800</pubDate>",
    "<pubDate>2026-13-45</pubDate>", "<description><![CDATA[<p>正文</p>]]></description>", "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<entry>", "</entry>", "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>]>", "&b;", "\x00",
    "<html><body>环境异常</body></html>",
])


@pytest.mark.parametrize("variant", VARIANTS)
def test_feed_parser_reads_feeds_or_says_it_is_not_one(variant):
    def check(parts: list[str], raw: bytes) -> None:
        for data in ("".join(parts).encode(), raw):
            try:
                _, items = parse_feed(data, base_url="http://127.0.0.1/feed.xml")
            except FeedError:
                continue
            assert all(item.url for item in items)

    fuzz("feed-parser", variant, [st.lists(FEED_BITS, max_size=25), st.binary(max_size=500)], check)
