"""Cut one element out of a huge page without parsing the whole page.

WeChat's 2025 pages are ~3 MB, nearly all inline JavaScript; the article is a
few hundred KB inside ``#js_content``. Finding the element by its id and
matching its end tag by counting is far cheaper than building a full tree.
Works on ``str`` and on raw ``bytes`` alike (markers are ASCII).
"""
from __future__ import annotations

import re
from typing import AnyStr

_TAG_NAME = re.compile(r"<([a-zA-Z][\w-]*)")


def element_span(page: AnyStr, marker: AnyStr, start: int = 0) -> tuple[int, int] | None:
    """(start, end) offsets of the element whose start tag contains ``marker``.

    The end is found by counting nested start/end tags of the same name; a page
    cut short gives the rest of the page.
    """
    at = page.find(marker, start)
    if at < 0:
        return None
    lt = "<" if isinstance(page, str) else b"<"
    open_at = page.rfind(lt, 0, at)
    head = page[open_at:open_at + 64]
    name = _TAG_NAME.match(head if isinstance(head, str) else head.decode("ascii", "replace"))
    if open_at < 0 or not name:
        return None
    source = rf"<(/?){name.group(1).lower()}\b[^>]*>"
    pattern = re.compile(source if isinstance(page, str) else source.encode("ascii"), re.I)
    depth = 0
    for match in pattern.finditer(page, open_at):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return open_at, match.end()
    return open_at, len(page)
