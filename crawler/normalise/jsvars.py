"""Values from the inline JavaScript of WeChat pages, found by regex, never by a JS engine.

WeChat renders metadata into script variables in several idioms across template
ages: ``var ct = "1514986500";``, ``var nickname = htmlDecode("…");``,
``var msg_title = '…'.html(false);``, ``var create_time = "…" * 1;`` and, in
``window.cgiDataNew``, ``title: JsDecode('…'),``. Strings use ``\\x26amp;`` and
``\\x0a`` escapes; :func:`js_unescape` undoes both layers.
"""
from __future__ import annotations

import html
import re

_STRING = r"""(?:htmlDecode\(\s*|JsDecode\(\s*)?(?P<q>["'])(?P<v>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)"""
_ASSIGNED = re.compile(r"\s*=\s*" + _STRING)
_FIELD = re.compile(r"\s*:\s*" + _STRING)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "", "f": "", "v": "", "0": ""}


def js_unescape(raw: str) -> str:
    """Undo JS string escapes, then HTML entities (twice, for ``&amp;quot;``)."""
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    text = _ESCAPE.sub(one, raw)
    text = html.unescape(text)
    return html.unescape(text) if "&" in text else text


def script_vars(page: str, names: tuple[str, ...]) -> dict[str, str]:
    """First non-empty value of each ``var NAME = "…"`` (or ``window.NAME = …``) in the page.

    Each name is located with ``str.find`` (fast on 3 MB pages) and only the
    string literal at that spot is matched and unescaped.
    """
    found: dict[str, str] = {}
    for name in names:
        values = (_first_value(page, prefix, _ASSIGNED) for prefix in (f"var {name}", f"window.{name}"))
        value = next((v for v in values if v), None)
        if value is not None:
            found[name] = value
    return found


def object_fields(block: str, names: tuple[str, ...]) -> dict[str, str]:
    """First value of each ``name: JsDecode('…')`` / ``name: '…' * 1`` in an object literal."""
    found = {}
    for name in names:
        value = _first_value(block, name, _FIELD)
        if value is not None:
            found[name] = value
    return found


def _first_value(text: str, key: str, after: re.Pattern[str]) -> str | None:
    """Unescaped literal after the first standalone ``key`` whose value is not empty.

    '' when only empty values exist, None when the key is not there at all.
    """
    result = None
    at = text.find(key)
    while at >= 0:
        before = text[at - 1] if at else " "
        match = None if (before.isalnum() or before in "_.$") else after.match(text, at + len(key))
        if match:
            if match.group("v"):
                return js_unescape(match.group("v"))
            result = ""
        at = text.find(key, at + len(key))
    return result


def cgi_data_block(page: str) -> str:
    """The source of ``window.cgiDataNew = {…}`` (share pages keep their text there), or ''."""
    start = page.find("window.cgiDataNew")
    if start < 0:
        return ""
    end = page.find("</script>", start)
    return page[start:end if end > 0 else len(page)]


def list_values(block: str, list_name: str, field: str) -> list[str]:
    """Values of ``field`` opening each item of ``list_name: [ {field: …}, … ]``."""
    start = block.find(list_name + ":")
    if start < 0:
        return []
    pattern = re.compile(r"\{\s*" + re.escape(field) + r"\s*:\s*" + _STRING)
    end = block.find("\n                ],", start)
    segment = block[start:end if end > 0 else len(block)]
    return [js_unescape(m.group("v")) for m in pattern.finditer(segment)]
