"""The diff page's data: a plan (or an older version) next to a document, clause by clause.

Rows and figures are recomputed with :func:`diffing.compare` from the stored texts
(about 2 ms), so the page always shows the engine's full alignment, including the
unchanged clauses the stored comparison does not keep.
"""
from __future__ import annotations

import diffing
from policywatch.web import records
from policywatch.web.diffview import diff_rows
from policywatch.web.errors import NotFound
from policywatch.web.queries import version_row
from policywatch.web.schemas import Diff, DiffSide
from store.archive import Archive
from store.documents import version_text


def _plan_side(archive: Archive, plan_version_id: int) -> tuple[DiffSide, str]:
    """The plan side (label, link) and the plan version's text."""
    plan_version = archive.plan_version(plan_version_id)
    if plan_version is None:
        raise NotFound(f"no plan version {plan_version_id}")
    plan = archive.plan(plan_version["plan_id"]) or {}
    side = DiffSide(label=f"plan {plan.get('name', '')} v{plan_version.get('seq') or 1}",
                    title=plan_version.get("title") or plan.get("name") or "",
                    link=f"/plans/{plan_version['plan_id']}", plan_id=plan_version["plan_id"],
                    version_id=plan_version_id)
    return side, plan_version.get("body") or ""


def _document_side(version: dict, label: str) -> DiffSide:
    """The document side of a diff."""
    return DiffSide(label=label, title=version.get("title") or "", link=f"/documents/{version['document_id']}",
                    document_id=version["document_id"], version_id=version["id"])


def _diff(left: DiffSide, left_text: str, right: DiffSide, right_text: str, *,
          comparison_id: int | None = None, stored_relation: str | None = None) -> Diff:
    """Compare the two texts and package the result for the page."""
    result = diffing.compare(left_text, right_text, plan_title=left.title, doc_title=right.title)
    return Diff(left=left, right=right, relation=stored_relation or result.relation,
                similarity=result.similarity, coverage=result.coverage, comparison_id=comparison_id,
                figures=records.figures([f.to_dict() for f in result.figures]), rows=diff_rows(result),
                outside=list(result.outside))


def comparison_diff(archive: Archive, comparison_id: int) -> Diff:
    """The diff behind a stored comparison (what an alert links to)."""
    row = archive.comparison(comparison_id)
    if row is None:
        raise NotFound(f"no comparison {comparison_id}")
    version = archive.get_version(row["version_id"])
    if version is None:
        raise NotFound(f"comparison {comparison_id} refers to a missing version")
    plan_side, plan_text = _plan_side(archive, row["plan_version_id"])
    doc_side = _document_side(version, f"document v{version.get('seq') or 1}")
    return _diff(plan_side, plan_text, doc_side, version_text(version), comparison_id=comparison_id,
                 stored_relation=row.get("relation"))


def plan_diff(archive: Archive, document_id: int, plan_id: int) -> Diff:
    """A document's latest version against a plan's latest version (stored comparison or not)."""
    document = archive.get(document_id)
    if document is None or not document.get("version"):
        raise NotFound(f"no document {document_id} with text")
    plan = archive.plan(plan_id)
    if plan is None or plan["id"] != plan_id or not plan.get("plan_version_id"):
        raise NotFound(f"no plan {plan_id}")
    version = document["version"]
    stored = [c for c in archive.comparisons(version_id=version["id"])
              if c["plan_version_id"] == plan["plan_version_id"]]
    if stored:
        return comparison_diff(archive, stored[0]["id"])
    plan_side, plan_text = _plan_side(archive, plan["plan_version_id"])
    doc_side = _document_side(version, f"document v{version.get('seq') or 1}")
    return _diff(plan_side, plan_text, doc_side, version_text(version))


def versions_diff(archive: Archive, document_id: int, older_id: int, newer_id: int) -> Diff:
    """Two versions of one document, the first (``a``) on the left."""
    older = version_row(archive, document_id, older_id)
    newer = version_row(archive, document_id, newer_id)
    return _diff(_document_side(older, f"version {older.get('seq')}"), version_text(older),
                 _document_side(newer, f"version {newer.get('seq')}"), version_text(newer))
