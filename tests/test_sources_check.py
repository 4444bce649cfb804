"""``policywatch sources --check`` against loopback mirrors: family per source, blocked and unreachable ones."""
from __future__ import annotations

import json
import socket
import subprocess
import sys

from tests.support import processes, serve_site
from tests.support.crawl import ROOT, write_sources
from tests.support.govcn import GovcnLibrary, docs
from tests.support.govsites import JcmsColumn, JpaasColumn, TrsColumn, articles


def run(*args: str) -> subprocess.CompletedProcess:
    return processes.run([sys.executable, "-m", "policywatch", *args], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_names_each_family_and_reports_blocked_and_unreachable(tmp_path):
    with serve_site() as site:
        trs = TrsColumn(site, articles(7))
        jcms = JcmsColumn(site, articles(7))
        jpaas = JpaasColumn(site, articles(3))
        library = GovcnLibrary(site, docs(2))
        site.route("/blocked/", "<html><script>$_ts=window['$_ts'];</script></html>", status=412)
        table = [("trs", trs.url), ("jcms", jcms.url), ("jpaas", jpaas.url), ("blocked", site.url("/blocked/")),
                 ("down", f"http://127.0.0.1:{free_port()}/x/")]
        path = write_sources(tmp_path, [{"name": n, "kind": "column", "url": u, "allow_private": True}
                                        for n, u in table]
                             + [{"name": "lib", "kind": "govcn", "url": library.url(), "allow_private": True}])
        result = run("sources", "--sources", str(path), "--check", "--timeout", "5", "--format", "json")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        found = {r["name"]: r for r in json.loads(result.stdout)}
        assert [found[n]["family"] for n in ("trs", "jcms", "jpaas")] == ["trs", "jcms", "jpaas"]
        assert (found["trs"]["items"], found["jcms"]["items"]) == (5, 5)
        assert (found["blocked"]["state"], found["blocked"]["reason"]) == ("blocked", "js-challenge")
        assert found["down"]["state"] == "unreachable"
        assert (found["lib"]["family"], found["lib"]["items"]) == ("govcn-library", 2)
        text = run("sources", "--sources", str(path), "--source", "trs", "--check")
        assert text.returncode == 0 and "trs family, 5 article links on page 1" in text.stdout


def test_shipped_sources_enable_miit_and_govcn_and_document_eight_provinces():
    from crawler.sources import load_sources

    enabled = load_sources()
    assert {s.kind for s in enabled} == {"miit", "feed", "govcn"}
    shipped = load_sources(names=[])
    assert shipped == enabled
    text = (ROOT / "seeds" / "sources.toml").read_text(encoding="utf-8")
    provinces = [line for line in text.splitlines() if line.startswith("name = ") and
                 any(p in line for p in ("jiangsu", "shandong", "zhejiang", "guangdong", "beijing", "shanghai",
                                         "hubei", "henan", "sichuan"))]
    assert len(provinces) >= 8
    assert "ndrc-" in text and "cac-" in text and text.count("# family:") >= 15


def test_bad_sources_file_is_one_line(tmp_path):
    path = write_sources(tmp_path, [{"name": "x", "kind": "column", "url": "https://a.gov.cn/", "links": "a[["}])
    result = run("sources", "--sources", str(path), "--check")
    assert result.returncode == 2 and "bad selector" in result.stderr and "Traceback" not in result.stderr
