"""``policywatch datasette``: Datasette started on loopback over a real archive and queried over HTTP."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from crawler.normalise import finish
from policywatch.cli import group
from store.archive import Archive
from store.model import Document
from tests.support.search_corpus import EXTRA, TRAPS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> Path:
    """An archive with the search corpus, a plan, an altered repost (with a changed figure) and a deleted page."""
    path = tmp_path_factory.mktemp("datasette") / "policywatch.db"
    with Archive(path) as archive:
        archive.save_many(TRAPS + EXTRA[:60])
        plan = archive.track_plan("融合赋能", finish(Document(kind="export", url="file:plan", title="方案",
                                                       body="推动不少于50000家企业。")))
        repost = archive.save(Document(kind="wechat", url="https://mp.weixin.qq.com/s/r", title="转载方案",
                                       account="赛博研究院", body="推动不少于60000家企业。", content_hash="r"))
        archive.save_comparison(repost.version_id, plan.plan_version_id, {
            "relation": "altered_repost", "similarity": 0.9,
            "figures": [{"context": "推动不少于60000家企业", "plan": "不少于50000家", "doc": "不少于60000家"}]})
        archive.save(Document(kind="miit", url=TRAPS[0].url, status="deleted", content_hash="gone"))
        drafts = [archive.save(Document(kind="miit", url=f"https://www.miit.gov.cn/draft/{name}", title=title,
                                        body=f"{title}。", content_hash=name))
                  for name, title in (("open", "关于征求意见的通知（开放）"), ("past", "过期的征求意见稿"),
                                      ("final", "已定稿的征求意见稿"))]
        for saved, deadline in zip(drafts, ("2099-01-31", "2020-01-31", "2099-01-31"), strict=True):
            archive.save_consultation(saved.document_id, key=deadline, issuer="工业和信息化部", source="miit",
                                      deadline=deadline, published="2019-12-01")
        final = archive.save(Document(kind="miit", url="https://www.miit.gov.cn/final", title="定稿",
                                      body="定稿。", content_hash="final"))
        archive.link("draft_of", drafts[2].document_id, other_id=final.document_id)
    return path


@pytest.fixture(scope="module")
def datasette(archive_path: Path):
    """``policywatch datasette`` running as a real process on a free loopback port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "policywatch", "--db", str(archive_path), "datasette",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/-/versions.json", timeout=2)
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"datasette did not start: {process.stderr.read().decode()}")
            time.sleep(0.3)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


def rows(url: str, path: str, **params: str) -> list[dict]:
    answer = httpx.get(url + path, params={**params, "_shape": "array"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("query", ["算力", "数据", "工业互联网", "不少于50000家", "5G", "算", "（一）", "算力 -天气",
                                   "天气 OR 下雨", '"ai router"', "5G-A"])
def test_search_query_is_exactly_policywatch_search(datasette: str, archive_path: Path, query: str) -> None:
    with Archive(archive_path) as archive:
        expected = {hit["id"] for hit in archive.search(query, limit=10_000).hits}
    found = {row["id"] for row in rows(datasette, "/policywatch/search.json", q=query)}
    assert found == expected


def test_canned_queries_and_descriptions(datasette: str) -> None:
    altered = rows(datasette, "/policywatch/altered_reposts_this_week.json")
    assert [(r["plan"], r["title"], r["changed_figures"]) for r in altered] == [("融合赋能", "转载方案", 1)]
    figures = rows(datasette, "/policywatch/changed_figures_by_plan.json", plan="融合赋能")
    assert [(r["plan_figure"], r["document_figure"]) for r in figures] == [("不少于50000家", "不少于60000家")]
    consultations = rows(datasette, "/policywatch/open_consultations.json")
    assert [(r["title"], r["deadline"], r["issuer"]) for r in consultations] == [
        ("关于征求意见的通知（开放）", "2099-01-31", "工业和信息化部")]
    assert consultations[0]["days_left"] > 20_000
    deleted = rows(datasette, "/policywatch/deleted_documents.json")
    assert [r["url"] for r in deleted] == [TRAPS[0].url]
    tables = httpx.get(datasette + "/policywatch.json", timeout=30).json()
    assert "search_fts" in {t["name"] for t in tables["tables"] if t["hidden"]}
    page = httpx.get(datasette + "/policywatch/documents", timeout=30).text
    assert "Every page ever fetched" in page


def test_datasette_cannot_write(datasette: str, archive_path: Path) -> None:
    answer = httpx.get(datasette + "/policywatch.json", params={"sql": "delete from documents"}, timeout=30)
    assert answer.status_code == 400
    with Archive(archive_path) as archive:
        assert archive.stats()["documents"] == len(TRAPS) + 60 + 1 + 4


def test_datasette_refuses_what_it_cannot_serve(tmp_path: Path, archive_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(group, ["--db", str(tmp_path / "none.db"), "datasette"])
    assert missing.exit_code == 2 and "no archive at" in missing.stderr
    public = runner.invoke(group, ["--db", str(archive_path), "datasette", "--host", "0.0.0.0"])
    assert public.exit_code == 2 and "loopback only" in public.stderr
