"""钉钉 (DingTalk) custom robot, with the optional signed-secret security setting."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote_plus

from policywatch.channels.base import HttpChannel, check_bot_answer, register
from policywatch.config import ChannelKind
from policywatch.messages import DINGTALK_MD, AlertView, render_markdown, subject

#: DingTalk accepts markdown text up to 20000 bytes.
DINGTALK_MAX_BYTES = 20000


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The webhook URL with ``timestamp`` and ``sign`` query parameters added."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign(secret, timestamp_ms)}"


@register
class DingtalkChannel(HttpChannel):
    """钉钉 custom robot: a markdown message (title + text, ≤ 20000 bytes).

    url: https://oapi.dingtalk.com/robot/send?access_token=TOKEN
    secret: the robot's 加签 secret (SEC…), when that security setting is on; each
    request is then signed with a fresh timestamp.
    """

    kind = ChannelKind.DINGTALK
    per_minute = 20  # the platform's limit per robot
    options = {"secret": str}

    def payload(self, batch: Sequence[AlertView], key: str) -> dict[str, Any]:
        """``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``."""
        text = render_markdown(batch, inbox_url=self.inbox_url, cap=DINGTALK_MAX_BYTES, dialect=DINGTALK_MD)
        return {"msgtype": "markdown", "markdown": {"title": subject(batch)[:100], "text": text}}

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Post the markdown message (signed when a secret is set); errcode must be 0."""
        url = self.config.url or ""
        if self.option("secret"):
            url = signed_url(url, self.option("secret"), int(time.time() * 1000))
        check_bot_answer(self.post_json(url, self.payload(batch, key), key))
