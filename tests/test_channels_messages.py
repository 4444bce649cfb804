"""Alert messages: what comes first, what is escaped, and the byte caps (property-based)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policywatch.messages import (
    DINGTALK_MD,
    AlertView,
    change_line,
    fit,
    inline_edit,
    render_html,
    render_markdown,
    render_text,
    subject,
)
from store.records import AlertRecord
from tests.support.alerts import summary

BASE = "https://pw.example.org"
INBOX = BASE + "/alerts"


def _view(alert_id=5, doc_count=1, **overrides):
    return AlertView.from_record(AlertRecord.from_row({"id": alert_id, "doc_count": doc_count, "plan_name": "ai-plan",
                                                       "summary": summary(**overrides)}), base_url=BASE)


def test_figures_come_before_clauses_and_the_review_link_ends():
    text = render_text([_view()], inbox_url=INBOX)
    lines = text.splitlines()
    assert lines[0].startswith("转发：工业互联网")
    assert text.index("50000 → 60000") < text.index("Changed clauses")
    assert lines[-1] == f"Review the changes: {BASE}/alerts/5"
    assert "Priority: high" in text and "Relation: altered repost" in text and "Account: 工信微报" in text


def test_grouped_reposts_say_how_many_accounts():
    text = render_text([_view(doc_count=12, relation="repost", priority="low")], inbox_url=INBOX)
    assert "reposted by 12 accounts" in text


def test_edit_shown_in_place_with_whole_numbers():
    assert inline_edit("推动不少于50000家企业实施", "推动不少于60000家企业实施") == "推动不少于【50000 → 60000】家企业实施"
    assert inline_edit("到2028年，打造标杆", "到2027年，打造标杆") == "到【2028 → 2027】年，打造标杆"
    assert inline_edit("一二三四五六七八", "完全不同的文字内容") is None
    line = change_line({"kind": "changed", "section": "二、（三）", "plan_text": "培育一批智能化解决方案供应商。",
                        "doc_text": "培育一批解决方案供应商。"})
    assert line == "二、（三） changed: 「培育一批【智能化 → ∅】解决方案供应商。」"


def test_markdown_makes_page_text_inert():
    view = _view(title="[点我](http://evil.example) <font color=red>**紧急**</font>")
    content = render_markdown([view], inbox_url=INBOX, cap=4096)
    assert "](http://evil.example)" not in content and "<font" not in content and "**紧急**" not in content
    assert "［点我］" in content  # still readable


def test_html_escapes_page_text():
    html_text = render_html([_view(title="<img src=x onerror=alert(1)>")], inbox_url=INBOX)
    assert "<img" not in html_text and "&lt;img src=x onerror=alert(1)&gt;" in html_text


def test_digest_subject_and_lines():
    batch = [_view(1), _view(2, priority="normal", relation="interpretation", title="解读：行动方案")]
    assert subject(batch) == "[policywatch] 2 alerts, 1 high"
    text = render_markdown(batch, inbox_url=INBOX, cap=20000, dialect=DINGTALK_MD)
    assert "解读：行动方案" in text and f"({BASE}/alerts/2)" in text


clauses = st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(["changed", "added", "removed", "moved"]),
    "section": st.sampled_from(["", "一、", "二、（三）"]),
    "plan_text": st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    "doc_text": st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
}), max_size=40)


@settings(max_examples=80, deadline=None)
@given(changes=clauses, title=st.text(max_size=300), cap=st.integers(600, 6000))
def test_markdown_never_exceeds_the_cap(changes, title, cap):
    view = _view(changes=changes, title=title or "x")
    content = render_markdown([view], inbox_url=INBOX, cap=cap)
    assert len(content.encode("utf-8")) <= cap
    assert f"{BASE}/alerts/5" in content  # the review link always survives


@given(head=st.lists(st.text(max_size=50), max_size=5), optional=st.lists(st.text(max_size=80), max_size=30),
       cap=st.integers(100, 2000))
def test_fit_keeps_order_and_cap(head, optional, cap):
    more = "[more](https://x/alerts/1)"
    text = fit(head, optional, more, cap)
    assert len(text.encode("utf-8")) <= cap
    everything = "\n".join([*head, *optional])
    assert text == everything or text.endswith(more)


def test_a_damaged_summary_still_gives_a_message():
    record = {"id": 9, "summary": "{not json", "title": "标题", "priority": "high", "relation": "revision"}
    text = render_text([AlertView.from_record(AlertRecord.from_row(record), base_url=BASE)], inbox_url=INBOX)
    assert text.startswith("标题") and "Priority: high" in text and f"{BASE}/alerts/9" in text


def test_only_web_links_and_markdown_safe_urls():
    evil = render_markdown([_view(url="javascript:alert(1)")], inbox_url=INBOX, cap=4096)
    assert "javascript:" not in evil
    odd = render_markdown([_view(url="https://mp.weixin.qq.com/s?a=1) [x](http://evil")], inbox_url=INBOX, cap=4096)
    assert "[Original](https://mp.weixin.qq.com/s?a=1%29%20[x]%28http://evil)" in odd
