"""A policy's life in the archive: links between documents and plans, consultations, plan origin.

``links`` rows read "document ``document_id`` is the <kind> of the other" (a document
``other_id`` and/or a plan ``plan_id``): ``draft_of`` (a consultation draft → its final),
``interprets`` (an interpretation → a plan). The reverse reading of ``draft_of`` is
``final_of``, so one row links a draft and its final both ways. ``plan_home_of`` (the
official page → the plan it publishes) is read from ``plans.home_document_id``. ``consultations`` holds each recognised draft with the
key its final is found by (:func:`diffing.lifecycle.title_key`) and its feedback deadline.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from store.base import ArchiveBase, dumps, now, row_id
from store.errors import ArchiveError

#: Link kinds as stored ("this document is the <kind> the other").
LINK_KINDS = ("draft_of", "interprets")
#: How a link reads from the other end (only draft ↔ final has a reverse name).
REVERSE = {"draft_of": "final_of"}
#: Where a plan came from.
ORIGINS = ("manual", "auto")


class LinksMixin(ArchiveBase):
    """link / links / consultations / plan origin and untracking."""

    def link(self, kind: str, document_id: int, *, other_id: int | None = None, plan_id: int | None = None,
             data: dict[str, Any] | None = None) -> bool:
        """Record that ``document_id`` is the ``kind`` of the other; returns False when already known."""
        if kind not in LINK_KINDS:
            raise ArchiveError(f"unknown link kind {kind!r} (expected one of {', '.join(LINK_KINDS)})")
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO links (kind, document_id, other_id, plan_id, data, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, document_id, other_id if other_id is not None else 0,
                 plan_id if plan_id is not None else 0, dumps(data or {}), now()))
            return cursor.rowcount > 0

    def links(self, document_id: int) -> list[dict[str, Any]]:
        """Every link of a document, read from its side: {kind, document_id, title, plan}."""
        rows = self.rows(
            "SELECT l.kind, l.document_id AS this, l.other_id, l.plan_id, p.name AS plan, pv.title AS plan_title,"
            " l.created_at FROM links l LEFT JOIN plans p ON p.id = l.plan_id"
            " LEFT JOIN plan_versions pv ON pv.id = p.latest_version_id"
            " WHERE l.document_id = ?1 OR l.other_id = ?1 ORDER BY l.id", (document_id,))
        found = []
        for row in rows:
            mine = row["this"] == document_id
            if not mine and row["kind"] not in REVERSE:
                continue
            other = (row["other_id"] or None) if mine else row["this"]
            found.append({"kind": row["kind"] if mine else REVERSE[row["kind"]], "document_id": other,
                          "title": self._title(other) if other else row["plan_title"],
                          "plan": row["plan"], "created_at": row["created_at"]})
        homes = self.rows("SELECT p.name, pv.title FROM plans p LEFT JOIN plan_versions pv"
                          " ON pv.id = p.latest_version_id WHERE p.home_document_id = ? ORDER BY p.id", (document_id,))
        return found + [{"kind": "plan_home_of", "document_id": None, "title": home["title"], "plan": home["name"],
                         "created_at": None} for home in homes]

    def _title(self, document_id: int) -> str | None:
        """The latest title of a document."""
        return self.scalar("SELECT v.title FROM documents d JOIN versions v ON v.id = d.latest_version_id"
                           " WHERE d.id = ?", (document_id,))

    def linked(self, kind: str, *, document_id: int | None = None, other_id: int | None = None,
               plan_id: int | None = None) -> list[dict[str, Any]]:
        """Raw link rows of one kind, filtered by either end or the plan."""
        where: list[str] = ["kind = ?"]
        params: list[object] = [kind]
        for column, value in (("document_id", document_id), ("other_id", other_id), ("plan_id", plan_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        return self.rows(f"SELECT * FROM links WHERE {' AND '.join(where)} ORDER BY id", params)

    def save_consultation(self, document_id: int, *, key: str, issuer: str | None, source: str | None,
                          deadline: str | None, published: str | None) -> None:
        """Record (or refresh) a consultation draft: its title key, issuer, deadline (ISO date)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO consultations (document_id, title_key, issuer, source, deadline, published_date,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (document_id) DO UPDATE SET"
                " title_key = excluded.title_key, issuer = excluded.issuer, deadline = excluded.deadline,"
                " published_date = excluded.published_date",
                (document_id, key, issuer, source, deadline, published, now()))

    def find_draft(self, key: str, *, before: str | None, exclude: int) -> dict[str, Any] | None:
        """The newest consultation with this title key published before ``before`` (an ISO date)."""
        return self.row(
            "SELECT * FROM consultations WHERE title_key = ? AND document_id != ?"
            " AND (? IS NULL OR published_date IS NULL OR published_date <= ?)"
            " ORDER BY published_date DESC, document_id DESC LIMIT 1", (key, exclude, before, before))

    def consultations(self, on: date | None = None, *, open_only: bool = False) -> list[dict[str, Any]]:
        """Every consultation draft: title, issuer, deadline, final (if linked), ``days_left`` counted from ``on``.

        ``open_only`` keeps the drafts with no final yet and a deadline not past (or unknown).
        """
        rows = self.rows(
            "SELECT c.document_id, v.title, coalesce(c.issuer, v.account) AS issuer, c.deadline,"
            " c.published_date, v.url, (SELECT other_id FROM links l WHERE l.kind = 'draft_of'"
            " AND l.document_id = c.document_id ORDER BY l.id DESC LIMIT 1) AS final_document_id"
            " FROM consultations c JOIN documents d ON d.id = c.document_id"
            " LEFT JOIN versions v ON v.id = d.latest_version_id ORDER BY c.deadline IS NULL, c.deadline,"
            " c.document_id")
        for row in rows:
            row["days_left"] = (date.fromisoformat(row["deadline"]) - on).days if on and row["deadline"] else None
        if open_only:
            rows = [r for r in rows if not r["final_document_id"] and (r["days_left"] is None or r["days_left"] >= 0)]
        return rows

    def set_plan_origin(self, plan_id: int, origin: str) -> None:
        """Say where a plan came from (manual ``track`` or found by itself)."""
        if origin not in ORIGINS:
            raise ArchiveError(f"unknown plan origin {origin!r} (expected one of {', '.join(ORIGINS)})")
        with self.write() as conn:
            conn.execute("UPDATE plans SET origin = ? WHERE id = ?", (origin, plan_id))

    def untrack(self, name_or_id: str | int) -> dict[str, Any]:
        """Stop tracking a plan; its versions, comparisons and alerts are kept. Returns the plan row."""
        plan = self.row("SELECT * FROM plans WHERE name = ?", (str(name_or_id),))
        if plan is None and row_id(name_or_id) is not None:
            plan = self.row("SELECT * FROM plans WHERE id = ?", (row_id(name_or_id),))
        if plan is None or plan.get("untracked_at"):
            raise ArchiveError(f"no tracked plan {name_or_id!r}")
        with self.write() as conn:
            conn.execute("UPDATE plans SET untracked_at = ? WHERE id = ?", (now(), plan["id"]))
        return plan

    def plan_family(self, plan_id: int) -> dict[str, Any]:
        """A plan's origin, home document, draft and final document ids (None where unknown)."""
        found = self.row("SELECT origin, home_document_id FROM plans WHERE id = ?", (plan_id,)) or {}
        origin, home = found.get("origin") or "manual", found.get("home_document_id")
        draft = self.scalar("SELECT document_id FROM links WHERE kind = 'draft_of' AND other_id = ?"
                            " ORDER BY id DESC LIMIT 1", (home,)) if home else None
        return {"origin": origin, "home": home, "draft": draft, "final": home if draft else None}

    def plan_listing(self) -> list[dict[str, Any]]:
        """Every tracked plan as ``policywatch plans`` lists it: the summary plus title, origin, draft, final."""
        listing = []
        for row in self.plan_summaries():  # type: ignore[attr-defined]
            family = self.plan_family(row["id"])
            title = self.scalar("SELECT pv.title FROM plans p JOIN plan_versions pv ON pv.id = p.latest_version_id"
                                " WHERE p.id = ?", (row["id"],))
            listing.append({"name": row["name"], "title": title, "origin": family["origin"], "home": row["home"],
                            "versions": row["versions"], "draft": family["draft"], "final": family["final"],
                            **{k: v for k, v in row.items() if k not in ("name", "home", "versions")}})
        return listing
