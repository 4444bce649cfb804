"""Query parameters of the pages and the API, validated once (bad values → a 400, not a traceback).

HTML forms send empty strings for "any"; every optional filter treats ``""`` as unset.
Filter values (relation, status, priority, plan, source, dates) are checked by the
archive itself (:mod:`store.filters`), so the web, the API and the CLI refuse a bad
value with the same one-line message.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import Path, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from policywatch.web.errors import WebError
from store.kinds import AlertKind

#: SQLite integers are signed 64-bit; larger ids cannot exist and must not reach the driver.
MAX_ID = 2**63 - 1

#: Longest search query accepted (characters); longer ones get a friendly message (queries.search).
MAX_QUERY = 200
#: Longer than this is not a typed query at all and is refused before it reaches a page.
MAX_QUERY_BYTES = 2_000

#: Deepest page offset accepted (keeps OFFSET scans bounded).
MAX_OFFSET = 100_000


def _blank_to_none(value: Any) -> Any:
    """``""`` (an HTML form's "any") → ``None``."""
    return None if isinstance(value, str) and not value.strip() else value


def _strip(value: Any) -> Any:
    """Trim surrounding white space from text values."""
    return value.strip() if isinstance(value, str) else value


Optional = BeforeValidator(_blank_to_none)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalText = Annotated[Annotated[str, Field(max_length=200)] | None, Optional, BeforeValidator(_strip)]
State = Literal["unread", "reviewed"]


class FeedFilters(BaseModel):
    """Alert filters the Atom feed takes: kind (store.kinds), plan (id or name), priority, source name."""

    model_config = ConfigDict(extra="ignore")

    kind: Annotated[AlertKind | None, Optional] = None
    plan: OptionalText = None
    priority: OptionalText = None
    source: OptionalText = None

    def archive_filters(self) -> dict[str, Any]:
        """The filters as ``Archive.alerts`` keywords."""
        return {"kind": self.kind.value if self.kind else None, "plan": self.plan, "priority": self.priority,
                "source": self.source}


class InboxFilters(FeedFilters):
    """Inbox filters: kind, plan (id or name), priority, source name, state."""

    state: Annotated[State | None, Optional] = None
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
    limit: int = Field(default=50, ge=1, le=200)

    def filters(self) -> dict[str, Any]:
        """The filters alone (no paging), as the inbox links carry them."""
        return {"kind": self.kind.value if self.kind else None, "plan": self.plan, "priority": self.priority,
                "source": self.source, "state": self.state}


class SearchFilters(BaseModel):
    """Search words, archive filters and the page wanted."""

    model_config = ConfigDict(extra="ignore")

    q: Annotated[str, BeforeValidator(_strip), Field(default="", max_length=MAX_QUERY_BYTES)]
    source: OptionalText = None
    account: OptionalText = None
    since: OptionalText = None
    until: OptionalText = None
    relation: OptionalText = None
    plan: OptionalText = None
    status: OptionalText = None
    page: int = Field(default=1, ge=1, le=5_000)
    per_page: int = Field(default=20, ge=1, le=100)

    def filters(self) -> dict[str, Any]:
        """The archive filters alone (no words, no paging)."""
        return {"source": self.source, "account": self.account, "since": self.since, "until": self.until,
                "relation": self.relation, "plan": self.plan, "status": self.status}


class DiffView(BaseModel):
    """``changes`` shows only what differs; ``full`` the whole aligned text; ``download`` the 对照表 file instead."""

    view: Literal["changes", "full"] = "changes"
    download: Literal["docx", "xlsx"] | None = None


#: Largest form body accepted (the review form is a few dozen bytes).
MAX_FORM_BYTES = 8_192


async def form_fields(request: Request) -> dict[str, str]:
    """An urlencoded form body as a dict (first value per name); no multipart parser needed."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise WebError("form too large", status=413)
    return {name: values[0] for name, values in parse_qs(body.decode("utf-8", "replace")).items()}


#: Most alerts one bulk review may touch (one inbox page).
MAX_BULK = 200


def alert_ids(value: str | None) -> list[int]:
    """``"3,5,8"`` (the inbox form's hidden field) → ``[3, 5, 8]``; anything else is a 400."""
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not parts or len(parts) > MAX_BULK or not all(p.isdecimal() and 1 <= int(p) <= MAX_ID for p in parts):
        raise WebError(f"ids must be 1 to {MAX_BULK} alert ids separated by commas")
    return list(dict.fromkeys(int(part) for part in parts))


class BulkReview(BaseModel):
    """Several alerts marked reviewed (or unread again) at once."""

    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=MAX_BULK)
    reviewed: bool = True
