"""Shared helpers for the normaliser tests (this module holds no tests).

Real pages come from ``tests/fixtures/real/`` (provenance in its MANIFEST.md; pages over
1 MB are stored gzipped); MIIT pages are built fixtures in ``tests/fixtures/miit/``.
"""
from __future__ import annotations

import gzip
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = FIXTURES / "real"
MIIT = FIXTURES / "miit"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_9b394f8deb7d7ec6.txt"

#: Strings of WeChat page chrome that must never reach a body.
WECHAT_CHROME = ("微信扫一扫", "预览时标签不可点", "继续滑动看下一个", "轻触阅读原文", "关注该公众号",
                 "，轻点两下取消赞", "喜欢此内容的人还喜欢", "<section", "<span", "var ", "function(")


def fixture_bytes(path: Path) -> bytes:
    """The bytes of a fixture (gunzipped when stored as .gz); fails loudly if missing."""
    assert path.exists(), f"fixture missing: {path}"
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def wechat_page(name: str) -> Path:
    """Path of a saved WeChat page, whether stored plain or gzipped."""
    plain = REAL / "wechat" / name
    return plain if plain.exists() else plain.with_name(name + ".gz")
