"""Rule data for the normalisers, kept apart from the code that uses it.

Chrome strings, promo-footer markers, status-page markers and content selectors.
Adjust these lists when a site changes its template; the code should not need to.
"""
from __future__ import annotations

import re

#: Lines that are WeChat UI chrome wherever they appear (exports of WeChat pages
#: fall back to <body> and emit them). Compared after stripping and bold marks.
WECHAT_CHROME_LINES = frozenset({
    "预览时标签不可点", "微信扫一扫", "关注该公众号", "微信扫一扫 关注该公众号", "继续滑动看下一个",
    "向上滑动看下一个", "轻触阅读原文", "阅读原文", "在小说阅读器中沉浸阅读", "知道了", "取消", "允许",
    "使用小程序", "微信扫一扫可打开此内容，", "微信扫一扫可打开此内容，使用完整服务", "使用完整服务",
    "视频", "小程序", "赞", "在看", "分享", "留言", "收藏", "听过", "，轻点两下取消赞", "，轻点两下取消在看",
    "×", "分析", "：", "，", "。", "写留言", "喜欢此内容的人还喜欢", "跳转二维码", "作者头像",
    "Scan to Follow", "Got It", "Cancel", "Allow", "Like", "Wow", "Share", "Comment", "Favorite",
})

#: Short account-promo lines that can sit anywhere in a WeChat body (点击上方蓝字关注我们 …).
WECHAT_PROMO_LINE = re.compile(
    r"^[↑👆⬆☝\s]*(点击|戳|轻触)(上方|下方|顶部|标题下)?\s*(蓝字|[“\"「].{1,20}?[”\"」]|公众号名片|名片)?\s*(一键)?(关注|订阅|加星标|设为星标).*"
    r"|^(长按|扫描|扫)(下方|上方)?(二维码|识别二维码|码)\s*(关注|添加|加入).*"
    r"|^(喜欢|觉得不错)?(就|请)?(点个|点击|记得)?(赞|在看|分享)[、，, ]*(点赞|在看|分享|转发)?[、，, ]*(三连|支持一下)?[吧！!~～。]*$"
)
MAX_PROMO_LINE = 40

#: A line from which everything after is WeChat page chrome (the article is over).
WECHAT_TAIL_MARKERS = ("预览时标签不可点", "微信扫一扫\n关注该公众号", "继续滑动看下一个")

#: Promo blocks at the end of a repost: heading lines that start the account's own
#: advertising (关于赛博研究院, 联系我们, 往期推荐 ...). Only cut in the second half;
#: 关于 needs an organisation word after it, so 关于开展…的通知 is never a promo heading.
PROMO_HEADING = re.compile(
    r"^(关于(我们|本号|作者|本公众号|.{1,12}(研究院|研究中心|研究所|公众号|智库|协会|学会|联盟|平台|实验室|中心|集团|公司"
    r"|传媒|杂志|周刊|资讯|科技|咨询|俱乐部|社区|院))"
    r"|联系我们|联系方式|欢迎联络咨询[：:]?|(?:往期推荐|往期回顾|推荐阅读|相关阅读|精彩推荐)(?:[：:].*)?"
    r"|点击蓝字.*|END|- END -|—\s*END\s*—"
    r"|扫码关注.*|长按.{0,6}(识别|关注).*|喜欢就点个在看.*|点个在看.*)$"
)

#: Contact lines that belong to a promo footer, never to a policy text.
CONTACT_LINE = re.compile(r"^(邮件|邮箱|电话|手机|微信|地址|传真|网址|E-?mail)[：:]")

#: "Origin" lines of a repost: where the reposted document comes from.
ORIGIN_LINE = re.compile(
    r"^(?:文章参考来源|参考来源|文章来源|本文来源|信息来源|资料来源|原文来源|来源|转自|转载自|本文转自)[：:]\s*(.{1,60}?)[。；;]?$")

#: WeChat error pages served with HTTP 200: (status, marker text).
WECHAT_STATUS_MARKERS = (
    ("deleted", "该内容已被发布者删除"),
    ("deleted", "此内容已被发布者删除"),
    ("deleted", "该文章已被发布者删除"),
    ("deleted", "已被作者删除"),
    ("deleted", "此内容已被删除"),
    ("blocked", "此内容因违规无法查看"),
    ("blocked", "此内容被多人投诉"),
    ("blocked", "该内容已被投诉且经审核涉嫌侵权"),
    ("blocked", "环境异常"),
    ("blocked", "完成验证后即可继续访问"),
    ("unavailable", "该内容暂时无法查看"),
    ("unavailable", "此内容无法查看"),
    ("unavailable", "该公众号已迁移"),
    ("unavailable", "此帐号已被屏蔽"),
    ("unavailable", "此帐号已自主注销"),
    ("unavailable", "此账号已自主注销"),
    ("unavailable", "此帐号已被封禁"),
    ("unavailable", "此账号已被封禁"),
    ("unavailable", "该账号已迁移"),
    # The same pages served to a reader whose WeChat language is English (window.LANG = "en").
    ("deleted", "The content has been deleted by the author"),
    ("deleted", "This content has been deleted by the author"),
    ("deleted", "The content has been deleted"),
    ("blocked", "Unable to view this content because it violates regulation"),
    ("blocked", "This content has been reported by multiple people"),
    ("blocked", "Complete the verification to continue"),
    ("unavailable", "This content cannot be viewed temporarily"),
    ("unavailable", "The content is temporarily unavailable"),
    ("unavailable", "This content is unavailable"),
    ("unavailable", "This official account has been migrated"),
    ("unavailable", "The account has been migrated"),
)

#: Status markers too common elsewhere to identify a WeChat page on their own.
WECHAT_WEAK_STATUS_MARKERS = frozenset({"环境异常", "完成验证后即可继续访问", "已被作者删除", "此内容已被删除",
                                        "The content has been deleted", "This content is unavailable",
                                        "Complete the verification to continue"})

#: Elements inside a WeChat article body that are not article text.
WECHAT_BODY_DROP = (
    "script", "style", "noscript", "template", "mp-common-profile", "mpprofile", "mp-style-type",
    "mp-common-mpaudio", "qqmusic", "mp-miniprogram", "mp-common-product",
)

#: Body containers of the CMSs Chinese government sites run (gov.cn UCAP, TRS editors,
#: MIIT, WeChat). Their text is trusted as is; other pages go to the extractor.
ARTICLE_SELECTORS = (
    "#UCAP-CONTENT", ".pages_content", "#con_con", ".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#Zoom",
    "#js_content",
)

#: Broad containers, used only when the extractor finds nothing at all.
FALLBACK_SELECTORS = ("article", ".article-content", ".article_content", "#article_content", "main")

#: A selector's text must be at least this long to be trusted over the extractor.
MIN_SELECTOR_CHARS = 80

#: <title> suffixes after these separators are usually the site name.
TITLE_SEPARATORS = ("_", " - ", "－", " | ", "|", "——", "-")

#: meta names that carry a publish time, most reliable first.
PUBLISHED_META = (
    "firstpublishedtime", "PubDate", "pubdate", "publishdate", "article:published_time",
    "og:release_date", "og:article:published_time", "publish_time", "datePublished", "dc.date", "Date",
)

#: Visible publish-time labels.
PUBLISHED_LABEL = re.compile(
    r"(?:发布时间|发布日期|发表时间|时间|日期)[：:]\s*"
    r"(\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?)"
)

#: Visible source labels: 来源：新华社.
SOURCE_LABEL = re.compile(r"来源[：:]\s*([^\s|　|<>]{1,30})")

#: Visible author labels: 作者：李明.
AUTHOR_LABEL = re.compile(r"作者[：:]\s*([^\s|　|<>：:]{1,12})")

#: Lines that are page furniture on government and news sites.
GENERIC_CHROME_LINES = frozenset({
    "打印", "关闭", "打印本页", "关闭窗口", "【打印】", "【关闭】", "【我要纠错】", "【纠错】", "【打印本页】",
    "【关闭窗口】", "[打印]", "[关闭]", "[打印本页]", "[关闭窗口]", "分享到：", "分享到", "分享：", "收藏", "字号：",
    "大", "中", "小", "【字体：大 中 小】", "扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面", "返回顶部",
    "责任编辑：", "相关链接", "相关稿件", "打印 | 关闭", "打印|关闭",
})

#: Furniture lines recognised by their start (上一篇：…, 下一篇：…, 【字号 大 中 小】 …).
GENERIC_CHROME_PREFIX = re.compile(r"^(上一篇|下一篇|上一条|下一条)[：:]|^【?\s*字[号体][：:]?\s*[大中小默认\s]+】?$")

#: A short line at the top of an extracted body that only repeats page metadata.
GENERIC_META_LINE = re.compile(r"(来源|发布时间|发布日期|作者|编辑|浏览次数|点击数|阅读量)[：:]")
META_LINE_MAX = 80

#: CJK Radicals Supplement characters that PDF fonts emit for ordinary characters
#: (Unicode gives them no decomposition, so NFKC leaves them alone).
PDF_RADICAL_FIXES = {
    "⺁": "厂", "⺇": "几", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尢", "⺐": "尢", "⺒": "巳", "⺓": "幺",
    "⺕": "彐", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氵", "⺣": "灬", "⺤": "爪", "⺥": "爫", "⺦": "丬",
    "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糸",
    "⺰": "纟", "⺲": "网", "⺳": "罒", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老", "⺺": "聿", "⺻": "聿",
    "⻀": "虫", "⻁": "虎", "⻂": "衤", "⻃": "襾", "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠",
    "⻉": "贝", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸",
    "⻓": "长", "⻔": "门", "⻕": "阝", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼",
    "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐", "⻭": "齿",
    "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龜", "⻲": "龟", "⻳": "龟",
}

#: WeChat shows the publisher's IP region after the time (发表于北京); exports keep it as
#: a bare header line, which must not be read as the account name.
IP_REGIONS = frozenset({
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "中国香港", "中国澳门", "中国台湾", "海外",
})
