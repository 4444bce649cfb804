"""E-mail over SMTP: multipart plain text + HTML, Chinese subjects RFC 2047-encoded."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

from policywatch.channels.base import Channel, DeliveryError, register
from policywatch.config import ChannelKind, ConfigError
from policywatch.messages import AlertView, render_html, render_text, subject


@register
class EmailChannel(Channel):
    """E-mail through an SMTP server: one mail per alert (or per digest).

    url: smtp://host:587 (STARTTLS when the server offers it; ``starttls = true`` makes it
    mandatory, ``false`` never uses it) or smtps://host:465 (TLS from the first byte).
    from: the sender, e.g. "policywatch <policywatch@example.org>".
    to: one address or a list. username / password: SMTP AUTH (password="${SMTP_PASSWORD}").
    cafile: a CA bundle to trust for a server with a private certificate.
    The mail has a plain-text and an HTML part; Message-ID is derived from the
    idempotency key, so a re-sent alert is recognisably the same mail.
    """

    kind = ChannelKind.EMAIL
    options = {"from": str, "to": (str, list), "cc": (str, list), "username": str, "password": str,
               "starttls": bool, "cafile": str}
    required = ("from", "to")

    def __init__(self, config, *, base_url: str) -> None:  # noqa: ANN001 - same as Channel
        super().__init__(config, base_url=base_url)
        parts = urlsplit(config.url or "")
        if not parts.hostname:
            raise ConfigError(f"channel {self.name!r}: url must be smtp://host:port or smtps://host:port")
        self.ssl = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.ssl else 587)
        _check_port(self.name, parts.scheme, self.port)
        self.recipients = _addresses(self.option("to")) + _addresses(self.option("cc"))
        if not all("@" in parseaddr(r)[1] for r in [*self.recipients, self.option("from")]):
            raise ConfigError(f"channel {self.name!r}: from, to and cc must be e-mail addresses")

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Build the mail and hand it to the SMTP server."""
        message = self.build(batch, key)
        try:
            with self._connect() as smtp:
                if self.option("username"):
                    smtp.login(self.option("username"), self.option("password") or "")
                smtp.send_message(message, to_addrs=self.recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from None

    def preview(self, batch: Sequence[AlertView], key: str) -> str:
        """The subject and the plain-text part (the HTML part carries the same lines)."""
        return f"Subject: {subject(batch)}\n\n" + render_text(batch, inbox_url=self.inbox_url)

    def build(self, batch: Sequence[AlertView], key: str) -> EmailMessage:
        """The multipart/alternative mail for ``batch``."""
        message = EmailMessage(policy=SMTP)
        message["Subject"] = subject(batch)
        message["From"] = self.option("from")
        message["To"] = ", ".join(_addresses(self.option("to")))
        if self.option("cc"):
            message["Cc"] = ", ".join(_addresses(self.option("cc")))
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = f"<{key}@{_domain(self.option('from'))}>"
        message["X-Policywatch-Idempotency-Key"] = key
        message.set_content(render_text(batch, inbox_url=self.inbox_url), charset="utf-8")
        message.add_alternative(render_html(batch, inbox_url=self.inbox_url), subtype="html", charset="utf-8")
        return message

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.option("cafile"))
        timeout = self.config.timeout
        if self.ssl:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=timeout)
        smtp.ehlo()
        wanted = self.option("starttls")
        if wanted or (wanted is None and smtp.has_extn("starttls")):
            smtp.starttls(context=context)
            smtp.ehlo()
        return smtp


def _check_port(name: str, scheme: str, port: int) -> None:
    """The classic mix-ups: 465 speaks TLS from the first byte, 587 and 25 upgrade with STARTTLS."""
    if scheme == "smtp" and port == 465:
        raise ConfigError(f"channel {name!r}: port 465 is SMTP over TLS; use smtps://host:465")
    if scheme == "smtps" and port in (25, 587):
        raise ConfigError(f"channel {name!r}: port {port} upgrades with STARTTLS; use smtp://host:{port}")


def _addresses(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    items = [value] if isinstance(value, str) else value
    return [item.strip() for entry in items for item in str(entry).split(",") if item.strip()]


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    try:
        return Address(addr_spec=address).domain or "policywatch"
    except (ValueError, IndexError):
        return "policywatch"
