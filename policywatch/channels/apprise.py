"""Any service apprise supports (Telegram, Slack, Teams, Matrix, ntfy, …) by its URL."""
from __future__ import annotations

from collections.abc import Sequence

import apprise

from policywatch.channels.base import Channel, DeliveryError, register
from policywatch.config import ChannelKind, ConfigError
from policywatch.messages import AlertView, render_markdown, subject

#: A conservative size for services whose limits apprise does not know.
APPRISE_MAX_BYTES = 4000


@register
class AppriseChannel(Channel):
    """Any apprise URL (https://github.com/caronc/apprise/wiki): tgram://, slack://, msteams://,
    ntfy://, mailto://, matrix:// and ~100 more. The message is sent as markdown with a
    title; the URL often holds a token, so it is never printed.
    url: the apprise URL, e.g. tgram://${TELEGRAM_BOT_TOKEN}/${TELEGRAM_CHAT_ID}
    """

    kind = ChannelKind.APPRISE

    def __init__(self, config, *, base_url: str) -> None:  # noqa: ANN001 - same as Channel
        super().__init__(config, base_url=base_url)
        self.apprise = apprise.Apprise()
        if not self.apprise.add(config.url or ""):
            raise ConfigError(f"channel {self.name!r}: apprise does not understand this url")

    def payload(self, batch: Sequence[AlertView], key: str) -> dict[str, str]:
        """The title and markdown body handed to apprise."""
        return {"title": subject(batch), "body": render_markdown(batch, inbox_url=self.inbox_url,
                                                                 cap=APPRISE_MAX_BYTES)}

    def send(self, batch: Sequence[AlertView], key: str) -> None:
        """Notify through apprise; apprise reports only success or failure."""
        message = self.payload(batch, key)
        if not self.apprise.notify(body=message["body"], title=message["title"],
                                   body_format=apprise.NotifyFormat.MARKDOWN):
            raise DeliveryError("apprise could not deliver the message (see the apprise log lines above)")
