"""Text that can break neither XML nor a terminal: the last line of defence at every output.

The normaliser already strips control characters from page text; these functions make
sure that text stored before that step (or arriving by any other path) still cannot
break an output:

* :func:`clean_text` / :func:`clean_data` — for XML and HTML (the Atom feed, the review
  page, mail and chat messages): C0/C1 control characters other than newline and tab,
  DEL, the non-characters U+FFFE/U+FFFF and lone surrogates are removed. XML 1.0 forbids
  all of them; a single one makes a feed reader reject the whole feed.
* :func:`terminal_safe` — for everything the CLI prints: every escape sequence and control
  character is removed except the styles our renderers use (SGR ``ESC[…m`` with only the
  parameters in :data:`OUR_STYLES`: reset, bold, dim, underline, strike, red/green/yellow/cyan)
  and our progress line's ``\\r ESC[K``, so page text cannot set the window title, move the
  cursor, ring the bell, hide text (conceal, 256 colours) or rewrite what is on screen.

Imports nothing else of ours at import time (:func:`clean_text` takes the one declaration of
illegal characters from :mod:`store.textchars` when it runs).
"""
from __future__ import annotations

import re
from typing import Any

#: Escape sequences and control characters, longest forms first: OSC/DCS/SOS/PM/APC strings
#: (up to BEL or ST), CSI sequences, two-character escapes, then any single control.
_TERMINAL_CONTROL = re.compile(
    "\x1b[\\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)?"
    "|(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]?"
    "|\x1b[ -~]?"
    "|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
#: SGR parameters our renderers use (diffing.render's colours, click.style's bold/underline).
OUR_STYLES = frozenset({"", "0", "1", "2", "4", "9", "22", "24", "31", "32", "33", "36", "39"})
#: Candidates for the only sequences the CLI itself writes: colour (SGR) and the progress line's erase.
_OURS = re.compile("\x1b\\[([0-9;]*)m|\r\x1b\\[K")


def clean_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (newline and tab stay).

    The set is :data:`store.textchars.ILLEGAL`, the normaliser's own; it is imported here,
    at use, so that the CLI (which imports this module for :func:`terminal_safe`) starts
    without loading an engine.
    """
    from store.textchars import ILLEGAL

    return ILLEGAL.sub("", text)


def clean_data(value: Any) -> Any:
    """``value`` with :func:`clean_text` applied to every string in it (dicts, lists, tuples)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_data(v) for v in value)
    return value


def terminal_safe(text: str) -> str:
    """``text`` with every escape sequence and control character removed but our styles and line erase."""
    pieces = []
    start = 0
    for ours in _OURS.finditer(text):
        pieces.append(_TERMINAL_CONTROL.sub("", text[start:ours.start()]))
        if ours.group(1) is None or set(ours.group(1).split(";")) <= OUR_STYLES:
            pieces.append(ours.group())
        start = ours.end()
    pieces.append(_TERMINAL_CONTROL.sub("", text[start:]))
    return "".join(pieces)
