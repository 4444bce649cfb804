"""Shared helpers for the alert, channel and scheduler tests (no tests here).

``make_alert`` writes a real alert into a real archive through the public Archive API:
a tracked plan, a saved document version, a comparison and the outbox entry, exactly
what the crawler's ingest records. ``Receiver`` is a real HTTP server on 127.0.0.1:0
recording every webhook POST.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.normalise import finish
from store.archive import Archive
from store.model import Document
from tests.support.site import Request, Response, Site, serve_site

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_9b394f8deb7d7ec6.txt"
PLAN_TITLE = "工业互联网和人工智能融合赋能行动方案"

FIGURES = [{"context": "培育工业互联网平台", "plan": "50000", "doc": "60000"},
           {"context": "到2028年 推广标杆案例", "plan": "500个", "doc": "300个"}]
CHANGES = [{"kind": "changed", "section": "二、（三）",
            "plan_text": "到2028年，推动不少于50000家企业实施新型工业网络改造升级。",
            "doc_text": "到2028年，推动不少于60000家企业实施新型工业网络改造升级。"},
           {"kind": "added", "section": "三、（一）", "plan_text": "",
            "doc_text": "支持有条件的地区先行先试，<script>alert(1)</script> 打造[示范](http://evil.example)区。"}]


def plan_page(*, figure: str = "50000", title: str = f"转发：{PLAN_TITLE}") -> str:
    """An HTML page reposting the seed plan's text, with its key figure set to ``figure``."""
    body = SEED.read_text(encoding="utf-8").split("---", 2)[2]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip() and not p.strip().startswith(("!", "#"))]
    html_body = "".join(f"<p>{p}</p>" for p in paragraphs).replace("50000", figure)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{html_body}</body></html>")


def summary(**overrides: Any) -> dict[str, Any]:
    """An alert summary as the crawler's ingest writes it."""
    data = {"title": f"转发：{PLAN_TITLE}", "url": "https://mp.weixin.qq.com/s/abc123",
            "account": "工信微报", "source": "wechat-gongxinweibao", "relation": "altered_repost",
            "priority": "high", "figures": FIGURES, "changes": CHANGES,
            "counts": {"changed": 1, "added": 1, "removed": 0}}
    data.update(overrides)
    return data


def make_alert(archive: Archive, *, n: int = 1, priority: str = "high", relation: str = "altered_repost",
               plan: str = "ai-industrial-internet", group_key: str | None = None,
               **summary_overrides: Any) -> int:
    """Record one alert (document n) in ``archive`` and return its id."""
    plan_result = archive.track_plan(plan, finish(Document(kind="export", title=PLAN_TITLE,
                                                    body=SEED.read_text(encoding="utf-8")[:4000])))
    doc = finish(Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/doc{n}", title=f"转发 {n}：{PLAN_TITLE}",
                   account=f"公众号{n}", body=f"正文 {n}：到2028年，推动不少于60000家企业。", source="wechat-test"))
    saved = archive.save(doc, source="wechat-test")
    comparison = {"relation": relation, "similarity": 0.9, "coverage": 0.8, "changes": CHANGES, "figures": FIGURES}
    comparison_id = archive.save_comparison(saved.version_id, plan_result.plan_version_id, comparison)
    alert_id, _created = archive.enqueue_alert(
        group_key=group_key or f"group-{n}", priority=priority, plan_id=plan_result.plan_id,
        document_id=saved.document_id, version_id=saved.version_id, comparison_id=comparison_id,
        relation=relation, title=doc.title,
        summary=summary(priority=priority, relation=relation, title=doc.title, account=doc.account,
                        url=doc.url, **summary_overrides))
    return alert_id


@dataclass
class Receiver:
    """A webhook receiver: every POST recorded with its parsed JSON body."""

    site: Site

    @property
    def url(self) -> str:
        return self.site.url("/hook")

    def posts(self, path: str = "/hook") -> list[Request]:
        return [r for r in self.site.requests if r.method == "POST" and r.path == path]

    def bodies(self, path: str = "/hook") -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.posts(path)]


@contextmanager
def receiver(answer: Callable[[Request], Any] | None = None, path: str = "/hook") -> Iterator[Receiver]:
    """Serve ``answer`` (default: the WeCom/DingTalk success JSON) at ``path`` on 127.0.0.1:0."""
    ok = json.dumps({"errcode": 0, "errmsg": "ok", "code": 0})
    with serve_site() as site:
        site.route(path, answer or ok, content_type="application/json")
        yield Receiver(site)


__all__ = ["Receiver", "Response", "make_alert", "plan_page", "receiver", "summary"]
