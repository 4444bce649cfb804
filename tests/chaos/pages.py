"""Content of the misbehaving site: WeChat-style articles, an RSS feed, status pages.

Each article is a copy of the tracked plan with one figure changed and a closing
line naming the article (``本文编号A07。``), so every article is a distinct document
that is related to the plan and raises its own alert; a few are unrelated texts
that raise none. The plan text is the seed plan normalised as policywatch reads it.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_PLAN = ROOT / "seeds" / "000_9b394f8deb7d7ec6.txt"
FIXTURES = ROOT / "tests" / "fixtures"
PLAN_NAME = "工业互联网和人工智能融合赋能行动方案"
ACCOUNT = "混沌测试号"
_UNRELATED = ("今天天气晴朗，适合外出散步。", "本地图书馆周末开放时间调整为上午九点至下午五点。",
              "社区篮球赛将于下周六举行，欢迎居民报名参加。")


@dataclass(frozen=True)
class Article:
    """One article the site publishes; ``related`` ones should raise an alert."""

    slug: str
    title: str
    paragraphs: tuple[str, ...]
    related: bool
    published: datetime

    @property
    def marker(self) -> str:
        """The sentence only this article contains (finds it in the archive)."""
        return f"本文编号{self.slug}。"


@lru_cache(maxsize=1)
def plan_paragraphs() -> tuple[str, ...]:
    """The tracked plan's body paragraphs, as policywatch's normaliser reads the seed."""
    from crawler.normalise import load

    return tuple(p for p in load(str(SEED_PLAN)).body.split("\n\n") if p.strip())


def make_articles(count: int, seed: int) -> list[Article]:
    """``count`` articles, about one in five unrelated; the same seed gives the same site."""
    rng = random.Random(seed)
    base = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)
    articles = []
    for index in range(count):
        slug = f"A{index:02d}"
        related = index % 5 != 4
        if related:
            paragraphs = [p.replace("50000", str(50000 + 1000 * (index + 1))) for p in plan_paragraphs()]
        else:
            paragraphs = [rng.choice(_UNRELATED) for _ in range(3)]
        paragraphs.append(f"本文编号{slug}。")
        title = f"工信部印发融合赋能行动方案（转载{slug}）" if related else f"社区通知{slug}"
        articles.append(Article(slug, title, tuple(paragraphs), related, base + timedelta(hours=index)))
    return articles


def wechat_article(article: Article, link: str, *, malformed: bool = False, padding: int = 0) -> str:
    """A WeChat article page (script variables + ``#js_content``), optionally malformed or padded."""
    closing = "" if malformed else "</p>"
    body = "".join(f"<p>{html.escape(p)}{closing}" for p in article.paragraphs)
    if malformed:
        body += "<div><span><b>未闭合的标签<table><tr><td>"
    filler = f"<!-- {'填充' * (padding // 6)} -->" if padding else ""
    stamp = int(article.published.timestamp())
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(article.title)}</title>
<script>var msg_title = "{article.title}"; var nickname = "{ACCOUNT}"; var ct = "{stamp}";
var msg_link = "{link}";</script></head>
<body><div class="rich_media_content" id="js_content">{body}</div>{filler}</body></html>"""


def antibot_page() -> str:
    """WeChat's 环境异常 verification page (served with HTTP 200)."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>验证</title>"
            "<script src='https://res.wx.qq.com/mmbizwap/zh_CN/htmledition/js/poc.js'></script></head><body>"
            "<div class='weui-msg'><p class='weui-msg__title'>环境异常</p>"
            "<div class='weui-msg__desc'>当前环境异常，完成验证后即可继续访问。</div>"
            "<a href='/mp/wappoc_appmsgcaptcha?poc_token=x'>去验证</a></div></body></html>")


def deleted_page() -> bytes:
    """A real saved WeChat "deleted by the author" page (HTTP 200)."""
    return (FIXTURES / "real" / "wechat" / "wae_deleted01.html").read_bytes()


def rss_feed(items: list[tuple[str, str, datetime]], *, title: str = "混沌测试号") -> str:
    """RSS 2.0 with one title-only item per (link, title, date); the guid repeats the link's path."""
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(link)}</link>"
        f"<guid isPermaLink='false'>{html.escape(link.split('?')[0].rsplit('/', 1)[-1])}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for link, t, when in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<link>http://127.0.0.1/</link><description>chaos</description>{entries}</channel></rss>")
