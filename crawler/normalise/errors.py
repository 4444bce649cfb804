"""The one exception the normalisers raise; imports nothing else of ours."""
from __future__ import annotations


class NormaliseError(Exception):
    """Bad input (empty, binary, truncated, no body, missing path, fetch failure).

    The message is one line that can be shown to the user as it is.
    """
