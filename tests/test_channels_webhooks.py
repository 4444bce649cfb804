"""A real HTTP server on 127.0.0.1 receives the chat-bot and generic webhooks.

Each test checks the JSON each platform documents (WeCom and DingTalk markdown,
Feishu interactive card, generic JSON), the signatures (DingTalk's signed secret,
Feishu's sign, the generic HMAC header), the byte caps with their "more" link, the
Idempotency-Key header, and that a bot's "HTTP 200 but errcode ≠ 0" is a failure.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs

import pytest

from policywatch.channels import DeliveryError, build_channels
from policywatch.channels.wecom import WECOM_MAX_BYTES
from policywatch.config import parse_config
from policywatch.messages import AlertView
from store.records import AlertRecord
from tests.support.alerts import PLAN_TITLE, Response, receiver, summary

BASE = "https://pw.example.org"


def _alert(alert_id: int = 7, **overrides) -> AlertView:
    record = {"id": alert_id, "summary": summary(**overrides), "doc_count": 1, "plan_name": "ai-plan"}
    return AlertView.from_record(AlertRecord.from_row(record), base_url=BASE)


def _channel(kind: str, url: str, **extra):
    table = {"name": kind, "kind": kind, "url": url, **extra}
    return build_channels(parse_config({"channel": [table], "web": {"base_url": BASE}}))[0]


def test_wecom_markdown_message():
    with receiver() as hook:
        _channel("wecom", hook.url + "?key=wecom-key-123").send([_alert()], "pw-7-key")
        (request,) = hook.posts()
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert PLAN_TITLE in content
    assert "50000 → 60000" in content and "工信微报" in content
    assert content.index("50000 → 60000") < content.index("二、（三）")
    assert f"[Review the changes]({BASE}/alerts/7)" in content
    assert "<script>" not in content and "](http://evil.example)" not in content  # page text is inert
    assert request.query == "key=wecom-key-123"
    assert request.headers["Idempotency-Key"] == "pw-7-key"


def test_wecom_cap_keeps_the_message_under_4096_bytes_with_a_more_link():
    long_changes = [{"kind": "changed", "section": f"{i}、", "plan_text": "推动工业互联网平台建设。" * 20,
                     "doc_text": "推进工业互联网平台规模化应用。" * 20} for i in range(60)]
    with receiver() as hook:
        _channel("wecom", hook.url).send([_alert(changes=long_changes)], "k")
        content = hook.bodies()[0]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= WECOM_MAX_BYTES
    assert content.endswith(f"[More: review all changes]({BASE}/alerts/7)")
    assert "50000 → 60000" in content  # figures come first and survive the cut


def test_dingtalk_markdown_with_signed_secret():
    secret = "SEC0123456789abcdef0123456789abcdef"
    with receiver() as hook:
        before = int(time.time() * 1000)
        _channel("dingtalk", hook.url + "?access_token=tok123", secret=secret).send([_alert()], "k")
        (request,) = hook.posts()
    query = parse_qs(request.query)
    assert query["access_token"] == ["tok123"]
    timestamp = int(query["timestamp"][0])
    assert before <= timestamp <= int(time.time() * 1000)
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                          hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert PLAN_TITLE in body["markdown"]["title"]
    assert "50000 → 60000" in body["markdown"]["text"]


def test_dingtalk_errcode_is_a_failure_even_with_http_200():
    refused = json.dumps({"errcode": 310000, "errmsg": "sign not match"})
    with receiver(lambda req: refused) as hook:
        with pytest.raises(DeliveryError, match="310000"):
            _channel("dingtalk", hook.url + "?access_token=t", secret="SECxyz").send([_alert()], "k")


def test_feishu_card_with_signature():
    secret = "feishu-secret-value"
    with receiver(lambda req: json.dumps({"code": 0, "msg": "success"})) as hook:
        _channel("feishu", hook.url, secret=secret).send([_alert(priority="high")], "k")
        body = hook.bodies()[0]
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert PLAN_TITLE in card["header"]["title"]["content"]
    assert card["header"]["template"] == "red"
    assert "50000 → 60000" in card["elements"][0]["text"]["content"]
    assert card["elements"][1]["actions"][0]["url"] == f"{BASE}/alerts/7"
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert abs(int(body["timestamp"]) - time.time()) < 60


def test_feishu_error_code_is_a_failure():
    with receiver(lambda req: json.dumps({"code": 19021, "msg": "sign match fail"})) as hook:
        with pytest.raises(DeliveryError, match="19021"):
            _channel("feishu", hook.url).send([_alert()], "k")


def test_generic_webhook_json_headers_and_signature():
    with receiver(lambda req: Response(204)) as hook:
        channel = _channel("webhook", hook.url, secret="hmac-secret",
                           headers={"Authorization": "Bearer abc-token"})
        channel.send([_alert(3), _alert(4, title="另一条")], "pw-digest2-k")
        (request,) = hook.posts()
    body = json.loads(request.body)
    assert body["idempotency_key"] == "pw-digest2-k"
    assert request.headers["Idempotency-Key"] == "pw-digest2-k"
    assert request.headers["Authorization"] == "Bearer abc-token"
    assert [a["id"] for a in body["alerts"]] == [3, 4]
    assert body["alerts"][0]["summary"]["figures"][0] == {"context": "培育工业互联网平台", "plan": "50000", "doc": "60000"}
    assert body["alerts"][0]["review_url"] == f"{BASE}/alerts/3"
    expected = "sha256=" + hmac.new(b"hmac-secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Policywatch-Signature"] == expected


@pytest.mark.parametrize("status", [400, 404, 500, 503])
def test_http_errors_are_delivery_errors_without_the_token(status):
    with receiver(lambda req: Response(status, "nope")) as hook:
        with pytest.raises(DeliveryError) as caught:
            _channel("wecom", hook.url + "?key=very-secret-wecom-key").send([_alert()], "k")
    assert str(status) in str(caught.value)
    assert "very-secret-wecom-key" not in str(caught.value)


def test_unreachable_webhook_is_a_delivery_error_naming_no_token():
    with receiver() as hook:
        url = hook.url
    with pytest.raises(DeliveryError) as caught:
        _channel("webhook", url + "?token=tok-secret-99", timeout="2s").send([_alert()], "k")
    assert "tok-secret-99" not in str(caught.value)


def test_apprise_json_url_posts_to_the_receiver():
    with receiver(lambda req: Response(200, "{}")) as hook:
        url = hook.url.replace("http://", "json://")
        _channel("apprise", url).send([_alert()], "k")
        body = hook.bodies()[0]
    assert PLAN_TITLE in body["title"]
    assert "50000 → 60000" in body["message"]


def test_apprise_failure_is_a_delivery_error():
    with receiver(lambda req: Response(500, "down")) as hook:
        with pytest.raises(DeliveryError, match="apprise"):
            _channel("apprise", hook.url.replace("http://", "json://")).send([_alert()], "k")
