"""Secrets from policywatch.toml never reach a log line, an error message or the archive file.

Every channel kind that carries a credential is configured with a distinctive one
(tokens inside webhook URLs, signing secrets, header tokens, an SMTP password, an
apprise URL), read from the environment as the docs recommend. Deliveries then fail
in every way a secret could leak through: HTTP 500 answers, refused connections,
an SMTP server without AUTH. The whole stderr of ``policywatch alerts send`` and of
``policywatch alerts list/test/channels``, the archive file and its WAL are searched byte by byte.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chaos import hostile
from tests.chaos.mailbox import mailbox
from tests.chaos.receiver import Receiver
from tests.support import processes

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "PW_WECOM_KEY": "wecomkey7Q2xTT9f0c1d2e3f",
    "PW_DING_TOKEN": "dingtoken5b8c9d0e1f2a3b4c",
    "PW_DING_SECRET": "SECdingsecret1a2b3c4d5e6f",
    "PW_FEISHU_HOOK": "feishuhook0a1b2c3d4e5f6a7b",
    "PW_FEISHU_SECRET": "feishusecret9z8y7x6w5v",
    "PW_HOOK_TOKEN": "hooktoken3c4d5e6f7a8b9c0d",
    "PW_HOOK_SECRET": "hooksecret2b3c4d5e6f7a8b",
    "PW_SMTP_PASSWORD": "smtppass4d5e6f7a8b9c0d1e",
    "PW_TG_TOKEN": "123456789:tgtokenAAbbCCddEEff",
    "PW_AZ_CODE": "azcode8d7c6b5a4f3e2d1c",
    "PW_ECHO_TOKEN": "echotoken1f2e3d4c5b6a7f8e",
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(path: Path, bots: Receiver, mail_url: str) -> Path:
    dead = f"http://127.0.0.1:{_closed_port()}"
    path.write_text(f"""
[schedule]
retry_base = "1s"

[[channel]]
name = "wecom"
kind = "wecom"
url = "{bots.base_url}/broken/wecom?key=${{PW_WECOM_KEY}}"

[[channel]]
name = "dingtalk"
kind = "dingtalk"
url = "{dead}/robot/send?access_token=${{PW_DING_TOKEN}}"
secret = "${{PW_DING_SECRET}}"

[[channel]]
name = "feishu"
kind = "feishu"
url = "{bots.base_url}/broken/open-apis/bot/v2/hook/${{PW_FEISHU_HOOK}}"
secret = "${{PW_FEISHU_SECRET}}"

[[channel]]
name = "hook"
kind = "webhook"
url = "{dead}/hook"
secret = "${{PW_HOOK_SECRET}}"
headers = {{ Authorization = "Bearer ${{PW_HOOK_TOKEN}}" }}

[[channel]]
name = "echoing"
kind = "webhook"
url = "{bots.base_url}/echo?az=${{PW_AZ_CODE}}"
headers = {{ Authorization = "Bearer ${{PW_ECHO_TOKEN}}" }}

[[channel]]
name = "mail"
kind = "email"
url = "{mail_url}"
from = "pw@example.org"
to = "a@example.org"
username = "policywatch"
password = "${{PW_SMTP_PASSWORD}}"
starttls = false

[[channel]]
name = "telegram"
kind = "apprise"
url = "tgram://${{PW_TG_TOKEN}}/12345"
timeout = "2s"
""", encoding="utf-8")
    return path


def _policywatch(db: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    return processes.run([sys.executable, "-m", "policywatch", "--db", str(db), "--config", str(config), *args],
                         capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, **SECRETS, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def leaked(tmp_path_factory):
    directory = tmp_path_factory.mktemp("secrets")
    archive = hostile.build(directory / "archive.db")
    with Receiver(broken_paths=("/broken",), echo_paths=("/echo",)) as bots, mailbox() as mail:
        config = _config(directory / "policywatch.toml", bots, mail.url)
        runs = [_policywatch(archive.path, config, "alerts", "send"),
                _policywatch(archive.path, config, "--debug", "alerts", "send"),
                _policywatch(archive.path, config, "alerts", "test", "dingtalk"),
                _policywatch(archive.path, config, "alerts", "test", "telegram"),
                _policywatch(archive.path, config, "alerts", "list", "--pending"),
                _policywatch(archive.path, config, "alerts", "channels")]
    output = "\n".join(run.stdout + run.stderr for run in runs)
    stored = b"".join(p.read_bytes() for p in directory.glob("archive.db*"))
    return {"runs": runs, "output": output, "stored": stored}


def test_deliveries_really_failed(leaked):
    first = leaked["runs"][0]
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in leaked["output"]
    assert first.stdout.count("1 failed") == len(SECRETS) - 4, first.stdout
    assert all(run.returncode in (0, 1, 2) for run in leaked["runs"]), [r.stderr[-300:] for r in leaked["runs"]]


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secret_never_in_logs(leaked, name):
    """Also the bare token of ``Bearer ${TOKEN}`` echoed by a server, and a ``${…}`` in any query parameter."""
    assert SECRETS[name] not in leaked["output"], f"{name} leaked into the output"


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secret_never_in_the_archive(leaked, name):
    assert SECRETS[name].encode() not in leaked["stored"], f"{name} is stored in the archive file"
