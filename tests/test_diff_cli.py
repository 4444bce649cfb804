"""``policywatch diff`` end to end: real files, a real archive, the real process."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.normalise import finish
from store.archive import Archive
from store.model import Document
from tests.fixtures.diff.corpus import PLAN, PLAN_TITLE, SEED, replace_once
from tests.support import processes

ROOT = Path(__file__).resolve().parents[1]
ALTERED = replace_once(SEED, "不少于50000家企业实施新型工业网络改造升级。工业数据",
                       "不少于60000家企业实施新型工业网络改造升级。工业数据")


def run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    prefix = ["--db", str(db)] if db else []
    return processes.run([sys.executable, "-m", "policywatch", *prefix, "diff", *args],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"plan": tmp_path / "plan.txt", "seed": tmp_path / "seed.txt", "altered": tmp_path / "altered.txt"}
    for name, text in (("plan", PLAN), ("seed", SEED), ("altered", ALTERED)):
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_text_report_of_a_faithful_repost(files: dict[str, Path]) -> None:
    result = run(str(files["plan"]), str(files["seed"]))
    assert result.returncode == 0, result.stderr
    assert "relation: repost" in result.stdout
    assert "no change to the plan's text" in result.stdout
    assert "outside the plan" in result.stdout and "\x1b[" not in result.stdout


def test_json_contract_and_exit_code(files: dict[str, Path]) -> None:
    result = run(str(files["plan"]), str(files["altered"]), "--format", "json", "--exit-code")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["relation"] == "altered_repost" and data["priority"] == "high"
    assert 0 < data["similarity"] <= 1 and data["coverage"] == 1.0
    (change,) = data["changes"]
    assert {"kind", "section", "plan_text", "doc_text"} <= change.keys()
    assert change["kind"] == "changed" and change["section"] == "一、"
    assert ["delete", "50000"] in change["inline"] and ["insert", "60000"] in change["inline"]
    (figure,) = data["figures"]
    assert (figure["plan"], figure["doc"]) == ("不少于50000家", "不少于60000家") and "企业" in figure["context"]
    assert any(row["kind"] == "outside" for row in data["rows"])


def test_html_report_is_written_to_a_file(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.html"
    result = run(str(files["plan"]), str(files["altered"]), "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<del>50000</del>" in page and "<ins>60000</ins>" in page
    assert page.index("Key figures") < page.index("Side by side")


def test_markdown_report(files: dict[str, Path]) -> None:
    result = run(str(files["plan"]), str(files["altered"]), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "~~50000~~**60000**" in result.stdout and "| changed | 不少于50000家 | 不少于60000家 |" in result.stdout


def test_archive_references(tmp_path: Path) -> None:
    db = tmp_path / "pw.db"
    with Archive(db) as archive:
        archive.track_plan("ai-plan", finish(Document(kind="generic", title=PLAN_TITLE, body=PLAN)))
        saved = archive.save(finish(Document(kind="wechat", url="https://mp.weixin.qq.com/s/x", title="转载", body=ALTERED)))
    for old, new in (("plan:ai-plan", f"doc:{saved.document_id}"), ("ai-plan", str(saved.document_id))):
        result = run(old, new, "--format", "json", db=db)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["relation"] == "altered_repost" and data["plan_title"] == PLAN_TITLE
        assert [f["doc"] for f in data["figures"]] == ["不少于60000家"]


@pytest.mark.parametrize(("args", "message"), [
    (["plan:nope", "doc:1"], "not a file, a URL or a tracked plan"),
    (["plan:ai-plan", "doc:999"], "no such document"),
    (["plan:ai-plan", "doc:abc"], "is a number"),
])
def test_unknown_archive_references_fail_cleanly(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "pw.db"
    with Archive(db) as archive:
        archive.track_plan("ai-plan", finish(Document(kind="generic", title=PLAN_TITLE, body=PLAN)))
    result = run(*args, db=db)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with Archive(db) as archive:
        assert archive.plan("ai-plan")["body"] == PLAN


def test_missing_archive_is_not_created(tmp_path: Path, files: dict[str, Path]) -> None:
    db = tmp_path / "missing.db"
    result = run(str(files["plan"]), "no-such-thing", db=db)
    assert result.returncode == 2 and "no such file or URL" in result.stderr
    assert not db.exists() and "Traceback" not in result.stderr


def test_empty_input_file_fails_with_one_line(tmp_path: Path, files: dict[str, Path]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run(str(files["plan"]), str(empty))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_output_fails_with_one_line(tmp_path: Path, files: dict[str, Path]) -> None:
    result = run(str(files["plan"]), str(files["seed"]), "-o", str(tmp_path / "missing" / "out.txt"))
    assert result.returncode == 2 and "cannot write" in result.stderr and "Traceback" not in result.stderr
