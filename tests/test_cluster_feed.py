"""Reading scrapyd items feeds: every page exactly once, however the feed is cut into fetches."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import Page
from policywatch.cluster.itemsfeed import FeedCursor, parse_line
from policywatch.cluster.nodefeed import PageFeedPipeline


def _page(n: int, body: bytes) -> Page:
    return Page(url=f"https://mp.weixin.qq.com/s/{n}", final_url=f"https://mp.weixin.qq.com/s/{n}", status=200,
                body=body, fetched_at="2026-01-07T10:00:00+08:00", source="wechat-feed",
                headers={"Content-Type": "text/html; charset=utf-8"}, kind_hint="wechat", meta={"title": "标题"})


def _feed(pages: list[Page]) -> bytes:
    """The items feed a node writes: one JSON line per page, as the node pipeline hands them on."""
    pipeline = PageFeedPipeline()
    return b"".join(json.dumps(pipeline.process_item(p), ensure_ascii=False).encode() + b"\n" for p in pages)


bodies = st.lists(st.binary(max_size=60) | st.text(max_size=30).map(lambda t: ("《方案》" + t).encode("utf-8")),
                  min_size=0, max_size=12)


@settings(max_examples=150, deadline=None)
@given(bodies=bodies, cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=8))
def test_every_page_arrives_once_however_the_feed_is_fetched(bodies: list[bytes], cuts: list[int]) -> None:
    """The feed grows while polled: fetches end anywhere, even mid-line; each page comes out once, in order."""
    pages = [_page(n, body) for n, body in enumerate(bodies)]
    feed = _feed(pages)
    cursor = FeedCursor("job-1")
    got = []
    for written in sorted({min(cut, len(feed)) for cut in cuts}) + [len(feed)]:
        got += cursor.take(feed[cursor.offset:written])
    got += cursor.take(feed[cursor.offset:], final=True)
    assert [line.page for line in got] == pages
    assert [line.number for line in got] == list(range(1, len(pages) + 1))
    assert cursor.offset == len(feed)


def test_a_half_written_line_waits_for_the_next_fetch() -> None:
    feed = _feed([_page(1, "工业互联网".encode()), _page(2, b"<html>2</html>")])
    cursor = FeedCursor("job-1")
    first = cursor.take(feed[:-5])
    assert [line.page.url for line in first] == ["https://mp.weixin.qq.com/s/1"]
    assert cursor.take(feed[cursor.offset:-5]) == []
    rest = cursor.take(feed[cursor.offset:])
    assert [line.page.body for line in rest] == [b"<html>2</html>"]


def test_a_final_line_without_newline_still_counts_once_the_job_finished() -> None:
    feed = _feed([_page(1, b"a")]).rstrip(b"\n")
    cursor = FeedCursor("job-1")
    assert cursor.take(feed) == []
    assert [line.page.body for line in cursor.take(feed[cursor.offset:], final=True)] == [b"a"]


def test_bad_lines_are_reported_not_fatal() -> None:
    feed = b'{"not": "a page"}\nnot json at all\n[1, 2]\n' + _feed([_page(7, b"ok")])
    lines = FeedCursor("job-1").take(feed)
    assert [line.page is None for line in lines] == [True, True, True, False]
    assert all(line.error and line.error.startswith(f"items line {line.number}:") for line in lines[:3])
    assert lines[3].page.url.endswith("/7")


def test_node_pipeline_keeps_every_byte_of_the_body() -> None:
    """GBK bytes, NULs, invalid UTF-8: the coordinator gets exactly what the node fetched."""
    body = "工业和信息化部".encode("gbk") + b"\x00\xff\xfe"
    page = _page(3, body)
    line = json.dumps(PageFeedPipeline().process_item(page)).encode()
    assert parse_line(1, line).page == page


def test_node_pipeline_passes_other_items_through() -> None:
    item = {"url": "x"}
    assert PageFeedPipeline().process_item(item) is item
