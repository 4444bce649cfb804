"""Datasette metadata for an archive: what each table holds and the analysts' canned queries."""
from __future__ import annotations

from typing import Any

TABLES = {
    "documents": "Every page ever fetched: one row per URL, its status (ok, deleted, blocked, unavailable), "
                 "first/last seen (UTC) and its current version (latest_version_id).",
    "versions": "Every distinct text of a document (a new row only when the text changed): title, account, "
                "published date, lead (a repost's own commentary) and body.",
    "document_events": "Status changes of documents (ok → deleted …), UTC.",
    "plans": "Tracked action plans, by name.",
    "plan_versions": "Every text of a tracked plan.",
    "comparisons": "A document version compared with a plan version: relation (identical, repost, "
                   "altered_repost, revision, excerpt, interpretation, unrelated), similarity, coverage, "
                   "changed clauses and changed figures (JSON).",
    "alerts": "What analysts are told: one row per alert (grouped reposts share one), priority and summary.",
    "alert_documents": "The documents behind each alert.",
    "alert_deliveries": "Each alert's delivery per channel: status, attempts, last error.",
    "crawl_runs": "Every crawl run per source: start/end (UTC), status, counts and errors.",
    "sources": "The sources crawled (from sources.toml).",
}

SEARCH_SQL = """select d.id, v.title, v.account, v.published_at, d.status, d.url
from search_fts f
join documents d on d.id = f.rowid
join versions v on v.id = d.latest_version_id
where search_fts match policywatch_match(:q)
order by rank
limit 200"""

ALTERED_THIS_WEEK_SQL = """select c.created_at as compared_at, p.name as plan, v.title, v.account, v.published_at,
  round(c.similarity, 3) as similarity, json_array_length(c.figures) as changed_figures, d.id as document_id, d.url
from comparisons c
join plans p on p.id = c.plan_id
join versions v on v.id = c.version_id
join documents d on d.id = c.document_id
where c.relation = 'altered_repost'
  and c.created_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days')
order by c.created_at desc"""

FIGURES_BY_PLAN_SQL = """select p.name as plan, json_extract(f.value, '$.plan') as plan_figure,
  json_extract(f.value, '$.doc') as document_figure, json_extract(f.value, '$.context') as context,
  c.relation, v.title, v.account, d.id as document_id, d.url
from comparisons c
join plans p on p.id = c.plan_id
join versions v on v.id = c.version_id
join documents d on d.id = c.document_id,
  json_each(c.figures) f
where :plan = '' or p.name = :plan
order by p.name, c.created_at desc"""

DELETED_SQL = """select d.id, v.title, v.account, d.status, d.last_seen, d.url,
  (select max(e.at) from document_events e where e.document_id = d.id) as status_changed_at
from documents d
left join versions v on v.id = d.latest_version_id
where d.status != 'ok'
order by status_changed_at desc"""

OPEN_CONSULTATIONS_SQL = """select c.deadline, cast(julianday(c.deadline) - julianday(date('now', '+8 hours')) as integer)
  as days_left, v.title, coalesce(c.issuer, v.account) as issuer, c.published_date, d.id as document_id, d.url
from consultations c
join documents d on d.id = c.document_id
left join versions v on v.id = d.latest_version_id
where not exists (select 1 from links l where l.kind = 'draft_of' and l.document_id = c.document_id)
  and (c.deadline is null or c.deadline >= date('now', '+8 hours'))
order by c.deadline is null, c.deadline, c.document_id"""

QUERIES = {
    "search": {"title": "Search (exact, policywatch syntax)", "sql": SEARCH_SQL,
               "description": "Words (AND), OR, -exclude, \"phrases\"; exact for Chinese of any length, "
                              "as policywatch search.", "params": ["q"]},
    "altered_reposts_this_week": {"title": "Altered reposts this week", "sql": ALTERED_THIS_WEEK_SQL,
                                  "description": "Documents compared in the last 7 days as altered reposts "
                                                 "of a tracked plan, newest first."},
    "changed_figures_by_plan": {"title": "Changed figures by plan", "sql": FIGURES_BY_PLAN_SQL,
                                "description": "Every key figure a document changed against a plan "
                                               "(leave plan empty for all plans).", "params": ["plan"]},
    "open_consultations": {"title": "Open consultations", "sql": OPEN_CONSULTATIONS_SQL,
                           "description": "征求意见稿 with no final yet whose feedback deadline (China's date) has "
                                          "not passed, soonest first; as policywatch consultations --open."},
    "deleted_documents": {"title": "Deleted and unavailable documents", "sql": DELETED_SQL,
                          "description": "Pages that disappeared, were blocked or became unavailable; their "
                                         "last text stays in versions."},
}


def metadata(database: str) -> dict[str, Any]:
    """The metadata.json content for the archive Datasette calls ``database``."""
    tables: dict[str, Any] = {name: {"description": text} for name, text in TABLES.items()}
    for hidden in ("search_fts", "search_marks", "_migrations"):
        tables[hidden] = {"hidden": True}
    return {
        "title": "policywatch archive",
        "description": "Chinese industrial policy documents, their versions, comparisons with tracked plans "
                       "and alerts. Times are UTC. Read-only.",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }
