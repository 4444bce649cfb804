"""The lifecycle step of the ingest path on a real archive: rules, reminders, untrack, interpretations."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from crawler.ingest import Ingestor
from crawler.lifecycle import enqueue_due_deadlines, rules_from_setting, rules_setting
from crawler.normalise import finish
from diffing.lifecycle import PlanRules
from policywatch.config import ConfigError, parse_config
from store.archive import Archive
from store.model import Document
from tests.support.plans import BODY, NAME, miit


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "a.db") as opened:
        yield opened


def test_rules_can_turn_auto_plans_off_or_exclude_titles(archive):
    notice = miit("a", f"工业和信息化部关于印发《{NAME}》的通知", BODY)
    Ingestor(archive, rules=PlanRules(auto=False)).ingest_document(notice)
    assert archive.plans() == []
    Ingestor(archive, rules=PlanRules(exclude_patterns=("新型工业网络",))).ingest_document(
        miit("b", f"关于印发《{NAME}》的通知", BODY + "\n\n附件：示范工厂名单"))
    assert archive.plans() == []
    result = Ingestor(archive).ingest_document(miit("c", f"关于印发《{NAME}》的通知", BODY + "\n\n（此件公开发布）"))
    [plan] = archive.plan_listing()
    assert (plan["name"], plan["origin"], plan["home"]) == (NAME, "auto", result.document_id)
    assert [a.kind for a in archive.alerts()] == ["new_plan"]


def test_a_wechat_copy_never_becomes_a_plan_and_rules_survive_the_settings_round_trip(archive):
    Ingestor(archive).ingest_document(finish(Document(kind="wechat", url="https://mp.weixin.qq.com/s/x", account="号",
                                               title=f"关于印发《{NAME}》的通知", body=BODY)))
    assert archive.plans() == []
    rules = PlanRules(sources=("gd",), title_patterns=("行动",), deadline_days=(3,))
    assert rules_from_setting(rules_setting(rules)) == rules
    assert rules_from_setting(None) == PlanRules()


def test_deadline_reminders_once_each_and_none_after_the_final(archive):
    notice = (f"现将《{NAME}（征求意见稿）》向社会公开征求意见。意见反馈截止时间：2026年12月20日。\n\n{BODY}")
    draft = Ingestor(archive).ingest_document(
        miit("d", f"关于公开征求《{NAME}（征求意见稿）》意见的通知", notice, published="2026-11-20"))
    deadline = date(2026, 12, 20)
    assert enqueue_due_deadlines(archive, deadline - timedelta(days=9)) == 0
    assert enqueue_due_deadlines(archive, deadline - timedelta(days=7)) == 1
    assert enqueue_due_deadlines(archive, deadline - timedelta(days=6)) == 0, "the 7-day reminder is sent once"
    assert enqueue_due_deadlines(archive, deadline - timedelta(days=1)) == 1
    reminders = [a for a in archive.alerts() if a.kind == "deadline"]
    assert sorted(a.summary.get("days_left") for a in reminders) == [1, 7]
    assert all(a.document_id == draft.document_id for a in reminders)
    Ingestor(archive).ingest_document(miit("f", f"关于印发《{NAME}（试行）》的通知", BODY, published="2026-12-30"))
    [consultation] = archive.consultations()
    assert consultation["final_document_id"] is not None
    assert enqueue_due_deadlines(archive, deadline) == 0


def test_untracked_plans_are_not_compared_and_not_tracked_again(archive):
    Ingestor(archive).ingest_document(miit("a", f"关于印发《{NAME}》的通知", BODY))
    archive.untrack(NAME)
    assert archive.plans() == [] and archive.plan_listing() == []
    result = Ingestor(archive).ingest_document(miit("b", f"工业和信息化部关于印发《{NAME}》的通知", BODY + "\n\n（完）"))
    assert result.relations == {} and archive.plans() == []
    with pytest.raises(Exception, match="no tracked plan"):
        archive.untrack(NAME)


def test_a_commentary_naming_the_plan_with_a_small_quote_is_its_interpretation(archive):
    ingest = Ingestor(archive)
    home = ingest.ingest_document(miit("a", f"关于印发《{NAME}》的通知", BODY))
    commentary = ("近日，工业和信息化部印发《新型工业网络建设实施方案（试行）》。专家认为，这是推动制造业数字化转型的"
                  "重要举措，将带动工业软件、网络设备和安全服务等多个产业链环节的发展。" * 6
                  + "方案提出推广工业光网、5G工厂等新型网络。")
    result = ingest.ingest_document(finish(Document(kind="wechat", url="https://mp.weixin.qq.com/s/c", account="评论号",
                                             title="解读：新型工业网络的机遇", body=commentary)))
    assert result.relations == {NAME: "interpretation"}
    [link] = archive.links(result.document_id)
    assert (link["kind"], link["plan"]) == ("interprets", NAME)
    assert [link["kind"] for link in archive.links(home.document_id)] == ["plan_home_of"]
    events = [e["event"] for e in archive.timeline(archive.plan(NAME)["id"])]
    assert events == ["plan_version", "interpretation"]


@pytest.mark.parametrize(("table", "message"), [
    ({"auto": "yes"}, "auto must be true or false"),
    ({"title_patterns": ["("]}, "is not a regular expression"),
    ({"deadline_days": [7, "1"]}, "deadline_days"),
    ({"autos": True}, "autos"),
])
def test_bad_plans_config_is_one_clear_error(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"plans": table})


def test_plans_config_is_read():
    rules = parse_config({"plans": {"auto": False, "sources": ["gd-gxt"], "exclude_patterns": ["通报"],
                                    "deadline_days": [14, 3]}}).plans
    assert rules == PlanRules(False, ("gd-gxt",), (), ("通报",), (14, 3))
