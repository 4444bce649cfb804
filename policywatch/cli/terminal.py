"""The CLI's output layer: page text never reaches the terminal as escape sequences.

:func:`guard_output` wraps ``sys.stdout`` and ``sys.stderr`` once, at start-up, so that
everything the commands print — ``show``, ``search``, ``alerts list``, ``normalise``,
log lines, errors — passes :func:`policywatch.textsafe.terminal_safe`: a title holding
``ESC]0;…BEL`` cannot retitle the window, and only our own colour codes get through.
"""
from __future__ import annotations

import sys
from typing import Any, TextIO

from policywatch.textsafe import terminal_safe


class SafeStream:
    """A text stream that writes everything through :func:`terminal_safe` to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` without foreign escape sequences; report the length given (callers count on it)."""
        self._stream.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line through :meth:`write`."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_output() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`SafeStream` (idempotent)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, SafeStream):
            setattr(sys, name, SafeStream(stream))
