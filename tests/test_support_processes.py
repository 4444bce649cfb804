"""tests.support.processes: a forked ``python -m`` child is a process of its own, given exactly
what a plain subprocess would be given, and a policywatch command answers the same either way."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import processes

ROOT = Path(__file__).resolve().parent.parent
PROBE = [sys.executable, "-m", "tests.support.probe"]
SEED = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"


@pytest.fixture(params=[True, False], ids=["forked", "plain"])
def mode(request, monkeypatch) -> bool:
    monkeypatch.setattr(processes, "FORK", request.param)
    return request.param


def probe(*args: str, cwd: Path, **kwargs) -> tuple[subprocess.CompletedProcess, dict]:
    done = processes.run([*PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "PROBE": "given"}, **kwargs)
    return done, json.loads(done.stdout.splitlines()[0])


def test_the_child_gets_its_own_pid_cwd_env_argv_and_exit_status(mode, tmp_path):
    done, seen = probe("exit", "3", cwd=tmp_path)
    assert done.returncode == 3 and done.stderr == "probe stderr\n"
    assert seen["pid"] != os.getpid() and seen["cwd"] == str(tmp_path) and seen["probe"] == "given"
    assert seen["argv"][1:] == ["exit", "3"] and seen["argv"][0].endswith("probe.py")
    assert seen["stdin"] == ""
    assert (seen["ppid"] == os.getpid()) is not mode, "a forked child's parent is the fork server"


def test_an_uncaught_exception_exits_1_with_its_traceback(mode, tmp_path):
    done, _ = probe("raise", "boom", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "RuntimeError: boom" in done.stderr


def test_sigkill_and_timeouts_end_the_child(mode, tmp_path):
    out = tmp_path / "out.txt"
    with out.open("wb") as log:
        child = processes.start([*PROBE, "sleep", "60"], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
    with pytest.raises(subprocess.TimeoutExpired):
        child.wait(timeout=0.5)
    assert child.poll() is None
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL
    child.kill()  # a second kill of a dead child does nothing, as with Popen
    assert json.loads(out.read_text().splitlines()[0])["pid"] == child.pid
    with pytest.raises(subprocess.TimeoutExpired):
        processes.run([*PROBE, "sleep", "60"], cwd=tmp_path, timeout=0.5,
                      env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_command_with_input_is_a_plain_subprocess(tmp_path):
    done, seen = probe("exit", "0", cwd=tmp_path, input="typed")
    assert seen["stdin"] == "typed" and seen["ppid"] == os.getpid()


def test_a_policywatch_command_answers_the_same_forked_or_plain(monkeypatch, tmp_path):
    changed = tmp_path / "changed.txt"
    changed.write_text(SEED.read_text(encoding="utf-8").replace("50000", "60000"), encoding="utf-8")
    command = [sys.executable, "-m", "policywatch", "diff", str(SEED), str(changed), "--format", "json"]
    answers = []
    for fork in (True, False):
        monkeypatch.setattr(processes, "FORK", fork)
        done = processes.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        answers.append((done.returncode, json.loads(done.stdout), done.stderr))
    assert answers[0] == answers[1]
    assert "60000" in json.dumps(answers[0][1], ensure_ascii=False)
