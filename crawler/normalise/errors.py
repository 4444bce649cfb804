"""The one exception the normalisers raise."""
from __future__ import annotations

from crawler.errors import CrawlerError


class NormaliseError(CrawlerError):
    """Bad input (empty, binary, truncated, no body, missing path, fetch failure).

    The message is one line that can be shown to the user as it is.
    """
