"""A small MIIT implementation plan and MIIT pages, for the tests of a policy's life (lifecycle, timeline API)."""
from __future__ import annotations

from crawler.normalise import finish
from store.model import Document

NAME = "新型工业网络建设实施方案"
BODY = "\n\n".join([
    "一、总体要求", "到2028年，建成不少于200个新型工业网络示范工厂，网络改造企业达到5000家。",
    "二、重点任务", "（一）推进网络改造。支持企业开展内网改造，推广工业光网、5G工厂等新型网络。",
    "（二）强化标准引领。加快制定新型工业网络关键标准，推动标准贯彻实施和国际合作。",
    "三、保障措施", "加强部门协同，加大财政金融支持，强化人才培养，营造良好发展环境。",
])


def miit(slug: str, title: str, body: str, published: str = "2026-11-20", **meta: str) -> Document:
    """A normalised MIIT article page (content hash and all, as the normaliser gives it)."""
    return finish(Document(kind="miit", url=f"https://www.miit.gov.cn/zwgk/art/{slug}.html", title=title, body=body,
                           published_at=published, meta=meta))
