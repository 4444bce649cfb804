"""A real SMTP server (aiosmtpd) on 127.0.0.1:<ephemeral> that keeps every message it accepts."""
from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd API
        self.raw.append(envelope.original_content)
        return "250 OK"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Mailbox:
    """Messages received so far, parsed."""

    def __init__(self, keeper: _Keep, port: int) -> None:
        self._keeper = keeper
        self.url = f"smtp://127.0.0.1:{port}"

    def messages(self) -> list[EmailMessage]:
        """Every accepted message as an EmailMessage."""
        return [email.message_from_bytes(raw, policy=policy.default) for raw in self._keeper.raw]

    def raw(self) -> list[bytes]:
        """Every accepted message as received."""
        return list(self._keeper.raw)


@contextmanager
def mailbox() -> Iterator[Mailbox]:
    """Run the SMTP server for the ``with`` block."""
    keeper = _Keep()
    controller = _Controller(keeper, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield Mailbox(keeper, controller.port)
    finally:
        controller.stop()
