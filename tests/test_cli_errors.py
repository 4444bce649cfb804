"""Every family of expected failure reaches the user the same way: ``Error: <one line>`` on
stderr, a non-zero exit status, no traceback and nothing on stdout.

The engines raise their own errors (policywatch/errors.py's tree); the CLI translates
them once, in ``policywatch/cli/__init__.py``. Each case below provokes one family
through a real command on real files, in process (click's runner; the subprocess
entry point's own guard is checked in test_cli_startup.py).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.normalise import finish
from policywatch.cli import group
from store.archive import Archive
from store.model import Document


def _archive(tmp_path: Path) -> Path:
    """A real archive holding one document and nothing tracked."""
    path = tmp_path / "pw.db"
    with Archive(path) as archive:
        archive.save(finish(Document(kind="miit", url="https://www.miit.gov.cn/a/1.html", title="关于推进工业互联网的通知",
                              body="到2028年，推动不少于50000家企业实施改造。")))
    return path


def _config_error(tmp_path: Path) -> list[str]:  # ConfigError (policywatch.config)
    (tmp_path / "bad.toml").write_text("[alerts]\nmin_priority = 'urgent'\n", encoding="utf-8")
    return ["--db", str(_archive(tmp_path)), "--config", str(tmp_path / "bad.toml"), "alerts", "list"]


def _sources_error(tmp_path: Path) -> list[str]:  # SourcesError (crawler.sources)
    (tmp_path / "sources.toml").write_text("[[source]]\nname = 'x'\nkind = 'nope'\nurl = 'https://a.b/'\n",
                                           encoding="utf-8")
    return ["--db", str(tmp_path / "pw.db"), "crawl", "--sources", str(tmp_path / "sources.toml")]


def _normalise_error(tmp_path: Path) -> list[str]:  # NormaliseError (crawler.normalise)
    (tmp_path / "empty.html").write_bytes(b"")
    return ["--db", str(tmp_path / "pw.db"), "track", str(tmp_path / "empty.html"), "--name", "plan"]


def _pdf_error(tmp_path: Path) -> list[str]:  # PdfError (crawler.pdftext), through the normaliser
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    return ["normalise", str(tmp_path / "broken.pdf")]


def _archive_error(tmp_path: Path) -> list[str]:  # ArchiveError (store.errors)
    return ["--db", str(_archive(tmp_path)), "untrack", "no-such-plan"]


def _search_error(tmp_path: Path) -> list[str]:  # SearchError (store.errors)
    return ["--db", str(_archive(tmp_path)), "search", "工业", "--since", "last tuesday"]


def _backup_error(tmp_path: Path) -> list[str]:  # ArchiveError from maintenance: never overwrite
    (tmp_path / "taken.db").write_bytes(b"someone's file")
    return ["--db", str(_archive(tmp_path)), "backup", str(tmp_path / "taken.db")]


def _unknown_plan(tmp_path: Path) -> list[str]:  # UnknownPlan (policywatch.implementations)
    return ["--db", str(_archive(tmp_path)), "implementations", "no-such-plan"]


def _cluster_error(tmp_path: Path) -> list[str]:  # ClusterError (policywatch.cluster)
    return ["nodes", "--node", "ftp://crawl1:6800"]


def _cli_error(tmp_path: Path) -> list[str]:  # CliError (policywatch.cli.common): bad command-line input
    return ["--db", str(tmp_path / "pw.db"), "track", "--name", "plan"]


def _not_an_archive(tmp_path: Path) -> list[str]:  # CliError from opening: a file that is not SQLite
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    return ["--db", str(tmp_path / "notes.txt"), "plans"]


CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "config": (_config_error, "Error: config: [alerts] min_priority must be one of"),
    "sources": (_sources_error, "source #1 (x): 'kind' must be one of miit, feed,"),
    "normalise": (_normalise_error, "Error: empty input: nothing to normalise"),
    "pdf": (_pdf_error, "Error: unreadable PDF: "),
    "archive": (_archive_error, "Error: no tracked plan 'no-such-plan'"),
    "search": (_search_error, "Error: --since must be a date like 2026-03-01 (got 'last tuesday')"),
    "backup": (_backup_error, "already exists; a backup never overwrites a file"),
    "unknown plan": (_unknown_plan, "Error: no tracked plan named no-such-plan"),
    "cluster": (_cluster_error, "Error: not a scrapyd node URL (want http://host:port): 'ftp://crawl1:6800'"),
    "cli": (_cli_error, "Error: track needs PATH and --name NAME"),
    "not an archive": (_not_an_archive, "(the file is not an SQLite database)"),
}


@pytest.mark.parametrize("family", list(CASES))
def test_each_error_family_is_one_line_and_a_non_zero_exit(tmp_path: Path, family: str) -> None:
    provoke, expected = CASES[family]
    args = provoke(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = CliRunner().invoke(group, args, catch_exceptions=False)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0], lines
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p in before} == before  # nothing lost
