"""Pydantic models of what the review page shows; the JSON API returns them as they are.

One set of models serves both the HTML templates and ``/api/...``, so the OpenAPI
schema FastAPI generates describes exactly what the pages display.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, computed_field

#: Row kinds a reviewer must look at; ``equal`` and ``outside`` rows are context.
CHANGE_KINDS = ("changed", "moved", "added", "removed")


class Figure(BaseModel):
    """A key figure of the plan and its counterpart in the document ("不少于50000家 → 60000家")."""

    context: str = ""
    plan: str | None = None
    doc: str | None = None
    kind: str = "changed"


class Segment(BaseModel):
    """A run of text inside a clause; ``op`` is equal, insert or delete."""

    op: str
    text: str


class Change(BaseModel):
    """One clause-level change: added, removed, changed or moved (``inline``: the word-level edit)."""

    kind: str
    section: str = ""
    plan_text: str = ""
    doc_text: str = ""
    inline: list[Segment] = []


class DiffRow(BaseModel):
    """One aligned row of the side-by-side view: a plan clause next to its document clause."""

    index: int
    kind: str = Field(description="equal | changed | moved | added | removed | outside (the document's own text)")
    section: str = ""
    doc_section: str = Field("", description="for a clause moved to another section: where it is now")
    plan_text: str = ""
    doc_text: str = ""
    plan_segments: list[Segment] = []
    doc_segments: list[Segment] = []

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def is_change(self) -> bool:
        """True for rows a reviewer must look at (everything but unchanged text)."""
        return self.kind in CHANGE_KINDS


class Delivery(BaseModel):
    """The state of one alert on one channel."""

    channel: str
    status: str
    attempts: int = 0
    last_error: str | None = None
    delivered_at: str | None = None


class AlertDocument(BaseModel):
    """A document grouped under an alert (one of the accounts that reposted the same text)."""

    document_id: int
    version_id: int | None = None
    comparison_id: int | None = None
    title: str = ""
    account: str | None = None
    url: str | None = None
    published_at: str | None = None
    relation: str = ""
    coverage: float | None = None


class Alert(BaseModel):
    """An alert in the inbox; ``kind`` is one of store.kinds, ``headline`` the change itself, first."""

    id: int
    kind: str = "plan"
    headline: str | None = None
    created_at: str | None = None
    priority: str = "normal"
    relation: str = ""
    title: str = ""
    plan_id: int | None = None
    plan_name: str | None = None
    document_id: int | None = None
    version_id: int | None = None
    comparison_id: int | None = None
    source: str | None = None
    account: str | None = None
    url: str | None = None
    documents: int = 1
    reviewed: bool = False
    reviewed_at: str | None = None
    figures: list[Figure] = []

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def state(self) -> str:
        """``reviewed`` or ``unread``."""
        return "reviewed" if self.reviewed else "unread"


class AlertDetail(Alert):
    """An alert with every grouped document and its delivery state per channel."""

    members: list[AlertDocument] = []
    deliveries: list[Delivery] = []
    changes: list[Change] = []
    title_change: dict[str, str] | None = None
    status_from: str | None = None
    status_to: str | None = None
    last_text: str | None = None
    previous_version_id: int | None = None


class AlertPage(BaseModel):
    """One page of the inbox."""

    alerts: list[Alert]
    limit: int
    offset: int
    has_more: bool


class Version(BaseModel):
    """One stored version of a document (a distinct content hash)."""

    id: int
    number: int
    title: str = ""
    content_hash: str | None = None
    fetched_at: str | None = None
    created_at: str | None = None


class Comparison(BaseModel):
    """A document version compared with a tracked plan version."""

    id: int
    plan_id: int | None = None
    plan_name: str | None = None
    plan_version_id: int | None = None
    version_id: int | None = None
    document_id: int | None = None
    relation: str = ""
    similarity: float | None = None
    coverage: float | None = None
    created_at: str | None = None
    changes: list[Change] = []
    figures: list[Figure] = []


class Document(BaseModel):
    """A document's metadata and the clean text of its latest (or a chosen) version."""

    id: int
    version_id: int | None = None
    kind: str | None = None
    status: str = "ok"
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    title: str = ""
    account: str | None = None
    author: str | None = None
    doc_number: str | None = None
    published_at: str | None = None
    fetched_at: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    origin: str | None = None
    origin_url: str | None = None
    lead: str = ""
    body: str = ""

    @property
    def original_url(self) -> str | None:
        """The link to the page as published (canonical URL first)."""
        return self.canonical_url or self.url


class StatusEvent(BaseModel):
    """A change of a document's status: deleted, blocked, unavailable, back online."""

    at: str | None = None
    old_status: str | None = None
    new_status: str


class DocumentDetail(Document):
    """The document page: metadata, text, versions, status history, comparisons with every plan."""

    versions: list[Version] = []
    events: list[StatusEvent] = []
    comparisons: list[Comparison] = []


class DiffSide(BaseModel):
    """What one side of a diff is: a plan version or a document version."""

    label: str
    title: str = ""
    link: str | None = None
    plan_id: int | None = None
    document_id: int | None = None
    version_id: int | None = None


class Diff(BaseModel):
    """The diff page: figures on top, then the aligned clauses side by side."""

    left: DiffSide
    right: DiffSide
    relation: str = ""
    similarity: float | None = None
    coverage: float | None = None
    comparison_id: int | None = None
    figures: list[Figure] = []
    rows: list[DiffRow] = []
    outside: list[str] = []

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented form
    @property
    def change_count(self) -> int:
        """How many rows need a reviewer's eye."""
        return sum(1 for row in self.rows if row.is_change)


class SearchHit(BaseModel):
    """A search result; ``snippet`` is plain text with the archive's hit markers."""

    id: int
    title: str = ""
    url: str | None = None
    account: str | None = None
    published_at: str | None = None
    snippet: str = Field("", description="plain text; each match between [[ and ]]")
    snippet_parts: list[tuple[str, bool]] = Field([], description="the snippet as (text, is_match) pieces")
    score: float | None = None


class SearchResults(BaseModel):
    """One page of search results."""

    query: str
    total: int
    estimated: bool = Field(False, description="total is an estimate (a one-character query on a large archive)")
    page: int
    pages: int
    per_page: int
    hits: list[SearchHit]


class PlanVersion(BaseModel):
    """One version of a tracked plan."""

    id: int
    number: int
    title: str = ""
    content_hash: str | None = None
    created_at: str | None = None


class RelatedDocument(BaseModel):
    """A document compared with a plan: its relation and the figures it changed."""

    document_id: int
    comparison_id: int
    title: str = ""
    account: str | None = None
    url: str | None = None
    published_at: str | None = None
    relation: str = ""
    similarity: float | None = None
    coverage: float | None = None
    changes: int = 0
    figures: int = 0
    status: str = "ok"


class Plan(BaseModel):
    """A tracked plan; ``home_document_id`` is the document whose new versions become its versions."""

    id: int
    name: str
    title: str = ""
    plan_version_id: int | None = None
    created_at: str | None = None
    home_document_id: int | None = None


class PlanDetail(Plan):
    """A tracked plan with its versions and every related document (altered reposts first)."""

    body: str = ""
    versions: list[PlanVersion] = []
    related: list[RelatedDocument] = []


class Reviewed(BaseModel):
    """The reviewed state of an alert after a change."""

    id: int
    reviewed: bool


class ApiError(BaseModel):
    """Every API error has this shape."""

    error: str
    status: int


class TimelineEvent(BaseModel):
    """One event of a plan's life (``policywatch timeline NAME --format json`` has the same keys)."""

    date: str | None = Field(None, description="publication date where known, else first seen (UTC ISO)")
    event: str = Field(description="draft | final | plan_version | interpretation | repost | altered_repost | "
                                   "excerpt | revision | revised | deleted")
    document_id: int | None = None
    title: str | None = None
    account: str | None = None
    url: str | None = None
    relation: str | None = None
    similarity: float | None = None
    figures: list[Any] = Field([], description="changed key figures of a copy against the plan")
    coverage: float | None = None
    first_seen: str | None = None
    latency_hours: float | None = Field(None, description="for copies: hours after the plan's publication")
    seq: int | None = Field(None, description="the version number of a plan_version or revised event")


class Consultation(BaseModel):
    """A consultation draft (``policywatch consultations --format json`` keys, plus url and published_date)."""

    document_id: int
    title: str | None = None
    issuer: str | None = None
    deadline: str | None = Field(None, description="feedback deadline, YYYY-MM-DD")
    days_left: int | None = Field(None, description="days to the deadline from today in China; negative: past")
    final_document_id: int | None = Field(None, description="the final text, once published")
    url: str | None = None
    published_date: str | None = None
