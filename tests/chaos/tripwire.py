"""A downloader middleware for tests: records every request that got past the host guard,
and stops any that would leave this machine.

Installed right after ``HostGuardMiddleware`` (see :func:`settings_args`), it sees
only what the guard let through. A request to anything but 127.0.0.1 is written to
``POLICYWATCH_TRIPWIRE`` (one URL a line) and dropped, so a broken guard is detected
without ever sending a packet to 10.x or 169.254.169.254.
"""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

ENV = "POLICYWATCH_TRIPWIRE"


class Tripwire:
    """Record and drop every request to a host other than 127.0.0.1."""

    def process_request(self, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            return
        with open(os.environ[ENV], "a", encoding="utf-8") as log:
            log.write(request.url + "\n")
        raise IgnoreRequest(f"tripwire: {request.url} got past the host guard")


def settings_args() -> list[str]:
    """``-s DOWNLOADER_MIDDLEWARES=…``: the project's middlewares plus the tripwire after the guard."""
    from crawler import settings

    middlewares = {**settings.DOWNLOADER_MIDDLEWARES, "tests.chaos.tripwire.Tripwire": 51}
    return ["-s", f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}"]
