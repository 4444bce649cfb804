"""One sanitising step (issue 19): no Document text holds a control character or an
XML-illegal code point, whichever reader produced it."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import fields

from hypothesis import given
from hypothesis import strategies as st

from crawler.normalise import normalise
from crawler.normalise.sanitise import ILLEGAL, clean

BAD = "\x1b]0;pwned\x07\x1b[31m\ufffe\uffff\x01\x85\x9b\ud800"  # NUL: refused as binary


def texts(doc) -> list[str]:
    """Every string in a Document, nested ones included."""
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    for spec in fields(doc):
        walk(getattr(doc, spec.name))
    return out


def assert_clean(doc) -> None:
    for text in texts(doc):
        assert not ILLEGAL.search(text), repr(text)
    ET.fromstring(f"<t>{doc.title.replace('&', '&amp;').replace('<', '&lt;')}</t>")


def test_front_matter_title_with_a_non_character():
    page = f"---\ntitle: 行动方案{BAD}\nauthor: 张三\x07\n---\n\n# 行动方案\n\n正文第一段，内容足够长，可以作为正文。\n"
    doc = normalise(page.encode("utf-8", "surrogatepass"))
    assert_clean(doc)
    assert doc.title.startswith("行动方案]0;pwned[31m")


def test_og_title_and_body_of_a_generic_page():
    bad = BAD.replace("\ud800", "")  # decoded bytes never hold a lone surrogate
    page = (f"<html><head><meta property='og:title' content='通知{bad}'><title>x</title></head><body>"
            f"<div id='zoom'><p>各单位：现将有关事项通知如下。{bad}请认真贯彻落实。</p>" * 3 + "</div></body></html>")
    doc = normalise(page)
    assert_clean(doc)
    assert "请认真贯彻落实" in doc.body and "\n" not in doc.title


def test_wechat_title_decoded_from_script_escapes():
    """msg_title = '…\\x1b…\\x07…' in WeChat's script decodes to real control characters."""
    page = ("<html><head></head><body><script>var nickname = \"账号\"; var msg_title = '标题\\x1b[31m红\\x07';"
            " var ct = \"1700000000\";</script><div id=\"js_content\"><p>正文内容足够长，可以作为正文。</p></div>"
            "</body></html>")
    doc = normalise(page, url="https://mp.weixin.qq.com/s/abc")
    assert_clean(doc)
    assert doc.title == "标题[31m红"


@given(st.text())
def test_clean_keeps_every_legal_character(text):
    cleaned = clean(text)
    assert not ILLEGAL.search(cleaned)
    assert cleaned == "".join(c for c in text if not ILLEGAL.match(c))
    assert all(c in cleaned for c in "\n\t" if c in text)
