"""企业微信 (WeCom) group robot."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policywatch.channels.base import HttpChannel, check_bot_answer, register
from policywatch.config import ChannelKind
from policywatch.messages import WECOM_MD, AlertView, render_markdown

#: WeCom caps markdown content at 4096 bytes (UTF-8).
WECOM_MAX_BYTES = 4096


@register
class WecomChannel(HttpChannel):
    """企业微信 group robot: a markdown message (≤ 4096 bytes) to a group chat.

    url: the robot's webhook, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
    (keep KEY in an environment variable: key=${WECOM_KEY}).
    """

    kind = ChannelKind.WECOM
    per_minute = 20  # the platform's limit per robot

    def payload(self, batch: Sequence[AlertView], key: str) -> dict[str, Any]:
        """``{"msgtype": "markdown", "markdown": {"content": …}}``."""
        content = render_markdown(batch, inbox_url=self.inbox_url, cap=WECOM_MAX_BYTES, dialect=WECOM_MD)
        return {"msgtype": "markdown", "markdown": {"content": content}}

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Post the markdown message; the robot's errcode must be 0."""
        check_bot_answer(self.post_json(self.config.url or "", self.payload(batch, key), key))
