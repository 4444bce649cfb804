"""Messages for every alert kind put the change first, on every format (text, markdown, HTML, JSON)."""
from __future__ import annotations

from policywatch.messages import (
    WECOM_MD,
    AlertView,
    headline,
    render_html,
    render_json,
    render_markdown,
    render_text,
    subject,
)
from store.records import AlertRecord

BASE = "https://pw.example.org"
INBOX = BASE + "/alerts"
TITLE = "关于推进工业互联网平台建设的通知"
REVISED = {
    "kind": "revised", "title": TITLE, "url": "https://www.miit.gov.cn/a.html", "source": "miit-zcjd",
    "priority": "high", "from_version": 1, "to_version": 2, "title_change": None,
    "figures": [{"context": "推动企业实施改造", "old": "不少于50000家", "new": "不少于60000家", "kind": "changed"}],
    "changes": [{"kind": "changed", "section": "一、", "old": "到2028年，推动不少于50000家企业实施改造。",
                 "new": "到2028年，推动不少于60000家企业实施改造。", "inline": []}],
    "counts": {"changed": 1, "figures": 1},
}


def _view(summary: dict, *, kind: str, alert_id: int = 9, **record: object) -> AlertView:
    return AlertView.from_record(AlertRecord.from_row({"id": alert_id, "kind": kind, "summary": summary, **record}),
                                 base_url=BASE)


def test_a_revision_says_old_and_new_figure_first_everywhere():
    alert = _view(REVISED, kind="revised")
    assert headline(alert) == "修订：不少于50000家 → 不少于60000家"
    assert subject([alert]).startswith("[policywatch HIGH] 修订：不少于50000家 → 不少于60000家 — " + TITLE)
    for text in (render_text([alert], inbox_url=INBOX), render_markdown([alert], inbox_url=INBOX, cap=4096,
                                                                         dialect=WECOM_MD),
                 render_html([alert], inbox_url=INBOX)):
        assert text.index("不少于60000家") < text.index(TITLE)
        assert "v1 → v2" in text and "一、" in text
    payload = render_json([alert], idempotency_key="k")["alerts"][0]
    assert payload["kind"] == "revised" and payload["headline"].startswith("修订：")


def test_a_title_only_revision_names_the_title_change():
    summary = {**REVISED, "figures": [], "changes": [], "title_change": {"old": "旧标题", "new": "新标题"}}
    assert headline(_view(summary, kind="revised")) == "修订：标题 「旧标题」 → 「新标题」"


def test_status_alerts_say_what_happened_and_keep_the_last_text():
    deleted = {"kind": "status", "title": "算力解读<script>", "status_from": "ok", "status_to": "deleted",
               "event": "deleted", "last_text": "到2026年底，新建智算中心不少于20个。", "priority": "normal"}
    alert = _view(deleted, kind="status")
    assert headline(alert) == "已删除：算力解读<script>"
    text = render_text([alert], inbox_url=INBOX)
    assert "ok → deleted" in text and "新建智算中心不少于20个" in text
    assert "<script>" not in render_html([alert], inbox_url=INBOX)
    restored = {**deleted, "status_from": "deleted", "status_to": "ok", "event": "restored"}
    assert headline(_view(restored, kind="status")).startswith("已恢复：")
    unreachable = {**deleted, "status_to": "unreachable", "event": "unreachable"}
    assert headline(_view(unreachable, kind="status")).startswith("持续无法访问：")


def test_plan_changed_and_old_version_copies():
    changed = {**REVISED, "kind": "plan_changed", "plan": "融合赋能", "from_plan_version": 1, "to_plan_version": 2}
    assert headline(_view(changed, kind="plan_changed")) == "方案更新 融合赋能 v1 → v2：不少于50000家 → 不少于60000家"
    copy = {"title": "转发：方案", "relation": "repost", "priority": "normal", "copies_plan_version": 1,
            "plan_version": 2, "figures": [], "changes": []}
    assert headline(_view(copy, kind="plan")) == "转载旧版：v1（方案现为 v2）"
    assert headline(_view({"title": "x", "relation": "repost"}, kind="plan")) is None


def test_a_digest_line_leads_with_the_change():
    text = render_text([_view(REVISED, kind="revised"), _view(REVISED, kind="revised", alert_id=10)],
                       inbox_url=INBOX)
    assert "[HIGH] 修订：不少于50000家 → 不少于60000家 — " + TITLE in text
