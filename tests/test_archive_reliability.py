"""Reliability for real: concurrent writer processes, SIGKILL in the middle of saving.

Worker processes run the real Archive on a real file; nothing is mocked.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.archive import Archive
from tests.support.archive_checks import assert_consistent

ROOT = Path(__file__).resolve().parent.parent

#: Saves documents forever (or COUNT of them): new ones, new versions, unchanged, deletions.
SAVER = """
import sys
from store.archive import Archive
from store.searchindex import rebuild
from store.model import Document
path, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with Archive(path, timeout=60) as archive:
    n = 0
    while count < 0 or n < count:
        doc_no, revision = n % 40, n // 40
        status = "deleted" if n % 17 == 0 else "ok"
        body = f"第{revision}版：推动不少于{50000 + revision}家企业实施新型工业网络改造。" * 40
        archive.save(Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/{tag}{doc_no}", title=f"转载{doc_no}",
                              body=body, status=status, content_hash=f"{tag}{doc_no}-{revision}"))
        n += 1
        if n % 10 == 0:
            print(n, flush=True)
"""

TRACKER = """
import sys
from store.archive import Archive
from store.searchindex import rebuild
from store.model import Document
path, count = sys.argv[1], int(sys.argv[2])
with Archive(path, timeout=60) as archive:
    for n in range(count):
        archive.track_plan("融合赋能", Document(kind="export", url="file:plan", title="行动方案",
                                              body=f"到{2028 + n}年，推动不少于50000家企业。", content_hash=f"p{n}"))
print("tracked", flush=True)
"""


def worker(script: str, *args: object) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)





def newest_texts(count: int) -> dict[int, int]:
    """Per document number, the revision of its newest text after SAVER's ``count`` saves."""
    newest: dict[int, int] = {}
    for n in range(count):
        if n % 17:
            newest[n % 40] = n // 40
    return newest


def test_crawl_and_track_write_at_once(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()
    savers = [worker(SAVER, path, 320, tag) for tag in ("a", "b")]
    tracker = worker(TRACKER, path, 30)
    outputs = [p.communicate(timeout=240) for p in [*savers, tracker]]
    assert [p.returncode for p in [*savers, tracker]] == [0, 0, 0], [err for _, err in outputs]
    assert "tracked" in outputs[2][0]
    assert_consistent(path)
    with Archive(path) as archive:
        assert archive.stats()["documents"] == 80
        assert [v["seq"] for v in archive.plan("融合赋能")["versions"]] == list(range(1, 31))
        for revision in (6, 7):  # the newest text of each document, whatever the interleaving
            expected = 2 * sum(1 for text in newest_texts(320).values() if text == revision)
            assert archive.search(f"{50000 + revision}家").total == expected > 0


@pytest.mark.parametrize("rounds", [4])
def test_sigkill_mid_save_leaves_a_consistent_archive(tmp_path, rounds):
    path = tmp_path / "archive.db"
    rng = random.Random(4)
    saved_before = 0
    for _ in range(rounds):
        process = worker(SAVER, path, -1, "k")
        assert process.stdout.readline(), process.stderr.read()  # it is saving
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        versions = assert_consistent(path)
        assert versions >= saved_before  # nothing committed is lost
        saved_before = versions
    with Archive(path) as archive:  # the killed archive opens and takes new work
        result = archive.save(archive_document())
        assert result.outcome == "new"
    assert assert_consistent(path) == saved_before + 1


def archive_document():
    from store.model import Document

    return Document(kind="wechat", url="https://mp.weixin.qq.com/s/after-kill", body="恢复后继续保存。", content_hash="z")


@pytest.mark.chaos
def test_sigkill_soak(tmp_path):
    test_sigkill_mid_save_leaves_a_consistent_archive(tmp_path, 40)
