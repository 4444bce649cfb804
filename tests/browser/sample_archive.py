"""A small, realistic archive for the review-page tests, built through the real ingest path.

The tracked plan is the body of the seed (《工业互联网和人工智能融合赋能行动方案》, from its
title line to …新职业培训和评价。, bold marks stripped). Documents:

* an altered repost (不少于50000家 → 60000家, 到2028年 → 到2027年) by 工信观察,
* a faithful repost with its own lead by 赛博研究院,
* an MIIT notice about 算力 (unrelated to the plan) with a 文号 and two versions,
* a document whose title, account and body carry XSS payloads (and mention 算力), stored first,
* an excerpt (section 二 by 浙江经信) and an interpretation article (by 中国信通院),
* ``extra`` filler articles about 算力 so that search has several pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crawler.ingest import Ingestor
from crawler.normalise import finish
from store.archive import Archive
from store.model import Document
from store.records import AlertRecord

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_9b394f8deb7d7ec6.txt"
PLAN_NAME = "ai-industrial-internet"
PLAN_TITLE = "工业互联网和人工智能融合赋能行动方案"
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'


def plan_body() -> str:
    """The plan text of the seed: title line through …新职业培训和评价。, without ** marks."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index(PLAN_TITLE)
    end = next(i for i, line in enumerate(lines) if line.rstrip("*").endswith("新职业培训和评价。"))
    return "\n".join(lines[start:end + 1]).replace("**", "").strip()


def altered_body(plan: str) -> str:
    """The plan with the two planted edits of the issue: 50000 → 60000 and 到2028年 → 到2027年."""
    assert "不少于50000家" in plan and "到2028年" in plan
    return plan.replace("不少于50000家", "不少于60000家").replace("到2028年", "到2027年")


@dataclass
class SampleArchive:
    """Ids of what :func:`build` stored, for tests to open the right pages."""

    path: Path
    plan_id: int = 0
    altered_id: int = 0
    repost_id: int = 0
    notice_id: int = 0
    xss_id: int = 0
    notice_versions: list[int] = field(default_factory=list)


def _doc(url: str, title: str, body: str, **fields: object) -> Document:
    """A wechat-kind document with sensible defaults."""
    values: dict[str, object] = {"kind": "wechat", "url": url, "canonical_url": url, "title": title,
                                 "body": body, "fetched_at": "2026-01-08T03:30:43+00:00"}
    values.update(fields)
    return finish(Document(**values))


def build(path: Path, *, extra: int = 0) -> SampleArchive:
    """Create the sample archive at ``path`` (through ``Ingestor``, like a crawl would)."""
    sample = SampleArchive(path=path)
    plan = plan_body()
    with Archive(path) as archive:
        tracked = archive.track_plan(PLAN_NAME, finish(Document(kind="export", title=PLAN_TITLE, body=plan,
                                                         url="https://www.miit.gov.cn/plan")))
        sample.plan_id = tracked.plan_id
        ingest = Ingestor(archive)
        sample.xss_id = ingest.ingest_document(_doc(
            "https://mp.weixin.qq.com/s/xss", f"{XSS_SCRIPT}恶意标题{XSS_IMG}",
            f"{_opening(plan)}\n\n{XSS_IMG}算力{XSS_SCRIPT}正文。", account=XSS_IMG,
            published_at="2026-01-10T09:00:00+08:00"), source="wechat-feed").document_id
        ingest.ingest_document(_doc(
            "https://mp.weixin.qq.com/s/excerpt", "【政策】基础底座升级行动要点", _section(plan, "二、"),
            account="浙江经信", published_at="2026-01-08T09:30:00+08:00"), source="wechat-feed")
        ingest.ingest_document(_doc(
            "https://mp.weixin.qq.com/s/comment", "专家解读：融合赋能如何落地", _commentary(plan),
            account="中国信通院", published_at="2026-01-08T15:00:00+08:00"), source="wechat-feed")
        sample.repost_id = ingest.ingest_document(_doc(
            "https://mp.weixin.qq.com/s/repost", "工信部印发《工业互联网和人工智能融合赋能行动方案》",
            plan, lead="近日，工业和信息化部印发《行动方案》。", account="赛博研究院",
            published_at="2026-01-07T10:00:00+08:00", origin="工业和信息化部信息通信管理局"),
            source="wechat-feed").document_id
        sample.altered_id = ingest.ingest_document(_doc(
            "https://mp.weixin.qq.com/s/altered", "重磅！工业互联网和人工智能融合赋能行动方案全文",
            altered_body(plan), lead="编者按：以下为方案全文。", account="工信观察",
            published_at="2026-01-09T08:00:00+08:00"), source="wechat-feed").document_id
        sample.notice_id, sample.notice_versions = _notice(archive, ingest)
        for n in range(extra):
            ingest.ingest_document(_doc(
                f"https://www.miit.gov.cn/extra/{n}", f"算力基础设施建设动态（第{n + 1}期）",
                f"各地加快算力网络建设，第{n + 1}批项目开工。", kind="miit", account="工业和信息化部",
                published_at=f"2026-02-{n % 28 + 1:02d}"), source="miit")
    return sample


def _opening(plan: str) -> str:
    """The plan's first three paragraphs: an excerpt."""
    return "\n\n".join(plan.split("\n\n")[:3])


def _section(plan: str, heading: str) -> str:
    """One top-level section of the plan (heading and its paragraphs), unchanged."""
    paragraphs = plan.split("\n\n")
    start = paragraphs.index(next(p for p in paragraphs if p.startswith(heading)))
    end = next((i for i in range(start + 1, len(paragraphs)) if paragraphs[i][1:2] == "、"), len(paragraphs))
    return "\n\n".join(paragraphs[start:end])


def _commentary(plan: str) -> str:
    """An interpretation: the expert's own text around two quoted clauses of the plan."""
    quoted = [p for p in plan.split("\n\n") if p.startswith(("（三）", "（八）"))]
    return "\n\n".join([
        "《行动方案》的发布，标志着工业互联网与人工智能融合进入规模化推广的新阶段。记者就此采访了有关专家。",
        "专家指出，方案在算力供给方面提出了明确要求。", quoted[0],
        "在行业推广方面，方案强调链网协同。", quoted[1],
        "专家认为，下一步关键在于打通数据、模型与场景，形成可复制的解决方案，地方主管部门应结合实际细化落实。",
    ])


def _notice(archive: Archive, ingest: Ingestor) -> tuple[int, list[int]]:
    """An MIIT notice about 算力 stored in two versions (a figure revised)."""
    url = "https://www.miit.gov.cn/zwgk/zcwj/notice.html"
    text = "为加快算力基础设施建设，现就有关事项通知如下。\n\n一、到2026年底，新建智算中心不少于20个。\n\n二、各地要加强组织实施。"
    fields = {"kind": "miit", "account": "工业和信息化部", "doc_number": "工信部信管〔2026〕12号",
              "published_at": "2026-03-01", "origin": "工业和信息化部"}
    first = ingest.ingest_document(_doc(url, "关于推进算力基础设施建设的通知", text, **fields), source="miit")
    second = ingest.ingest_document(_doc(url, "关于推进算力基础设施建设的通知",
                                         text.replace("不少于20个", "不少于30个"), **fields), source="miit")
    return first.document_id, [first.version_id, second.version_id]


def deleted_article(archive: Archive) -> int:
    """A WeChat article ingested, then its page turned into the deleted template."""
    ingest = Ingestor(archive)
    url = "https://mp.weixin.qq.com/s/gone"
    ingest.ingest_document(finish(Document(kind="wechat", url=url, title="算力解读<b>", account="某公众号",
                                    body="到2026年底，新建智算中心不少于20个。")), source="wechat-feed")
    return ingest.ingest_document(Document(kind="wechat", url=url, status="deleted",
                                           meta={"message": "该内容已被发布者删除"}), source="wechat-feed").document_id


def build_with_kinds(path: Path) -> SampleArchive:
    """The sample archive (its notice gives a revised alert) plus a deleted WeChat article (a status alert)."""
    sample = build(path)
    with Archive(sample.path) as archive:
        deleted_article(archive)
    return sample


def only_alert(sample: SampleArchive, kind: str) -> AlertRecord:
    """The one alert of ``kind`` in the sample."""
    with Archive(sample.path) as archive:
        (found,) = archive.alerts(kind=kind)
    return found
