"""Titles compared: an edited title is a change (with its figures); a repost's headline is not."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from diffing import compare
from tests.support import processes

BODY = "一、总体要求\n到2028年，培育标杆企业不少于100家。\n二、重点任务\n（一）推进设备联网。加快改造升级。\n"
TITLE = "工业互联网和人工智能融合赋能行动方案（2026—2028年）"


def test_a_title_edited_alone_is_a_revision_with_its_figures():
    cmp = compare(BODY, BODY, plan_title=TITLE, doc_title=TITLE.replace("2028", "2030"))
    assert cmp.relation == "revision"
    assert [(c.kind, c.plan_text, c.doc_text) for c in cmp.changes] == [
        ("title", TITLE, TITLE.replace("2028", "2030"))]
    assert [(f.plan, f.doc, f.section) for f in cmp.figures] == [("2028年", "2030年", "title")]


def test_a_reposts_headline_is_not_the_plans_title():
    cmp = compare(BODY, BODY, plan_title=TITLE, doc_title=f"重磅！工信部印发《{TITLE}》")
    assert cmp.relation == "identical" and not cmp.changes


def test_two_plain_text_files_differing_in_their_first_line(tmp_path: Path):
    """A plain-text file has no title: its first line is text, and an edit there is reported."""
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(f"{TITLE}\n\n{BODY}", encoding="utf-8")
    new.write_text(f"{TITLE.replace('2028', '2030')}\n\n{BODY}", encoding="utf-8")
    result = processes.run([sys.executable, "-m", "policywatch", "diff", str(old), str(new), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["relation"] == "revision"
    assert any("2030" in (change["doc_text"] or "") for change in data["changes"])
