"""Bytes to text: BOM, header and meta charsets, and trial decoding when they lie.

Chinese sites often declare ``gb2312`` while sending GBK/GB18030, or send GBK with
a ``utf-8`` header; UTF-8 is tried first because real GBK text almost never passes
a strict UTF-8 decode, then the declared charsets, then GB18030 (a superset of
GB2312 and GBK), then charset-normalizer's guess.
"""
from __future__ import annotations

import codecs
import gzip
import re
import zlib

from crawler.normalise.errors import NormaliseError

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "utf8": "utf-8", "unicode": "utf-8"}
#: C0 controls other than tab/newline/CR (and DEL): never content, and lxml refuses them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_GUNZIP = 64 * 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes | str, headers: dict[str, str] | None = None) -> str:
    """Return the page as text, or raise NormaliseError for empty or binary input."""
    if isinstance(data, str):
        text = data
    else:
        text = _decode_bytes(gunzip(data), headers or {})
    if not text.strip():
        raise NormaliseError("empty input: nothing to normalise")
    if _looks_binary(text):
        raise NormaliseError("binary data, not a web page or text export")
    return _CONTROLS.sub("", text)


def gunzip(data: bytes) -> bytes:
    """Transparently open gzip-compressed input (saved pages are stored gzipped)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, _MAX_GUNZIP)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise NormaliseError(f"corrupt gzip data: {exc}") from None
    return out


def _decode_bytes(data: bytes, headers: dict[str, str]) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in _candidates(data, headers):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return _guess(data)


def _candidates(data: bytes, headers: dict[str, str]) -> list[str]:
    """utf-8 first, then the header's and the page's declared charsets, then GB18030."""
    declared = []
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if match := _HEADER_CHARSET.search(content_type):
        declared.append(match.group(1))
    if meta := _META_CHARSET.search(data[:8192]):
        declared.append(meta.group(1).decode("ascii", "ignore"))
    names = ["utf-8", *(_ALIASES.get(n.lower(), n.lower()) for n in declared), "gb18030"]
    return list(dict.fromkeys(names))


def _guess(data: bytes) -> str:
    """charset-normalizer's best guess, else UTF-8 with replacement characters."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _looks_binary(text: str) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean this is not text."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v\x1b")
    replaced = sample.count("\ufffd")
    return (controls + replaced) > max(8, len(sample) // 20)
