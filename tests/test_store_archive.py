"""Archive API on real SQLite files: versions, status changes, plans, comparisons, runs.

Every test reopens the file (a second Archive) to check what was really stored.
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from store.archive import Archive, ArchiveError
from store.model import Document

URL = "https://mp.weixin.qq.com/s/n7KDbwouzT893Fc-sFrtCg"


def make_doc(body: str = "到2028年，推动不少于50000家企业实施新型工业网络改造。", **fields) -> Document:
    """A WeChat repost of the plan; content_hash follows the body like a normaliser's would."""
    values = {"kind": "wechat", "url": URL, "title": "工信部印发《工业互联网和人工智能融合赋能行动方案》",
              "account": "赛博研究院", "published_at": "2026-01-07T10:00:00+08:00", "body": body,
              "fetched_at": "2026-01-08T03:30:43+00:00", "content_hash": f"h-{hash(body)}"}
    values.update(fields)
    return Document(**values)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "archive.db"


def test_new_then_unchanged_then_new_version(path):
    with Archive(path) as archive:
        first = archive.save(make_doc())
        again = archive.save(make_doc(fetched_at="2026-01-09T00:00:00+00:00"))
        changed = archive.save(make_doc("到2028年，推动不少于60000家企业实施新型工业网络改造。"))
    assert (first.outcome, again.outcome, changed.outcome) == ("new", "unchanged", "new_version")
    assert first.document_id == again.document_id == changed.document_id
    assert again.version_id == first.version_id != changed.version_id
    with Archive(path) as archive:
        versions = archive.history(URL)
        document = archive.get(first.document_id)
    assert [v.body[9:20] for v in versions] == ["不少于50000家企业", "不少于60000家企业"]
    assert document.version.id == changed.version_id
    assert document.version_count == 2
    assert document.first_seen == "2026-01-08T03:30:43+00:00"


def test_unchanged_refetch_only_touches_last_seen(path):
    with Archive(path) as archive:
        archive.save(make_doc())
        archive.save(make_doc(fetched_at="2026-02-01T00:00:00+00:00"))
        rows = archive.db.execute("SELECT count(*) FROM versions").fetchone()[0]
        document = archive.find_document(URL)
    assert rows == 1
    assert document["last_seen"] == "2026-02-01T00:00:00+00:00"


def test_canonical_url_is_the_key(path):
    with Archive(path) as archive:
        a = archive.save(make_doc(url="https://mp.weixin.qq.com/s?__biz=X&mid=1&chksm=aa", canonical_url=URL))
        b = archive.save(make_doc(url="https://mp.weixin.qq.com/s?__biz=X&mid=1&chksm=bb", canonical_url=URL))
        assert a.document_id == b.document_id and b.outcome == "unchanged"
        assert archive.find_document("https://mp.weixin.qq.com/s?__biz=X&mid=1&chksm=bb")["id"] == a.document_id


@pytest.mark.parametrize("status", ["deleted", "blocked", "unavailable"])
def test_disappearing_page_keeps_last_text(path, status):
    with Archive(path) as archive:
        saved = archive.save(make_doc())
        gone = archive.save(make_doc(body="", title="", status=status, content_hash="error-page"))
        again = archive.save(make_doc(body="", title="", status=status, content_hash="error-page"))
        back = archive.save(make_doc())
    assert gone == replace(saved, outcome="status_changed", previous_status="ok")
    assert again.outcome == "unchanged"
    assert back.outcome == "status_changed"
    with Archive(path) as archive:
        document = archive.get(saved.document_id)
        events = archive.events(saved.document_id)
    assert document.status == "ok" and "50000家" in document.version.body
    assert [(e["old_status"], e["new_status"]) for e in events] == [("ok", status), (status, "ok")]
    assert len(archive_versions(path)) == 1


def archive_versions(path):
    with Archive(path) as archive:
        return archive.history(URL)


def test_status_recorded_while_deleted_then_search_filter(path):
    with Archive(path) as archive:
        archive.save(make_doc())
        archive.save(make_doc(body="", status="deleted", content_hash="x"))
        assert archive.search("50000家", status="deleted").total == 1
        assert archive.search("50000家", status="ok").total == 0


def test_unknown_page_that_is_already_deleted(path):
    with Archive(path) as archive:
        result = archive.save(make_doc(body="", status="deleted", content_hash="x"))
        assert result.outcome == "status_changed" and result.version_id is None
        assert archive.get(result.document_id).version is None
        later = archive.save(make_doc())
    assert later.outcome == "new" and later.version_id is not None


def test_bad_documents_are_refused_without_writing(path):
    with Archive(path) as archive:
        with pytest.raises(ArchiveError, match="url"):
            archive.save(Document(kind="generic", body="x"))
        with pytest.raises(ArchiveError, match="status"):
            archive.save(make_doc(status="gone"))
        assert archive.stats()["documents"] == 0


def test_get_version_round_trips_to_document(path):
    doc = make_doc(outline=[{"label": "一、", "title": "总体要求"}], images=["https://mmbiz.qpic.cn/a.jpg"],
                   meta={"biz": "MzA"}, original=True, lead="编者按：转载。")
    with Archive(path) as archive:
        saved = archive.save(doc, source="wechat-feeds")
    with Archive(path) as archive:
        back = archive.get_version(saved.version_id).document()
    assert back == replace(doc, source="wechat-feeds")


def test_known_document_and_touch(path):
    with Archive(path) as archive:
        assert archive.known_document(URL) is None
        archive.touch(URL, etag="nothing")  # unknown: no-op, no error
        saved = archive.save(make_doc())
        archive.touch(URL, etag='W/"abc"', last_modified="Wed, 07 Jan 2026 02:00:00 GMT")
    with Archive(path) as archive:
        known = archive.known_document(URL)
    assert known["id"] == saved.document_id
    assert known["etag"] == 'W/"abc"' and known["last_modified"].startswith("Wed")
    assert known["content_hash"] == make_doc().content_hash and known["last_checked"]


def test_track_plan_versions(path):
    plan = make_doc(title="工业互联网和人工智能融合赋能行动方案", body="一、总体要求\n\n到2028年……")
    with Archive(path) as archive:
        first = archive.track_plan("融合赋能", plan)
        same = archive.track_plan("融合赋能", plan)
        revised = archive.track_plan("融合赋能", replace(plan, body="一、总体要求\n\n到2030年……", content_hash="v2"))
    assert first.created_version and not same.created_version and revised.created_version
    assert first.plan_version_id == same.plan_version_id != revised.plan_version_id
    with Archive(path) as archive:
        plans = archive.plans()
        detail = archive.plan("融合赋能")
        assert archive.plan(str(first.plan_id))["name"] == "融合赋能"
        assert archive.plan("nope") is None
    assert [p["name"] for p in plans] == ["融合赋能"]
    assert plans[0]["plan_version_id"] == revised.plan_version_id and "2030" in plans[0]["body"]
    assert [v["seq"] for v in detail["versions"]] == [1, 2]
    assert Document.from_dict(detail["document"]).body == "一、总体要求\n\n到2030年……"


def test_track_plan_refuses_empty(path):
    with Archive(path) as archive, pytest.raises(ArchiveError):
        archive.track_plan("  ", make_doc())
    with Archive(path) as archive, pytest.raises(ArchiveError, match="no text"):
        archive.track_plan("p", make_doc(body=""))


def test_comparisons_are_idempotent_and_filterable(path):
    comparison = {"relation": "altered_repost", "similarity": 0.93, "coverage": 0.88,
                  "changes": [{"kind": "changed", "section": "二、（三）", "plan_text": "50000", "doc_text": "60000"}],
                  "figures": [{"context": "企业", "plan": "50000", "doc": "60000"}]}
    with Archive(path) as archive:
        plan = archive.track_plan("p", make_doc())
        saved = archive.save(make_doc("别的内容"))
        assert archive.versions_without_comparison(plan.plan_version_id) == [saved.version_id]
        first = archive.save_comparison(saved.version_id, plan.plan_version_id, comparison)
        second = archive.save_comparison(saved.version_id, plan.plan_version_id, {**comparison, "relation": "revision"})
        assert archive.versions_without_comparison(plan.plan_version_id) == []
        with pytest.raises(ArchiveError):
            archive.save_comparison(999, plan.plan_version_id, comparison)
    assert first == second
    with Archive(path) as archive:
        rows = archive.comparisons(document_id=saved.document_id)
        assert archive.comparisons(plan_id=plan.plan_id + 1) == []
    assert len(rows) == 1 and rows[0]["relation"] == "revision" and rows[0]["plan_name"] == "p"
    assert rows[0]["changes"][0]["section"] == "二、（三）" and rows[0]["similarity"] == pytest.approx(0.93)


def test_crawl_runs_and_stats(path):
    with Archive(path) as archive:
        archive.upsert_source("miit", "miit", "https://www.miit.gov.cn/", sections=["zwgk"])
        run = archive.start_run("miit")
        assert archive.last_run("miit")["status"] == "running"
        archive.save(make_doc(), source="miit")
        archive.finish_run(run, {"new": 1, "unchanged": 0}, ["timeout on list page 2"])
        with pytest.raises(ArchiveError):
            archive.finish_run(run + 10, {}, [])
    with Archive(path) as archive:
        last = archive.last_run("miit")
        stats = archive.stats()
        assert archive.sources()[0]["meta"] == {"sections": ["zwgk"]}
    assert last["counts"] == {"new": 1, "unchanged": 0} and last["error_count"] == 1 and last["finished_at"]
    assert stats["documents"] == 1 and stats["versions"] == 1 and stats["crawl_runs"] == 1
    assert stats["documents_by_status"] == {"ok": 1}


def test_archive_is_plain_sqlite_in_wal_mode(path):
    with Archive(path) as archive:
        archive.save(make_doc())
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT title FROM versions").fetchone()[0].startswith("工信部")
    conn.close()


@pytest.mark.parametrize("content", [b"not a database at all, just text\n" * 10, b""])
def test_other_files_are_refused_cleanly(tmp_path, content):
    target = tmp_path / "notes.db"
    target.write_bytes(content)
    if content:
        with pytest.raises(ArchiveError, match="not a usable policywatch archive"):
            Archive(target)
        assert target.read_bytes() == content
    else:
        Archive(target).close()  # an empty file becomes a new archive


def test_foreign_sqlite_file_is_not_touched(tmp_path):
    target = tmp_path / "other.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError):
        Archive(target)
    conn = sqlite3.connect(target)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    conn.close()
