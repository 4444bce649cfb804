"""A real SMTP server (aiosmtpd) on 127.0.0.1:0 for the e-mail channel tests: the ``smtp_server``
fixture yields the controller (its ``port``) and the :class:`Inbox` of what arrived.
Logging in needs user ``policywatch`` and :data:`PASSWORD`."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

PASSWORD = "s3cret-Smtp-pass"


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


class LoopbackSMTP(Controller):
    """aiosmtpd's threaded controller on an ephemeral port (port 0)."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001 - aiosmtpd API
    ok = auth_data.login == b"policywatch" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[LoopbackSMTP, Inbox]]:
    inbox = Inbox()
    controller = LoopbackSMTP(inbox, hostname="127.0.0.1", port=0, authenticator=authenticator,
                              auth_require_tls=False)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()
