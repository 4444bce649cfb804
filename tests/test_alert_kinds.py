"""The one alert vocabulary: every alert has a kind, stored, filtered, ruled and listed by it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from crawler.normalise import finish
from policywatch.cli import group
from policywatch.config import ConfigError, parse_config
from store import schema
from store.archive import Archive, ArchiveError
from store.kinds import ALERT_KINDS, AlertKind
from store.model import Document


def _doc(archive: Archive, url: str, body: str) -> tuple[int, int]:
    saved = archive.save(finish(Document(kind="miit", url=url, title="通知", body=body, source="miit")))
    return saved.document_id, saved.version_id


def _alert(archive: Archive, kind: str, url: str, body: str = "推动不少于50000家企业。") -> int:
    document_id, version_id = _doc(archive, url, body)
    alert_id, created = archive.enqueue_alert(
        kind=kind, group_key=f"{kind}:{version_id}", priority="high", plan_id=None, document_id=document_id,
        version_id=version_id, comparison_id=None, relation=None, title="通知", summary={"kind": kind})
    assert created
    return alert_id


def test_vocabulary_is_declared_once_with_every_kind() -> None:
    assert ALERT_KINDS == ("plan", "revised", "status", "plan_changed", "new_plan", "final", "deadline",
                           "source_failing", "source_recovered")
    assert AlertKind.REVISED == "revised"


def test_alerts_are_stored_and_filtered_by_kind(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        revised = _alert(archive, "revised", "https://x/1")
        status = _alert(archive, AlertKind.STATUS, "https://x/2")
        assert [a.id for a in archive.alerts(kind="revised")] == [revised]
        assert [a.kind for a in archive.alerts(kind="status")] == ["status"]
        assert archive.alert(status).kind == "status"
        with pytest.raises(ArchiveError, match="unknown alert kind 'revsed'"):
            archive.alerts(kind="revsed")
        with pytest.raises(ArchiveError, match="unknown alert kind"):
            _alert(archive, "nonsense", "https://x/3")


def test_an_alert_about_no_document_is_created_once_per_open_group(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        args = dict(kind="source_failing", group_key="source:miit", priority="normal", plan_id=None,
                    document_id=None, version_id=None, comparison_id=None, relation=None, title="miit",
                    summary={})
        first = archive.enqueue_alert(**args)
        again = archive.enqueue_alert(**args)
        assert first[1] and not again[1] and first[0] == again[0]
        assert archive.alert(first[0]).documents == []


def test_alerts_of_an_older_archive_become_plan_alerts(tmp_path: Path) -> None:
    old = tmp_path / "older.db"  # an archive made before 007: only the older migrations
    db = sqlite_utils.Database(old)
    schema.migrate(db, [m for m in schema.MIGRATIONS if m[0] < "007"])
    db.execute("INSERT INTO documents (key, status) VALUES ('k', 'ok')")
    db.execute("INSERT INTO alerts (group_key, priority, document_id) VALUES ('g', 'high', 1)")
    db.conn.commit()
    db.close()
    with Archive(old) as archive:
        assert [a.kind for a in archive.alerts()] == ["plan"]


def test_rules_filter_by_kind_and_reject_unknown_kinds() -> None:
    config = parse_config({"alerts": {"kinds": ["revised", "status"]},
                           "channel": [{"kind": "atom", "name": "feed"},
                                       {"kind": "atom", "name": "plans", "kinds": ["plan_changed"]}]})
    feed, plans = config.channels
    assert feed.rules.admits("high", None, None, kind="revised")
    assert not feed.rules.admits("high", "p", "repost", kind="plan")
    assert plans.rules.admits("high", "p", None, kind="plan_changed")
    assert not plans.rules.admits("high", None, None, kind="status")
    with pytest.raises(ConfigError, match="unknown alert kind 'revison'.*did you mean 'revised'"):
        parse_config({"alerts": {"kinds": ["revison"]}})


def test_relations_rule_narrows_plan_alerts_only() -> None:
    rules = parse_config({"alerts": {"relations": ["altered_repost"]}}).rules
    assert not rules.admits("high", "p", "repost", kind="plan")
    assert rules.admits("high", None, None, kind="status")


def _cli(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(group, ["--db", str(db), "--config", str(db.with_suffix(".toml")), *args])
    return result.exit_code, result.output


def test_alerts_list_kind_option(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    db.with_suffix(".toml").write_text("", encoding="utf-8")
    with Archive(db) as archive:
        _alert(archive, "revised", "https://x/1")
        _alert(archive, "status", "https://x/2")
    code, out = _cli(db, "alerts", "list", "--kind", "revised", "--format", "json")
    assert code == 0, out
    listed = json.loads(out)
    assert [a["kind"] for a in listed] == ["revised"]
    assert {"kind", "priority", "document_id", "title", "url", "summary"} <= set(listed[0])
    code, out = _cli(db, "alerts", "list", "--kind", "nope")
    assert code == 2 and "nope" in out


def test_plans_json_lists_versions_home_and_latest_time(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    plan_file = tmp_path / "plan.md"
    plan_file.write_text("# 行动方案\n\n一、目标\n\n推动不少于50000家企业。\n", encoding="utf-8")
    assert _cli(db, "plans", "--format", "json")[0] == 2  # no archive yet: an error, never a fake empty list
    Archive(db).close()
    code, out = _cli(db, "plans", "--format", "json")
    assert code == 0 and json.loads(out) == []
    assert _cli(db, "track", str(plan_file), "--name", "方案")[0] == 0
    with Archive(db) as archive:
        home_id, _ = _doc(archive, "https://www.miit.gov.cn/plan", "一、目标\n\n推动不少于60000家企业。")
    code, out = _cli(db, "track", "--name", "方案", "--home", str(home_id))
    assert code == 0, out
    assert "new version" in out and f"home document {home_id}" in out
    (plan,) = json.loads(_cli(db, "plans", "--format", "json")[1])
    assert plan["name"] == "方案" and plan["versions"] == 2 and plan["home"] == home_id
    assert plan["latest_version_at"]
    shown = json.loads(_cli(db, "show", str(home_id), "--format", "json")[1])
    assert shown["plan_home"] == {"id": plan["id"], "name": "方案"}
    assert [(e["type"], e.get("seq")) for e in shown["events"]] == [("version", 1)]
    code, out = _cli(db, "track", "--name", "没有", "--home", str(home_id))
    assert code == 2 and "no tracked plan" in out
    code, out = _cli(db, "track", "--name", "方案", "--home", "99999")
    assert code == 2 and "no document 99999" in out


def test_watch_settings_are_checked_and_travel_to_the_crawler() -> None:
    assert parse_config({}).watch.crawl_settings() == {}
    watch = parse_config({"watch": {"unreachable_after": 5, "recheck": {"miit": "12h", "wechat": "3d"},
                                    "recheck_per_run": 7}}).watch
    assert watch.crawl_settings() == {"POLICYWATCH_UNREACHABLE_AFTER": 5,
                                      "POLICYWATCH_RECHECK": {"miit": 43200.0, "wechat": 259200.0},
                                      "POLICYWATCH_RECHECK_PER_RUN": 7}
    for bad, message in (({"unreachable_after": 0}, "unreachable_after must be a whole number"),
                         ({"recheck": "1d"}, "recheck must be a table"),
                         ({"recheck": {"miit": "soon"}}, "recheck.miit must be a duration"),
                         ({"unreachable": 3}, "did you mean 'unreachable_after'")):
        with pytest.raises(ConfigError, match=message):
            parse_config({"watch": bad})
