"""Generic JSON webhook: the alert summaries as JSON, for your own automation."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from policywatch.channels.base import HttpChannel, encode_json, register
from policywatch.config import ChannelKind
from policywatch.messages import AlertView, render_json


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC of the body>`` for the X-Policywatch-Signature header."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@register
class WebhookChannel(HttpChannel):
    """Generic webhook: POST {"idempotency_key", "subject", "alerts": [...]} as JSON.

    Each alert carries id, review_url, title, priority, relation, url, account, source,
    plan, doc_count and the full summary (figures, changes, counts). The
    Idempotency-Key header repeats the key: a receiver that sees a key twice can drop
    the second copy (delivery is at-least-once).
    url: any http(s) endpoint. headers: extra headers, e.g. {Authorization = "Bearer ${TOKEN}"}.
    secret: when set, X-Policywatch-Signature = sha256=HMAC-SHA256(secret, body) in hex.
    """

    kind = ChannelKind.WEBHOOK
    options = {"headers": dict, "secret": str}

    def payload(self, batch: Sequence[AlertView], key: str) -> dict[str, Any]:
        """The JSON body described above."""
        return render_json(batch, idempotency_key=key)

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """POST the JSON payload; any 2xx answer is success."""
        payload = self.payload(batch, key)
        headers = {str(k): str(v) for k, v in (self.option("headers") or {}).items()}
        if self.option("secret"):
            headers["X-Policywatch-Signature"] = signature(self.option("secret"), encode_json(payload))
        self.post_json(self.config.url or "", payload, key, headers)
