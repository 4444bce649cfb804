"""Control characters in stored page text break neither XML nor a terminal.

The normaliser cleans page text; this is the second line: an archive written before that
(or by any other path) holds a title with a terminal escape (``ESC]0;…BEL`` retitles the
window, ``ESC[2J`` clears the screen), C1 controls and the XML non-character U+FFFE. The
Atom feed (served and written by the ``atom`` channel), the review page, mail and chat
must stay well-formed and free of them; a damaged feed file is rebuilt instead of failing
every later delivery; and every CLI command prints them neutralised while our own colour
codes still reach the terminal (and no other style: conceal ``ESC[8m`` could hide text).
"""
from __future__ import annotations

import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from policywatch.alerts import deliver
from policywatch.channels import build_channels
from policywatch.config import parse_config
from policywatch.textsafe import OUR_STYLES, clean_text, terminal_safe
from store.archive import Archive
from tests.browser.sample_archive import build
from tests.browser.server import running_server
from tests.chaos.mailbox import mailbox
from tests.chaos.pages import ROOT
from tests.chaos.receiver import Receiver

TITLE = "控制\x1b]0;pwned\x07字符\x1b[2J\x1b[31m红\x1b[0m\x1b[8m隐\x1b[0m\ufffe\x9b6n\x00标题"
FORBIDDEN = ("\x1b]", "\x07", "\x1b[2J", "\x1b[8m", "\ufffe", "\x9b", "\x00")
#: What must never reach a terminal (U+FFFE is only illegal in XML).
TERMINAL_FORBIDDEN = ("\x1b]", "\x07", "\x1b[2J", "\x1b[8m", "\x9b", "\x00")
VISIBLE = "控制"


def _poison(path) -> list[int]:
    """Put :data:`TITLE` into every stored title (documents, versions, alerts and their summaries)."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE versions SET title = ?", (TITLE,))
        conn.execute("UPDATE alerts SET title = ?", (TITLE,))
        for alert_id, summary in conn.execute("SELECT id, summary FROM alerts").fetchall():
            data = json.loads(summary or "{}")
            data["title"] = TITLE
            conn.execute("UPDATE alerts SET summary = ? WHERE id = ?", (json.dumps(data, ensure_ascii=False), alert_id))
        conn.execute("UPDATE alerts SET reviewed_at = NULL")
        return [row[0] for row in conn.execute("SELECT id FROM alerts ORDER BY id")]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    sample = build(tmp_path_factory.mktemp("controls") / "archive.db")
    sample.alert_ids = _poison(sample.path)
    return sample


def _clean(text: str, where: str, forbidden: tuple[str, ...] = FORBIDDEN) -> None:
    for bad in forbidden:
        assert bad not in text, f"{bad!r} in {where}"
    assert VISIBLE in text, where


def test_the_served_feed_parses_and_pages_carry_no_controls(poisoned):
    with running_server(poisoned.path) as server:
        feed = httpx.get(server.url + "/alerts.atom").text
        pages = {path: httpx.get(server.url + path).text
                 for path in ("/", f"/alerts/{poisoned.alert_ids[0]}", f"/documents/{poisoned.notice_id}")}
    titles = [e.text for e in ET.fromstring(feed.encode()).iter("{http://www.w3.org/2005/Atom}title")]
    assert any(VISIBLE in (t or "") for t in titles)
    _clean(feed, "/alerts.atom")
    for path, html in pages.items():
        _clean(html, path)


def _config(atom_path, mail_url: str, bots_url: str):
    return parse_config({"web": {"base_url": "http://127.0.0.1:8080"}, "channel": [
        {"name": "feed", "kind": "atom", "path": str(atom_path)},
        {"name": "mail", "kind": "email", "url": mail_url, "from": "pw@example.org", "to": "a@example.org",
         "starttls": False},
        {"name": "wecom", "kind": "wecom", "url": f"{bots_url}/wecom?key=k"},
        {"name": "hook", "kind": "webhook", "url": f"{bots_url}/hook"},
    ]})


def test_feed_file_mail_and_chat_carry_no_controls(poisoned, tmp_path):
    atom = tmp_path / "alerts.atom"
    with mailbox() as mail, Receiver() as bots:
        config = _config(atom, mail.url, bots.base_url)
        channels = build_channels(config)
        with Archive(poisoned.path) as archive:
            report = deliver(archive, config, channels)
        for channel in channels:
            channel.close()
        messages, posts = mail.messages(), list(bots.posts)
    assert report.failed == 0, [c.line() for c in report.channels]
    ET.parse(atom)
    _clean(atom.read_text(encoding="utf-8"), "atom file")
    assert messages and posts
    for message in messages:
        parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        _clean(str(message["Subject"]) + "\n".join(parts), "mail")
    for _, body in posts:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        for bad in ("\\u001b", "\x1b", "\\u0007", "\\ufffe", "\\u009b"):
            assert bad not in text.lower(), (bad, text[:300])


def test_a_damaged_feed_file_is_rebuilt_not_fatal(poisoned, tmp_path):
    atom = tmp_path / "alerts.atom"
    atom.write_text("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><title>\x1b",
                    encoding="utf-8")
    config = parse_config({"channel": [{"name": "feed", "kind": "atom", "path": str(atom)}]})
    channels = build_channels(config)
    with Archive(poisoned.path) as archive:
        first = deliver(archive, config, channels)
        with sqlite3.connect(poisoned.path) as conn:
            conn.execute("DELETE FROM alert_deliveries")
        second = deliver(archive, config, channels)
    assert first.failed == 0 and second.failed == 0, [c.line() for c in first.channels + second.channels]
    entries = ET.parse(atom).getroot().findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == len(poisoned.alert_ids)
    assert (tmp_path / "alerts.atom.damaged").read_text(encoding="utf-8").endswith("\x1b")


def _cli(db, *args: str) -> tuple[int, str]:
    """Run ``policywatch ARGS`` on a real terminal (a pty, where click strips nothing): (status, output)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "policywatch", "--db", str(db), *args], stdin=slave,
                               stdout=slave, stderr=slave, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("args", [["alerts", "list"], ["search", "算力"], ["show", "{doc}"],
                                  ["show", "{doc}", "--format", "json"], ["history", "{doc}"]])
def test_cli_output_has_no_foreign_escapes(poisoned, args):
    status, output = _cli(poisoned.path, *[a.format(doc=poisoned.notice_id) for a in args])
    assert status == 0, output
    _clean(output, " ".join(args), TERMINAL_FORBIDDEN)


def test_normalise_output_has_no_foreign_escapes(tmp_path):
    title = "控制\x1b]0;pwned\x1b\\字符\x1b[2J\x9b6n标题"
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>{title}</title></head><body><div id='js_content'><p>{title}正文，"
                    "关于推进工业互联网发展的通知。</p></div></body></html>", encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        status, output = _cli(tmp_path / "unused.db", "normalise", str(page), "--format", fmt)
        assert status == 0, output
        _clean(output, f"normalise --format {fmt}", TERMINAL_FORBIDDEN)


def test_our_own_colours_still_reach_the_terminal(tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# 通知\n\n到2025年，建设5G基站50000个。\n", encoding="utf-8")
    new.write_text("# 通知\n\n到2025年，建设5G基站60000个。\n", encoding="utf-8")
    status, output = _cli(tmp_path / "unused.db", "diff", str(old), str(new))
    assert "\x1b[32;1m{+60000+}\x1b[0m" in output, output


@given(st.text())
def test_clean_text_always_makes_xml(text):
    cleaned = clean_text(text)
    ET.fromstring(f"<t>{cleaned.replace('&', '&amp;').replace('<', '&lt;')}</t>".encode("utf-8", "surrogatepass"))
    assert cleaned == clean_text(cleaned)


@given(st.text(alphabet=st.sampled_from(["\x1b", "[", "]", "0", "8", ";", "m", "K", "\x07", "\x9b", "\r", "P", "\\",
                                          "a", "字", "\n"])))
def test_terminal_safe_lets_only_colour_and_erase_through(text):
    safe = terminal_safe(text)
    without_ours = safe.replace("\r\x1b[K", "")
    for style in re.findall("\x1b\\[([0-9;]*)m", without_ours):
        assert set(style.split(";")) <= OUR_STYLES, style
    without_ours = re.sub("\x1b\\[[0-9;]*m", "", without_ours)
    assert not any(ch in without_ours for ch in "\x1b\x07\x9b\r")
