"""The search tests' corpus: hand-written documents with the formatting traps of real pages
(:data:`TRAPS`: full-width digits, stray spaces, zero-width characters, a line break inside a
word) and 150 documents generated from the real seed plan (:data:`EXTRA`)."""
from __future__ import annotations

from benchmarks.store_corpus import documents
from store.model import Document

TRAPS = [
    Document(kind="miit", url="https://www.miit.gov.cn/a1", title="关于 5G 工业互联网的通知", account="工信部",
             body="（一）推动不少于５００００家企业实施改造。\n\n算力\n网络和数据 要素。AI 路由器", content_hash="t1"),
    Document(kind="wechat", url="https://mp.weixin.qq.com/s/t2", title="转载：数据要素×", account="工信微报",
             lead="编者按：原文如下。", body="(一)推动不少于 50000 家企业实施改造，5G-A 与 TSN。", content_hash="t2"),
    Document(kind="wechat", url="https://mp.weixin.qq.com/s/t3", title="无关文章", account="新华社",
             body="今天天气很好，ＡＩ编程\u200b助手；算\n力不足。", content_hash="t3"),
    Document(kind="miit", url="https://www.miit.gov.cn/t4", title="Edge AI Router 试点", account="工信部",
             body="支持 edge AI router 与 5G RedCap 模组；router AI edge 不算。", content_hash="t4"),
]
EXTRA = [Document(kind="wechat", url=f"https://mp.weixin.qq.com/s/g{n}", title=d.title, account=d.account,
                  source=d.source, published_at=d.published_at, body=d.body, content_hash=d.content_hash)
         for n, d in enumerate(documents(150, seed=7))]
