"""The diff page's data: a plan (or an older version) next to a document, clause by clause.

Rows and figures are recomputed with :func:`diffing.compare` from the stored texts
(about 2 ms), so the page always shows the engine's full alignment, including the
unchanged clauses the stored comparison does not keep. The same pair of texts gives
the downloadable 修改前后对照表 (:meth:`Pair.table`).
"""
from __future__ import annotations

from dataclasses import dataclass

import diffing
from diffing.model import Comparison
from policywatch.exports.table import ComparisonTable, side_of
from policywatch.exports.table import build as build_table
from policywatch.web import records
from policywatch.web.diffview import diff_rows
from policywatch.web.errors import NotFound
from policywatch.web.queries import version_row
from policywatch.web.schemas import Diff, DiffSide
from store.archive import Archive
from store.records import VersionRecord


@dataclass
class Pair:
    """The two sides of a diff, their texts and records; compared on demand for the page or the 对照表."""

    left: DiffSide
    left_text: str
    left_record: dict | VersionRecord
    right: DiffSide
    right_text: str
    right_record: VersionRecord
    comparison_id: int | None = None
    stored_relation: str | None = None

    def compare(self) -> Comparison:
        """The engine's comparison of the two texts."""
        return diffing.compare(self.left_text, self.right_text, plan_title=self.left.title,
                               doc_title=self.right.title)

    def diff(self) -> Diff:
        """The page model: figures and aligned rows."""
        result = self.compare()
        return Diff(left=self.left, right=self.right, relation=self.stored_relation or result.relation,
                    similarity=result.similarity, coverage=result.coverage, comparison_id=self.comparison_id,
                    figures=records.figures([f.to_dict() for f in result.figures]), rows=diff_rows(result),
                    outside=list(result.outside))

    def table(self) -> ComparisonTable:
        """The 修改前后对照表 of the two sides."""
        return build_table(self.compare(), side_of(self.left_record, self.left.title),
                           side_of(self.right_record, self.right.title), relation=self.stored_relation)


def _plan_side(archive: Archive, plan_version_id: int) -> tuple[DiffSide, str, dict]:
    """The plan side (label, link), the plan version's text and its record."""
    plan_version = archive.plan_version(plan_version_id)
    if plan_version is None:
        raise NotFound(f"no plan version {plan_version_id}")
    plan = archive.plan(plan_version["plan_id"]) or {}
    side = DiffSide(label=f"plan {plan.get('name', '')} v{plan_version.get('seq') or 1}",
                    title=plan_version.get("title") or plan.get("name") or "",
                    link=f"/plans/{plan_version['plan_id']}", plan_id=plan_version["plan_id"],
                    version_id=plan_version_id)
    return side, plan_version.get("body") or "", plan_version


def _document_side(version: VersionRecord, label: str) -> DiffSide:
    """The document side of a diff."""
    return DiffSide(label=label, title=version.title, link=f"/documents/{version.document_id}",
                    document_id=version.document_id, version_id=version.id)


def comparison_pair(archive: Archive, comparison_id: int) -> Pair:
    """The sides behind a stored comparison (what an alert links to)."""
    row = archive.comparison(comparison_id)
    if row is None:
        raise NotFound(f"no comparison {comparison_id}")
    version = archive.get_version(row["version_id"])
    if version is None:
        raise NotFound(f"comparison {comparison_id} refers to a missing version")
    plan_side, plan_text, plan_record = _plan_side(archive, row["plan_version_id"])
    doc_side = _document_side(version, f"document v{version.seq or 1}")
    return Pair(plan_side, plan_text, plan_record, doc_side, version.text, version,
                comparison_id=comparison_id, stored_relation=row.get("relation"))


def plan_pair(archive: Archive, document_id: int, plan_id: int) -> Pair:
    """A document's latest version and a plan's latest version (the stored comparison's when there is one)."""
    document = archive.get(document_id)
    version = document.version if document else None
    if version is None:
        raise NotFound(f"no document {document_id} with text")
    plan = archive.plan(plan_id)
    if plan is None or plan["id"] != plan_id or not plan.get("plan_version_id"):
        raise NotFound(f"no plan {plan_id}")
    stored = [c for c in archive.comparisons(version_id=version.id)
              if c["plan_version_id"] == plan["plan_version_id"]]
    if stored:
        return comparison_pair(archive, stored[0]["id"])
    plan_side, plan_text, plan_record = _plan_side(archive, plan["plan_version_id"])
    doc_side = _document_side(version, f"document v{version.seq or 1}")
    return Pair(plan_side, plan_text, plan_record, doc_side, version.text, version)


def versions_pair(archive: Archive, document_id: int, older_id: int, newer_id: int) -> Pair:
    """Two versions of one document, the first (``a``) on the left."""
    older = version_row(archive, document_id, older_id)
    newer = version_row(archive, document_id, newer_id)
    return Pair(_document_side(older, f"version {older.seq}"), older.text, older,
                _document_side(newer, f"version {newer.seq}"), newer.text, newer)


def comparison_diff(archive: Archive, comparison_id: int) -> Diff:
    """The diff behind a stored comparison."""
    return comparison_pair(archive, comparison_id).diff()


def plan_diff(archive: Archive, document_id: int, plan_id: int) -> Diff:
    """A document's latest version against a plan's latest version."""
    return plan_pair(archive, document_id, plan_id).diff()


def versions_diff(archive: Archive, document_id: int, older_id: int, newer_id: int) -> Diff:
    """Two versions of one document."""
    return versions_pair(archive, document_id, older_id, newer_id).diff()
