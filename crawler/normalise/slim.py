"""Slim a huge WeChat page (bytes) down to the parts the WeChat normaliser reads.

A 2025 article page is ~3 MB, ~90% inline JavaScript; decoding all of it costs
more than everything else together. Before decoding, byte ranges are kept only
for: the <head> (og/meta tags), ``#js_content`` with the header block above it,
the script block declaring the article variables, ``window.cgiDataNew`` (share
pages) and the last bytes (truncation check). Ranges are snapped to line ends,
which are ASCII in UTF-8, so no character is ever split.
"""
from __future__ import annotations

from crawler.normalise.htmlslice import element_span

MIN_SIZE = 1_000_000
HEAD = 160_000
BEFORE_BODY = 64_000
AFTER_BODY = 48_000
AROUND_VARS = 24_000
TAIL = 65_536
_WECHAT = (b"item_show_type", b"rich_media_content", b"window.cgiDataNew")


def slim_wechat(data: bytes) -> bytes | None:
    """The kept ranges joined by newlines, or None when the page is small or not WeChat's."""
    if len(data) < MIN_SIZE or b"mp.weixin.qq.com" not in data[:HEAD] or not _is_utf8_page(data):
        return None
    if not any(marker in data for marker in _WECHAT):
        return None
    ranges = [(0, HEAD), (len(data) - TAIL, len(data))]
    body = element_span(data, b'id="js_content"')
    if body:
        ranges.append((body[0] - BEFORE_BODY, body[1] + AFTER_BODY))
    anchor = data.find(b"var nickname")
    if anchor >= 0:
        ranges.append((anchor - AROUND_VARS, anchor + AROUND_VARS))
    cgi = data.find(b"window.cgiDataNew")
    if cgi >= 0:
        end = data.find(b"</script>", cgi)
        ranges.append((cgi - 1024, end if end > 0 else len(data)))
    return b"\n".join(data[a:b] for a, b in _merge(data, ranges))


def _is_utf8_page(data: bytes) -> bool:
    """No other charset is declared in the head (WeChat always serves UTF-8)."""
    head = data[:4096].lower()
    return b"charset=" not in head or b"charset=utf-8" in head or b'charset="utf-8"' in head


def _merge(data: bytes, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clamp, snap to line boundaries, sort and merge overlapping ranges."""
    snapped = sorted((_line_start(data, a), _line_end(data, b)) for a, b in ranges)
    merged: list[tuple[int, int]] = []
    for start, end in snapped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _line_start(data: bytes, at: int) -> int:
    at = max(0, min(at, len(data)))
    newline = data.rfind(b"\n", 0, at)
    return 0 if newline < 0 else newline + 1


def _line_end(data: bytes, at: int) -> int:
    at = max(0, min(at, len(data)))
    newline = data.find(b"\n", at)
    return len(data) if newline < 0 else newline
