"""The one alert vocabulary: every alert in the outbox has exactly one of these kinds.

Declared once here (the store owns the outbox); the crawler enqueues them, the
config's ``kinds = [...]`` rules filter by them, ``policywatch/messages.py`` renders
each, and the CLI, web inbox and Atom feed filter on them.
"""
from __future__ import annotations

from enum import StrEnum


class AlertKind(StrEnum):
    """What an alert is about.

    - ``plan``: a document compared with a tracked plan (repost, altered repost, …)
    - ``revised``: a watched document got a new version (the version diff)
    - ``status``: a document was deleted, blocked, became unreachable, or came back
    - ``plan_changed``: a tracked plan's home document got a new version (new plan version)
    - ``new_plan``: a new plan-like document was found (a policy's life, issue 13)
    - ``final``: the final version of a consultation draft was published
    - ``deadline``: a deadline named by a tracked document is near or passed
    - ``source_failing`` / ``source_recovered``: a source stopped / resumed answering
    """

    PLAN = "plan"
    REVISED = "revised"
    STATUS = "status"
    PLAN_CHANGED = "plan_changed"
    NEW_PLAN = "new_plan"
    FINAL = "final"
    DEADLINE = "deadline"
    SOURCE_FAILING = "source_failing"
    SOURCE_RECOVERED = "source_recovered"


#: Every kind's value, in declaration order (for choices, validation and help texts).
ALERT_KINDS: tuple[str, ...] = tuple(kind.value for kind in AlertKind)


def alert_kind(value: str) -> AlertKind:
    """``value`` as an AlertKind, or ValueError naming the known kinds."""
    try:
        return AlertKind(value)
    except ValueError:
        raise ValueError(f"unknown alert kind {value!r} (expected one of {', '.join(ALERT_KINDS)})") from None
