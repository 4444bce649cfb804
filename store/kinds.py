"""The store's vocabulary: alert kinds, priorities, document statuses, save outcomes.

Each word list is declared once, here, as a ``StrEnum`` (the store owns the outbox,
the documents table and ``Archive.save``); every other module imports it. Members
are ``str`` subclasses, so they compare equal to the stored text and are written to
SQLite and JSON as their plain value. A comparison's relation is diffing's word
(``diffing.model.Relation``): the store keeps it as text and never validates it.
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


class Priority(StrEnum):
    """An alert's priority, lowest first (the declaration order is the rank)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for low, 1 for normal, 2 for high."""
        return PRIORITIES.index(self.value)


class DocumentStatus(StrEnum):
    """What a fetch of a document's page found. Only ``ok`` documents carry a body.

    ``unreachable`` is an anti-bot interstitial in front of a known page: not a
    deletion, checked again.
    """

    OK = "ok"
    DELETED = "deleted"
    BLOCKED = "blocked"
    UNAVAILABLE = "unavailable"
    UNREACHABLE = "unreachable"


class SaveOutcome(StrEnum):
    """What ``Archive.save`` did with a document."""

    NEW = "new"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    STATUS_CHANGED = "status_changed"


#: Every alert kind's value, in declaration order (for choices, validation and help texts).
ALERT_KINDS: tuple[str, ...] = tuple(kind.value for kind in AlertKind)
#: Priorities, lowest first.
PRIORITIES: tuple[str, ...] = tuple(priority.value for priority in Priority)
#: Document statuses.
STATUSES: tuple[str, ...] = tuple(status.value for status in DocumentStatus)


def alert_kind(value: str) -> AlertKind:
    """``value`` as an AlertKind, or ValueError naming the known kinds."""
    try:
        return AlertKind(value)
    except ValueError:
        raise ValueError(f"unknown alert kind {value!r} (expected one of {', '.join(ALERT_KINDS)})") from None
