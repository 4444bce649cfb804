"""Small pieces with user-visible effects: canonical URLs, publish times, decoding, JS strings."""
from __future__ import annotations

import pytest

from crawler.normalise import NormaliseError
from crawler.normalise.decode import decode
from crawler.normalise.jsvars import js_unescape
from crawler.normalise.times import from_epoch, from_text
from crawler.urls import canonical_url


@pytest.mark.parametrize(("url", "expected"), [
    ("https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"),
    ("http://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw?scene=1#rd", "https://mp.weixin.qq.com/s/KDWh_qGpFN5Vu1TR9t30Mw"),
    ("http://mp.weixin.qq.com/s?__biz=MzA5&amp;mid=26&amp;idx=1&amp;sn=ab12&amp;chksm=ff&amp;scene=21#wechat_redirect",
     "https://mp.weixin.qq.com/s?__biz=MzA5&mid=26&idx=1&sn=ab12"),
    ("https://mp.weixin.qq.com/s?idx=2&sn=cd&__biz=MzA5==&mid=27&scene=0",
     "https://mp.weixin.qq.com/s?__biz=MzA5==&mid=27&idx=2&sn=cd"),
    ("https://mp.weixin.qq.com/mp/appmsg/show?__biz=MzA5&appmsgid=26&itemidx=1&sign=ab",
     "https://mp.weixin.qq.com/mp/appmsg/show?__biz=MzA5&mid=26&idx=1&sn=ab"),
    ("https://mp.weixin.qq.com/s?src=11&timestamp=1700000000&ver=4&signature=xyz&new=1",
     "https://mp.weixin.qq.com/s?src=11&timestamp=1700000000&ver=4&signature=xyz"),
    ("https://www.miit.gov.cn/a/art_1.html#top", "https://www.miit.gov.cn/a/art_1.html"),
])
def test_canonical_urls(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-01-07", "2026-01-07"),
    ("发布时间：2022-07-13 15:01", "2022-07-13T15:01:00+08:00"),
    ("2007-08-20-23:59:59", "2007-08-20T23:59:59+08:00"),
    ("2025年3月18日 09:30", "2025-03-18T09:30:00+08:00"),
    ("昨天", None), ("前天 12:00", None), ("2025-02-30", None), ("", None),
])
def test_written_times(text, expected):
    assert from_text(text) == expected


def test_epoch_times_are_china_time():
    assert from_epoch("1514986500") == "2018-01-03T21:35:00+08:00"
    assert from_epoch(1762338600000) == "2025-11-05T18:30:00+08:00"
    assert from_epoch("") is None and from_epoch("abc") is None


def test_js_strings_unescape_both_layers():
    assert js_unescape(r"https://a/?x=1\x26amp;y=2") == "https://a/?x=1&y=2"
    assert js_unescape(r"第一段\x0a\x0a第二段\x22引\x22") == '第一段\n\n第二段"引"'
    assert js_unescape("&amp;quot;原创&amp;quot;") == '"原创"'


def test_decoding_prefers_the_bytes_over_a_lying_header():
    text = "工业和信息化部关于印发通知"
    assert decode(text.encode("gb18030"), {"content-type": "text/html; charset=utf-8"}) == text
    assert decode(text.encode("utf-8"), {"Content-Type": "text/html; charset=gbk"}) == text
    assert decode("\ufeff".encode() + text.encode()) == text


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02" * 100, bytes(range(256)) * 4])
def test_decoding_refuses_empty_and_binary(data):
    with pytest.raises(NormaliseError):
        decode(data)
