"""Archive: the one API over the SQLite file (OWNED BY THE STORE WORK; signatures are the contract).

Every other layer goes through these methods; none writes SQL of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.model import Document


@dataclass(frozen=True)
class SaveResult:
    """What ``Archive.save`` did: outcome is new | new_version | unchanged | status_changed."""

    outcome: str
    document_id: int
    version_id: int | None


@dataclass(frozen=True)
class PlanResult:
    """What ``Archive.track_plan`` did."""

    plan_id: int
    plan_version_id: int
    created_version: bool


class Archive:
    """A policywatch archive in one SQLite file (WAL, foreign keys, migrations on open)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # sources and crawl runs
    def upsert_source(self, name: str, kind: str, url: str, **meta: Any) -> None:
        raise NotImplementedError

    def start_run(self, source: str | None) -> int:
        raise NotImplementedError

    def finish_run(self, run_id: int, counts: dict[str, int], errors: list[str]) -> None:
        raise NotImplementedError

    def last_run(self, source: str) -> dict[str, Any] | None:
        raise NotImplementedError

    # documents and versions
    def save(self, doc: Document, *, source: str | None = None) -> SaveResult:
        raise NotImplementedError

    def get(self, document_id: int) -> dict[str, Any] | None:
        raise NotImplementedError

    def get_version(self, version_id: int) -> dict[str, Any] | None:
        raise NotImplementedError

    def find_document(self, url: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def history(self, url_or_id: str | int) -> list[dict[str, Any]]:
        raise NotImplementedError

    # tracked plans
    def track_plan(self, name: str, doc: Document) -> PlanResult:
        raise NotImplementedError

    def plans(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def plan(self, name_or_id: str | int) -> dict[str, Any] | None:
        raise NotImplementedError

    # comparisons
    def save_comparison(self, version_id: int, plan_version_id: int, comparison: dict[str, Any]) -> int:
        raise NotImplementedError

    def comparisons(self, *, version_id: int | None = None, document_id: int | None = None,
                    plan_id: int | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    # alert outbox
    def enqueue_alert(self, *, group_key: str, priority: str, plan_id: int, document_id: int,
                      version_id: int, comparison_id: int, relation: str, title: str,
                      summary: dict[str, Any]) -> tuple[int, bool]:
        raise NotImplementedError
