"""Crawl health per source, from the crawl runs: last run, its outcome, streak of failures, documents held.

A run *failed* when the crawler marked it so, when it fetched nothing but errors, or
when it never finished although a later run started (the process died). A source
whose last :data:`FAILING_AFTER` runs all failed is *failing*; reaching that streak
raises a ``source_failing`` alert and the first good run after it a
``source_recovered`` alert, so silence is never mistaken for "no news".
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from store.base import ArchiveBase, decode
from store.kinds import AlertKind
from store.records import AlertSummary

if TYPE_CHECKING:
    from store.outbox import OutboxMixin

#: Failed runs in a row after which a source is marked failing (and alerted).
FAILING_AFTER = 3
#: Runs read per source to tell its streak.
_HISTORY = 50


def outcome(run: dict[str, Any], *, latest: bool) -> str:
    """``ok``, ``errors`` (finished, some fetches failed), ``failed``, ``running`` or ``interrupted``."""
    counts = run.get("counts") or {}
    errors = int(run.get("error_count") or counts.get("errors") or 0)
    if not run.get("finished_at"):
        return "running" if latest else "interrupted"
    if run.get("status") == "failed" or (errors and errors >= max(1, int(counts.get("pages") or 0))):
        return "failed"
    return "errors" if errors else "ok"


def failed(state: str) -> bool:
    """Whether an outcome counts towards a failing streak."""
    return state in ("failed", "interrupted")


def streak(runs: list[dict[str, Any]]) -> int:
    """Failed runs in a row, newest first (a run still going is not counted either way)."""
    count = 0
    for index, run in enumerate(runs):
        state = outcome(run, latest=index == 0)
        if state == "running":
            continue
        if not failed(state):
            break
        count += 1
    return count


class HealthMixin(ArchiveBase):
    """source_health (the per-source report) and record_source_health (its alerts)."""

    def source_health(self) -> list[dict[str, Any]]:
        """One dict per known source (sources table and sources seen in runs), by name."""
        names = [row[0] for row in self._conn.execute(
            "SELECT name FROM sources UNION SELECT source FROM crawl_runs WHERE source IS NOT NULL ORDER BY 1")]
        held = dict(self._conn.execute("SELECT source, count(*) FROM documents GROUP BY source").fetchall())
        meta = {row["name"]: row for row in self.rows("SELECT name, kind, url, meta FROM sources")}
        return [self._health(name, meta.get(name) or {}, int(held.get(name) or 0)) for name in names]

    def _health(self, name: str, source: dict[str, Any], held: int) -> dict[str, Any]:
        """The report of one source."""
        runs = self._runs_of(name)
        last = runs[0] if runs else None
        counts = (last or {}).get("counts") or {}
        errors = (last or {}).get("errors") or []
        failing = streak(runs)
        settings = source.get("meta") or {}
        return {
            "source": name, "kind": source.get("kind"), "url": source.get("url"),
            "every": settings.get("every"), "cron": settings.get("cron"),
            "last_started": (last or {}).get("started_at"), "last_finished": (last or {}).get("finished_at"),
            "outcome": outcome(last, latest=True) if last else "never",
            "pages": int(counts.get("pages") or 0), "new": int(counts.get("new") or 0),
            "changed": int(counts.get("changed") or 0), "not_modified": int(counts.get("not_modified") or 0),
            "errors": int((last or {}).get("error_count") or 0), "last_error": errors[-1] if errors else None,
            "failing_runs": failing, "failing": failing >= FAILING_AFTER, "documents": held, "runs": len(runs),
        }

    def _runs_of(self, name: str) -> list[dict[str, Any]]:
        """The source's most recent runs, newest first, JSON decoded."""
        return [decode(row) for row in self.rows(
            "SELECT * FROM crawl_runs WHERE source = ? ORDER BY started_at DESC, id DESC LIMIT ?", (name, _HISTORY))]

    def record_source_health(self, name: str) -> str | None:
        """After a run of ``name`` finished: alert when it just became failing or just recovered.

        Returns the alert kind raised, if any. One alert per transition: the streak
        reaching exactly FAILING_AFTER, or the first good run after such a streak.
        """
        runs = [run for index, run in enumerate(self._runs_of(name))
                if outcome(run, latest=index == 0) != "running"]
        if not runs:
            return None
        now_failing = streak(runs)
        if now_failing == FAILING_AFTER:
            kind, priority = AlertKind.SOURCE_FAILING, "high"
            title = f"{name}: {FAILING_AFTER} crawl runs in a row failed — 来源连续抓取失败"
        elif now_failing == 0 and streak(runs[1:]) >= FAILING_AFTER:
            kind, priority = AlertKind.SOURCE_RECOVERED, "normal"
            title = f"{name}: crawling works again — 来源已恢复"
        else:
            return None
        last = runs[0]
        errors = last.get("errors") or []
        summary = AlertSummary.from_dict({
            "title": title, "priority": priority, "source": name, "kind": kind,
            "last_error": errors[-1] if errors else None, "failing_runs": streak(runs[1:]) or now_failing})
        outbox = cast("OutboxMixin", self)  # the Archive composes this mixin with the outbox
        outbox.enqueue_alert(group_key=f"{kind.value}:{name}:{last['id']}", priority=priority, plan_id=None,
                             document_id=None, version_id=None, comparison_id=None, relation=None, title=title,
                             summary=summary, kind=kind)
        return kind.value
