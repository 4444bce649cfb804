"""``policywatch normalise`` through the real console entry point (a subprocess per case)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import processes
from tests.support.normalise import MIIT, SEED, fixture_bytes, wechat_page


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return processes.run([sys.executable, "-m", "policywatch", "normalise", *args],
                         capture_output=True, text=True, timeout=120)


def test_json_output_has_the_contract_keys_in_order():
    result = run_cli(str(SEED))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[:15] == ["kind", "status", "url", "canonical_url", "title", "account", "author",
                               "published_at", "origin", "source", "lead", "body", "outline", "images",
                               "content_hash"]
    assert data["title"] == "工信部印发《工业互联网和人工智能融合赋能行动方案》"
    assert "工业互联网和人工智能融合赋能行动方案" in result.stdout, "JSON keeps Chinese readable (no \\u escapes)"


def test_text_and_markdown_formats(tmp_path):
    page = tmp_path / "article.html"
    page.write_bytes(fixture_bytes(wechat_page("wae_share01_36kr_repost.html")))
    text = run_cli(str(page), "--format", "text")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("比小学生说烂梗更可怕的，是大人也说\n")
    assert "repost of: 新周刊" in text.stdout and "--- body ---" in text.stdout
    markdown = run_cli(str(page), "--format", "markdown")
    assert markdown.stdout.startswith("# 比小学生说烂梗更可怕的，是大人也说") and "## Body" in markdown.stdout


def test_kind_can_be_forced(tmp_path):
    result = run_cli(str(MIIT / "wjfb_data_security_2022.html"), "--kind", "generic")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "generic"


def test_gbk_page_without_any_charset_is_read_correctly(tmp_path):
    page = tmp_path / "gbk.html"
    body = "<p>工业和信息化部召开新闻发布会，介绍今年以来工业通信业发展情况，并回答记者提问。</p>" * 3
    page.write_bytes(f"<html><head><title>新闻发布会</title></head><body><div id='zoom'>{body}</div></body></html>"
                     .encode("gbk"))
    result = run_cli(str(page), "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "工业和信息化部召开新闻发布会" in result.stdout


def _bad_inputs(tmp_path):
    truncated = fixture_bytes(wechat_page("goscraper_jiagoushi_2018.html"))
    return {
        "empty": (b"", "empty input"),
        "blank": (b"  \n\t\n", "empty input"),
        "binary": (bytes(range(256)) * 40, "binary data"),
        "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500), "binary data"),
        "gbk_without_charset_or_body": ("<html><head><title>通知</title></head><body><div></div></body></html>"
                                        .encode("gbk"), "no article text"),
        "truncated": (truncated[: len(truncated) // 3], "truncated HTML"),
        "no_body": (b"<html><head><title>x</title></head><body><div class='nav'></div></body></html>",
                    "no article text"),
    }


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "png", "gbk_without_charset_or_body", "truncated",
                                  "no_body"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, case):
    data, message = _bad_inputs(tmp_path)[case]
    path = tmp_path / f"{case}.html"
    path.write_bytes(data)
    result = run_cli(str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("target", ["missing.html", "."])
def test_missing_path_or_directory(tmp_path, target):
    result = run_cli(str(tmp_path / target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert ("no such file" in result.stderr) or ("is a directory" in result.stderr)


def test_unknown_kind_is_a_usage_error():
    result = run_cli(str(SEED), "--kind", "pdf")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_markdown_output_escapes_page_html(tmp_path):
    page = tmp_path / "evil.html"
    text = "<p>关于加强网络安全的通知，&lt;script&gt;alert(1)&lt;/script&gt; 请各单位认真贯彻落实，确保各项工作取得实效。</p>"
    page.write_text(f"<html><head><title>测试页面标题</title></head><body><div id='zoom'>{text * 2}"
                    "<a href='/x>y.pdf'>附件</a></div></body></html>", encoding="utf-8")
    result = run_cli(str(page), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "<script>" not in result.stdout and "&lt;script&gt;alert(1)" in result.stdout
    assert "/x%3Ey.pdf" in result.stdout


def test_stdin_with_the_pages_url():
    page = fixture_bytes(MIIT / "pdf_only_ai_plan_2026.html")
    url = "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2026/art_9f1c2b3a4d5e6f708192a3b4c5d6e7f8.html"
    result = subprocess.run([sys.executable, "-m", "policywatch", "normalise", "-", "--url", url],
                            input=page, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["url"] == data["canonical_url"] == url
    assert data["attachments"][0]["url"].startswith("https://www.miit.gov.cn/cms_files/filemanager/")


def test_status_page_is_a_document_with_a_note():
    result = run_cli(str(wechat_page("wae_deleted01.html")))
    assert result.returncode == 0
    assert json.loads(result.stdout)["status"] == "deleted"
    assert result.stderr.strip() == "Note: the page is deleted (该内容已被发布者删除); no body."
