"""schemathesis against the review page's OpenAPI schema (ASGI, in process): no 500s.

Every operation of ``/openapi.json`` gets schemathesis-generated path, query and body
values over an archive full of hostile documents (small ids are mixed in so that
real alerts, documents and comparisons are hit, not only 404s). Any 5xx fails; the
example counts go to the reliability report.
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from fastapi.testclient import TestClient

from policywatch.web import create_app
from tests.chaos import hostile
from tests.chaos.fuzzing import fuzz, fuzz_variants

VARIANTS = fuzz_variants()


@pytest.fixture(scope="module")
def api_archive(tmp_path_factory):
    return hostile.build(tmp_path_factory.mktemp("api-fuzz") / "api.db")


@pytest.fixture(scope="module")
def operations(api_archive):
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(api_archive.path))
    return [result.ok() for result in schema.get_all_operations()]


def test_schema_lists_the_api(operations):
    labels = {op.label for op in operations}
    assert {"GET /api/alerts", "GET /api/search", "POST /api/alerts/{alert_id}/reviewed"} <= labels


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_operation_answers_5xx(operations, variant):
    failed: dict[str, str] = {}
    for operation in operations:
        def check(case, label=operation.label) -> None:
            for name, value in (case.path_parameters or {}).items():
                if isinstance(value, int) and value % 3 == 0:
                    case.path_parameters[name] = 1 + value % 11
            response = case.call()
            assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"

        slug = re.sub(r"[^a-z0-9]+", "-", operation.label.lower()).strip("-")
        try:
            fuzz(f"api-{slug}", variant, [operation.as_strategy()], check)
        except Exception as exc:  # noqa: BLE001 - every operation is fuzzed; failures are judged below
            failed[operation.label] = f"{type(exc).__name__}: {str(exc)[:500]}"
    assert failed == {}


@pytest.mark.parametrize("path", ["/api/alerts?plan=²", "/alerts?plan=²", "/api/alerts?plan=" + "9" * 30,
                                  "/api/search?q=x&plan=" + "9" * 30, "/api/search?q=x&plan=²", "/api/plans/²", "/api/documents/²", "/plans/²"])
def test_superscript_digits_do_not_answer_5xx(api_archive, path):
    """'²' passes str.isdigit() but not int(), and 30 digits overflow SQLite's integer: both
    found by the long schemathesis run."""
    with TestClient(create_app(api_archive.path), raise_server_exceptions=False) as client:
        assert client.get(path).status_code < 500
