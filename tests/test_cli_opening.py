"""An archive is opened, never conjured; every filter value is checked, with one message in CLI, web and API."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crawler.normalise import finish
from policywatch.cli import group
from policywatch.web import create_app
from store.archive import Archive
from store.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"

READ_COMMANDS = [
    ["search", "算力"], ["show", "1"], ["history", "1"], ["export"], ["track", "--list"],
    ["crawl", "--list"], ["alerts", "list"], ["diff", "doc:1", "doc:2"],
]


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """A small archive: a tracked plan and one document compared with it."""
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        plan = archive.track_plan("融合赋能", finish(Document(kind="export", url="file:plan", title="方案", body="算力。")))
        saved = archive.save(Document(kind="miit", url="https://www.miit.gov.cn/a", title="关于算力的通知",
                                      published_at="2026-03-02", source="miit", body="算力网络。", content_hash="a"))
        archive.save_comparison(saved.version_id, plan.plan_version_id, {"relation": "altered_repost"})
    return path


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("content", [None, b"", b"just some notes\n" * 20], ids=["missing", "empty", "text"])
def test_read_commands_never_create_an_archive(tmp_path: Path, args: list[str], content: bytes | None) -> None:
    db = tmp_path / "notes.txt"
    if content is not None:
        db.write_bytes(content)
    code, out, err = run(db, *args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and f"no archive at {db}" in lines[0], err
    assert "`policywatch crawl`/`track` creates one" in lines[0] and out == ""
    assert db.exists() == (content is not None)
    if content is not None:
        assert db.read_bytes() == content  # nothing stored is lost or converted


def test_a_directory_is_not_an_archive(tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "search", "算力")
    assert code == 2 and "no archive at" in err and "directory" in err


def test_writing_commands_create_the_archive_and_say_so_once(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, out, err = run(db, "track", str(SEED), "--name", "方案")
    assert code == 0, err
    assert err.count("created a new archive at") == 1 and db.is_file()
    code, _, err = run(db, "track", str(SEED), "--name", "方案")
    assert code == 0 and "created" not in err
    code, out, _ = run(db, "track", "--list")
    assert code == 0 and "方案" in out


def test_writing_commands_refuse_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_bytes(b"my notes\n")
    code, _, err = run(db, "track", str(SEED), "--name", "方案")
    assert code == 2 and f"no archive at {db}" in err
    assert db.read_bytes() == b"my notes\n"
    empty = tmp_path / "new.db"
    empty.write_bytes(b"")  # e.g. touched, or opened by a reader a moment before: nothing to lose
    code, _, err = run(empty, "track", str(SEED), "--name", "方案")
    assert code == 0 and "created a new archive at" in err


BAD_FILTERS = [
    (["--relation", "alterd"], "unknown relation 'alterd' (expected one of identical, repost, altered_repost"),
    (["--plan", "nosuch"], "unknown plan 'nosuch'"),
    (["--source", "nosuch"], "unknown source 'nosuch' (known: miit)"),
    (["--since", "2026-05-01", "--until", "2026-03"], "--since 2026-05-01 is after --until 2026-03"),
    (["--since", "yesterday"], "--since must be a date like 2026-03-01 (got 'yesterday')"),
]


@pytest.mark.parametrize(("options", "message"), BAD_FILTERS, ids=lambda v: str(v))
def test_bad_filters_are_one_line_errors_everywhere(archive_path: Path, options: list[str], message: str) -> None:
    for command in (["search", "算力"], ["export"]):
        code, out, err = run(archive_path, *command, *options)
        assert code == 2 and out == "" and err.strip().count("\n") == 0, (command, err)
        assert message in err
    params = {options[i].lstrip("-"): options[i + 1] for i in range(0, len(options), 2)}
    with TestClient(create_app(archive_path)) as client:
        api = client.get("/api/search", params={"q": "算力", **params})
        assert api.status_code == 400 and message in api.json()["error"]
        page = client.get("/search", params={"q": "算力", **params})
        assert page.status_code == 400 and message in page.text.replace("&#39;", "'")


def test_alert_filters_are_checked_in_cli_web_and_api(archive_path: Path) -> None:
    code, _, err = run(archive_path, "alerts", "list", "--plan", "nosuch")
    assert code == 2 and "unknown plan 'nosuch'" in err
    code, _, err = run(archive_path, "alerts", "list", "--priority", "urgent")
    assert code == 2 and "unknown priority 'urgent' (expected one of low, normal, high)" in err
    code, _, err = run(archive_path, "alerts", "list", "--kind", "nosuch")
    assert code == 2 and "unknown alert kind 'nosuch'" in err
    code, _, err = run(archive_path, "search", "算力", "--status", "gone")
    assert code == 2 and "unknown status 'gone' (expected one of ok, deleted" in err
    with TestClient(create_app(archive_path)) as client:
        for params, message in (({"plan": "nosuch"}, "unknown plan 'nosuch'"),
                                ({"priority": "urgent"}, "unknown priority 'urgent'"),
                                ({"source": "x"}, "unknown source 'x'")):
            api = client.get("/api/alerts", params=params)
            assert api.status_code == 400 and message in api.json()["error"]
        assert client.get("/api/alerts", params={"plan": "融合赋能"}).status_code == 200


def test_good_filters_still_find(archive_path: Path) -> None:
    code, out, err = run(archive_path, "search", "算力", "--relation", "altered_repost", "--plan", "融合赋能",
                         "--source", "miit", "--since", "2026-03", "--until", "2026-03-02")
    assert code == 0 and "关于算力的通知" in out, err
