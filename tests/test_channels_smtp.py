"""A real SMTP server (aiosmtpd) on 127.0.0.1 receives policywatch's mail.

The tests parse what arrived, as a mail client would: the RFC 2047 subject decodes to
the Chinese title, both the plain-text and the HTML part are there, page text in the
HTML part is escaped, AUTH and STARTTLS work, and the password is never printed.
"""
from __future__ import annotations

import datetime
import email
import ipaddress
import socket
import ssl
from email import policy
from email.header import decode_header, make_header

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from policywatch.channels import DeliveryError, build_channels
from policywatch.config import parse_config
from policywatch.messages import AlertView
from store.records import AlertRecord
from tests.support.alerts import PLAN_TITLE, summary
from tests.support.smtp import PASSWORD, Inbox, LoopbackSMTP, authenticator


def _alert(**overrides) -> AlertView:
    record = {"id": 7, "summary": summary(**overrides), "doc_count": 1, "plan_name": "ai-plan",
              "created_at": "2026-01-07T10:00:00+00:00"}
    return AlertView.from_record(AlertRecord.from_row(record), base_url="https://pw.example.org")


def _channel(port: int, **extra):
    table = {"name": "mail", "kind": "email", "url": f"smtp://127.0.0.1:{port}",
             "from": "policywatch <pw@example.org>", "to": ["analyst@example.org", "boss@example.org"], **extra}
    return build_channels(parse_config({"channel": [table], "web": {"base_url": "https://pw.example.org"}}))[0]


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def test_mail_arrives_with_chinese_subject_and_both_parts(smtp_server):
    controller, inbox = smtp_server
    channel = _channel(controller.port)
    channel.send([_alert()], "pw-7-abc")
    assert len(inbox.messages) == 1
    sender, recipients, raw = inbox.messages[0]
    assert sender == "pw@example.org"
    assert recipients == ["analyst@example.org", "boss@example.org"]
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0].lower()  # the header is RFC 2047-encoded on the wire
    mail = _parse(raw)
    decoded_subject = str(make_header(decode_header(mail["Subject"])))
    assert PLAN_TITLE in decoded_subject and "50000 → 60000" in decoded_subject  # readable in the inbox list
    assert mail["Message-ID"] == "<pw-7-abc@example.org>"
    plain = mail.get_body(("plain",)).get_content()
    html_part = mail.get_body(("html",)).get_content()
    for part in (plain, html_part):
        assert "50000 → 60000" in part
        assert "工信微报" in part
        assert "https://pw.example.org/alerts/7" in part
    assert plain.index("50000 → 60000") < plain.index("Changed clauses")  # figures first
    assert "推动不少于【50000 → 60000】家企业" in plain  # the edit shown in place
    assert "<script>" not in html_part and "&lt;script&gt;" in html_part


def test_auth_login_with_the_configured_password(smtp_server):
    controller, inbox = smtp_server
    _channel(controller.port, username="policywatch", password=PASSWORD).send([_alert()], "k1")
    assert len(inbox.messages) == 1


def test_wrong_password_is_a_delivery_error_without_the_password(smtp_server):
    controller, inbox = smtp_server
    channel = _channel(controller.port, username="policywatch", password="wrong-Password-123", timeout="2s")
    with pytest.raises(DeliveryError) as caught:
        channel.send([_alert()], "k1")
    assert "wrong-Password-123" not in str(caught.value)
    assert "SMTP" in str(caught.value)
    assert inbox.messages == []


def test_unreachable_server_is_a_delivery_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryError, match="SMTP 127.0.0.1"):
        _channel(port).send([_alert()], "k1")


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_starttls_when_the_server_requires_it(tmp_path):
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    inbox = Inbox()
    controller = LoopbackSMTP(inbox, hostname="127.0.0.1", port=0, tls_context=context, require_starttls=True,
                              authenticator=authenticator)
    controller.start()
    try:
        channel = _channel(controller.port, username="policywatch", password=PASSWORD, cafile=str(cert_path))
        channel.send([_alert()], "k-tls")
        without_ca = _channel(controller.port)
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
            without_ca.send([_alert()], "k-tls-2")
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert PLAN_TITLE in str(make_header(decode_header(_parse(inbox.messages[0][2])["Subject"])))


def test_smtps_tls_from_the_first_byte(tmp_path):
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    inbox = Inbox()
    controller = LoopbackSMTP(inbox, hostname="127.0.0.1", port=0, ssl_context=context)
    controller.start()
    try:
        table = {"name": "mail", "kind": "email", "url": f"smtps://127.0.0.1:{controller.port}",
                 "from": "pw@example.org", "to": "a@example.org", "cafile": str(cert_path)}
        build_channels(parse_config({"channel": [table]}))[0].send([_alert()], "k-smtps")
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert PLAN_TITLE in str(make_header(decode_header(_parse(inbox.messages[0][2])["Subject"])))


def test_digest_mail_lists_every_alert(smtp_server):
    controller, inbox = smtp_server
    second = AlertRecord.from_row({"id": 8, "summary": summary(title="第二条解读", priority="normal",
                                                              relation="interpretation")})
    batch = [_alert(), AlertView.from_record(second, base_url="https://pw.example.org")]
    _channel(controller.port).send(batch, "pw-digest2-x")
    mail = _parse(inbox.messages[0][2])
    assert "2 alerts" in str(mail["Subject"])
    plain = mail.get_body(("plain",)).get_content()
    assert "第二条解读" in plain and "/alerts/7" in plain and "/alerts/8" in plain
