"""飞书 / Lark custom bot: an interactive card, with the optional signature check."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import Any

from policywatch.channels.base import HttpChannel, check_bot_answer, register
from policywatch.config import ChannelKind
from policywatch.messages import LARK_MD, AlertView, render_markdown, subject

#: Feishu rejects request bodies over 20 KB; the card text stays well below.
FEISHU_MAX_BYTES = 16000
_TEMPLATES = {"high": "red", "normal": "orange", "low": "blue"}


def sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64(HMAC-SHA256(key="timestamp\\nsecret", message=""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def card(batch: Sequence[AlertView], text: str, review_url: str) -> dict[str, Any]:
    """The interactive card: coloured header by priority, lark_md body, a review button."""
    top = max((a.priority for a in batch), key=("low", "normal", "high").index, default="normal")
    return {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": subject(batch)},
                   "template": _TEMPLATES.get(top, "blue")},
        "elements": [
            {"tag": "div", "text": {"tag": "lark_md", "content": text}},
            {"tag": "action", "actions": [{"tag": "button", "type": "primary", "url": review_url,
                                           "text": {"tag": "plain_text", "content": "Review"}}]},
        ],
    }


@register
class FeishuChannel(HttpChannel):
    """飞书 / Lark custom bot: an interactive card with a "Review" button.

    url: https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN (or open.larksuite.com)
    secret: the bot's 签名校验 secret, when that security setting is on.
    """

    kind = ChannelKind.FEISHU
    per_minute = 100  # the platform's limit per robot
    options = {"secret": str}

    def payload(self, batch: Sequence[AlertView], key: str) -> dict[str, Any]:
        """``{"msg_type": "interactive", "card": …}`` (unsigned)."""
        text = render_markdown(batch, inbox_url=self.inbox_url, cap=FEISHU_MAX_BYTES, dialect=LARK_MD)
        review = batch[0].review_url if len(batch) == 1 else self.inbox_url
        return {"msg_type": "interactive", "card": card(batch, text, review)}

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Post the card (with timestamp and sign when a secret is set); code must be 0."""
        payload = self.payload(batch, key)
        if self.option("secret"):
            now = int(time.time())
            payload.update(timestamp=str(now), sign=sign(self.option("secret"), now))
        check_bot_answer(self.post_json(self.config.url or "", payload, key), ("code", "StatusCode"))
