"""The alert outbox: grouping by key, inbox filters, per-channel delivery and retries."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.normalise import finish
from store.archive import Archive, ArchiveError, SearchError
from store.base import decode, dumps
from store.model import Document
from store.records import AlertSummary


def repost(archive: Archive, n: int, account: str, source: str = "wechat-feeds") -> tuple[int, int, int]:
    """Save a repost by ``account`` and compare it with plan 1; returns (document, version, comparison)."""
    doc = Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/{n}", title=f"转载{n}", account=account,
                   body=f"正文{n}：推动不少于50000家企业。", content_hash=f"h{n}")
    saved = archive.save(doc, source=source)
    comparison = archive.save_comparison(saved.version_id, 1, {"relation": "repost", "similarity": 1.0})
    return saved.document_id, saved.version_id, comparison


def enqueue(archive: Archive, ids: tuple[int, int, int], group_key: str = "plan1:repost", priority: str = "normal"):
    document_id, version_id, comparison_id = ids
    return archive.enqueue_alert(group_key=group_key, priority=priority, plan_id=1, document_id=document_id,
                                 version_id=version_id, comparison_id=comparison_id, relation="repost",
                                 title="方案被转载", summary={"changes": 0, "figures": []})


@pytest.fixture
def archive(archive):
    """The shared empty archive, tracking one small plan."""
    archive.track_plan("融合赋能", finish(Document(kind="export", url="file:plan", title="方案", body="推动不少于50000家企业。")))
    return archive


def test_reposts_group_into_one_alert_until_delivered(archive):
    first = enqueue(archive, repost(archive, 1, "甲"))
    assert first[1] is True
    attached = [enqueue(archive, repost(archive, n, f"账号{n}")) for n in range(2, 13)]
    assert {alert_id for alert_id, _ in attached} == {first[0]} and not any(c for _, c in attached)
    alert = archive.alert(first[0])
    assert alert.doc_count == 12 and len(alert.documents) == 12
    assert {d["account"] for d in alert.documents} >= {"甲", "账号12"}
    archive.mark_delivered(first[0], "email", "key-1")
    late = enqueue(archive, repost(archive, 13, "晚到"))
    assert late[1] is True and late[0] != first[0]


def test_same_version_twice_attaches_nothing(archive):
    ids = repost(archive, 1, "甲")
    alert_id, created = enqueue(archive, ids)
    again = enqueue(archive, ids)
    assert again == (alert_id, False)
    assert archive.alert(alert_id).doc_count == 1


def test_inbox_filters_and_review(archive):
    high = enqueue(archive, repost(archive, 1, "甲", source="miit"), group_key="a", priority="high")[0]
    low = enqueue(archive, repost(archive, 2, "乙"), group_key="b", priority="low")[0]
    assert [a.id for a in archive.alerts()] == [low, high]  # newest first
    assert [a.id for a in archive.alerts(priority="high")] == [high]
    assert [a.id for a in archive.alerts(source="miit")] == [high]
    assert [a.id for a in archive.alerts(plan="融合赋能")] == [low, high]
    with pytest.raises(SearchError, match="unknown plan 'other'"):
        archive.alerts(plan="other")
    archive.set_reviewed(high, True)
    assert [a.id for a in archive.alerts(state="unread")] == [low]
    assert [a.state for a in archive.alerts(state="reviewed")] == ["reviewed"]
    archive.set_reviewed(high, False)
    assert len(archive.alerts(state="unread")) == 2
    assert [a.id for a in archive.alerts(limit=1, offset=1)] == [high]
    with pytest.raises(ArchiveError):
        archive.alerts(state="starred")
    with pytest.raises(ArchiveError):
        archive.set_reviewed(999, True)


def test_new_document_in_reviewed_group_makes_it_unread(archive):
    alert_id = enqueue(archive, repost(archive, 1, "甲"))[0]
    archive.set_reviewed(alert_id, True)
    enqueue(archive, repost(archive, 2, "乙"))
    assert archive.alert(alert_id).state == "unread"


def test_delivery_per_channel_with_retries(archive):
    alert_id = enqueue(archive, repost(archive, 1, "甲"))[0]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert [a.id for a in archive.pending_deliveries("email", now=now)] == [alert_id]
    archive.mark_failed(alert_id, "email", "SMTP 421 try later", now + timedelta(minutes=5))
    assert archive.pending_deliveries("email", now=now) == []
    due = archive.pending_deliveries("email", now=now + timedelta(minutes=6))
    assert due[0].attempts == 1 and due[0].last_error == "SMTP 421 try later"
    assert [a.id for a in archive.pending_deliveries("webhook", now=now)] == [alert_id]
    archive.mark_delivered(alert_id, "email", "email-1-abc")
    archive.mark_failed(alert_id, "email", "late failure", now)  # never undoes a delivery
    assert archive.pending_deliveries("email", now=now + timedelta(days=1)) == []
    deliveries = {d["channel"]: d for d in archive.alert(alert_id).deliveries}
    assert deliveries["email"]["status"] == "delivered" and deliveries["email"]["idempotency_key"] == "email-1-abc"
    archive.mark_failed(alert_id, "webhook", "HTTP 404", None)  # None: give up
    assert archive.pending_deliveries("webhook", now=now + timedelta(days=365)) == []
    assert {d["channel"]: d["status"] for d in archive.alert(alert_id).deliveries} == {
        "email": "delivered", "webhook": "failed"}


def test_skipped_channel_is_never_due_but_delivered_stays(archive):
    alert_id = enqueue(archive, repost(archive, 1, "甲"))[0]
    archive.mark_skipped(alert_id, "wecom")
    assert archive.pending_deliveries("wecom", now="2100-01-01T00:00:00+00:00") == []
    archive.mark_delivered(alert_id, "email", "k")
    archive.mark_skipped(alert_id, "email")
    assert {d["channel"]: d["status"] for d in archive.alert(alert_id).deliveries} == {
        "email": "delivered", "wecom": "skipped"}


def test_claim_leases_alerts_to_one_deliverer(archive):
    alert_id = enqueue(archive, repost(archive, 1, "甲"))[0]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with Archive(archive.path) as other:
        assert [a.id for a in archive.claim_deliveries("email", now=now)] == [alert_id]
        assert other.claim_deliveries("email", now=now) == []
        expired = other.claim_deliveries("email", now=now + timedelta(minutes=10), lease_seconds=60)
    assert [a.id for a in expired] == [alert_id]


def test_times_are_normalised_and_checked(archive):
    alert_id = enqueue(archive, repost(archive, 1, "甲"))[0]
    archive.mark_failed(alert_id, "email", "x", "2026-03-01T08:00:00+08:00")
    assert archive.pending_deliveries("email", now="2026-03-01T00:00:01+00:00")
    assert not archive.pending_deliveries("email", now="2026-02-28T23:59:59+00:00")
    with pytest.raises(ArchiveError, match="ISO 8601"):
        archive.pending_deliveries("email", now="next tuesday")


def test_alert_for_unknown_document_is_refused(archive):
    with pytest.raises(ArchiveError):
        enqueue(archive, (999, 999, 999))
    assert archive.alerts() == []
    with pytest.raises(ArchiveError):
        archive.mark_delivered(12345, "email", "k")


def test_a_summary_is_stored_as_given_and_read_back_typed(archive):
    """The store encodes the summary once and decodes it once: same JSON text, typed fields, extras kept."""
    given = {"kind": "status", "title": "标题", "account": None, "figures": [{"old": "1", "new": "2"}],
             "status_from": "ok", "status_to": "deleted", "last_version": 3, "provisional": False}
    document_id, version_id, comparison_id = repost(archive, 1, "甲")
    alert_id, _ = archive.enqueue_alert(group_key="g", priority="high", plan_id=None, document_id=document_id,
                                        version_id=version_id, comparison_id=None, relation=None, title="标题",
                                        summary=AlertSummary.from_dict(given), kind="status")
    assert archive.scalar("SELECT summary FROM alerts WHERE id = ?", (alert_id,)) == dumps(given)
    record = archive.alert(alert_id)
    assert record.summary.status_to == "deleted" and record.summary.figures == [{"old": "1", "new": "2"}]
    assert record.summary.account is None and record.summary.get("last_version") == 3
    assert record.summary.to_dict() == given
    raw = decode(archive.row("SELECT a.*, CASE WHEN a.reviewed_at IS NULL THEN 'unread' ELSE 'reviewed' END AS state,"
                             " a.doc_count AS documents_count, p.name AS plan_name, d.source, d.url FROM alerts a"
                             " LEFT JOIN plans p ON p.id = a.plan_id LEFT JOIN documents d ON d.id = a.document_id"
                             " WHERE a.id = ?", (alert_id,)) or {})
    assert {k: v for k, v in record.to_dict().items() if k not in ("documents", "deliveries")} == raw


def test_a_damaged_summary_reads_as_empty_not_as_an_error():
    assert AlertSummary.from_dict("{not json") == AlertSummary()
    assert AlertSummary.from_dict(["a list"]) == AlertSummary()
    assert AlertSummary.from_dict({"figures": "not a list", "title": 5}).figures == []
