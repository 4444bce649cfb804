"""Sources, crawl runs and archive statistics."""
from __future__ import annotations

from typing import Any

from store.base import ArchiveBase, dumps, inserted_id, now
from store.errors import ArchiveError

#: Tables counted by ``stats()``, in display order.
COUNTED_TABLES = (
    "sources", "documents", "versions", "plans", "plan_versions", "comparisons", "alerts",
    "alert_documents", "alert_deliveries", "crawl_runs",
)


class RunsMixin(ArchiveBase):
    """upsert_source, start_run / finish_run / last_run / runs, stats."""

    def upsert_source(self, name: str, kind: str, url: str, **meta: Any) -> None:
        """Record (or update) a configured source; ``meta`` is kept as JSON."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO sources (name, kind, url, meta, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url = excluded.url, meta = excluded.meta",
                (name, kind, url, dumps(meta), now()))

    def sources(self) -> list[dict[str, Any]]:
        """Every recorded source, by name."""
        return self.rows("SELECT * FROM sources ORDER BY name")

    def start_run(self, source: str | None) -> int:
        """Open a crawl run for ``source`` (None: all sources); returns its id."""
        with self.write() as conn:
            return inserted_id(conn.execute("INSERT INTO crawl_runs (source, started_at, status, error_count)"
                                " VALUES (?, ?, 'running', 0)", (source, now())))

    def finish_run(self, run_id: int, counts: dict[str, int], errors: list[str]) -> None:
        """Close a crawl run with its counts (e.g. new, new_version, unchanged) and errors."""
        with self.write() as conn:
            changed = conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, counts = ?, errors = ?, error_count = ?"
                " WHERE id = ?", (now(), "failed" if errors and not any(counts.values()) else "finished",
                                  dumps(counts), dumps(list(errors)), len(errors), run_id)).rowcount
        if not changed:
            raise ArchiveError(f"no crawl run {run_id} in the archive")

    def last_run(self, source: str) -> dict[str, Any] | None:
        """The most recent run of ``source`` (finished or not), or None."""
        return self.row("SELECT * FROM crawl_runs WHERE source IS ? ORDER BY started_at DESC, id DESC LIMIT 1",
                        (source,))

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent crawl runs, newest first."""
        return self.rows("SELECT * FROM crawl_runs ORDER BY started_at DESC, id DESC LIMIT ?", (int(limit),))

    def stats(self) -> dict[str, Any]:
        """Row counts per table, documents per status, and the file size in bytes."""
        counts: dict[str, Any] = {name: self.scalar(f"SELECT count(*) FROM [{name}]") for name in COUNTED_TABLES}
        counts["documents_by_status"] = {
            row["status"]: row["n"] for row in self.rows("SELECT status, count(*) AS n FROM documents GROUP BY status")}
        counts["unread_alerts"] = self.scalar("SELECT count(*) FROM alerts WHERE reviewed_at IS NULL")
        counts["size_bytes"] = self.path.stat().st_size if self.path.exists() else 0
        return counts
