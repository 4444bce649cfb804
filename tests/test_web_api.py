"""The JSON API under /api/ and its OpenAPI schema, through FastAPI's test client."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policywatch.web import create_app
from store.archive import Archive
from tests.browser.sample_archive import PLAN_NAME, build


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(tmp_path_factory.mktemp("webapi") / "archive.db", extra=3)


@pytest.fixture(scope="module")
def client(sample):
    with TestClient(create_app(sample.path)) as client:
        yield client


def altered_alert(client, sample) -> dict:
    alerts = client.get("/api/alerts", params={"limit": 200}).json()["alerts"]
    return next(a for a in alerts if a["document_id"] == sample.altered_id)


def test_alerts_api_matches_the_archive(client, sample):
    body = client.get("/api/alerts").json()
    with Archive(sample.path) as archive:
        assert [a["id"] for a in body["alerts"]] == [a.id for a in archive.alerts(limit=50)]
    alert = altered_alert(client, sample)
    assert alert["priority"] == "high" and alert["relation"] in ("altered_repost", "revision")
    assert alert["plan_name"] == PLAN_NAME and alert["reviewed"] is False
    assert any("50000" in (f["plan"] or "") and "60000" in (f["doc"] or "") for f in alert["figures"])


def test_alert_detail_and_reviewed_round_trip(client, sample):
    alert = altered_alert(client, sample)
    detail = client.get(f"/api/alerts/{alert['id']}").json()
    assert [m["document_id"] for m in detail["members"]] == [sample.altered_id]
    assert client.post(f"/api/alerts/{alert['id']}/reviewed").json() == {"id": alert["id"], "reviewed": True}
    assert client.get(f"/api/alerts/{alert['id']}").json()["reviewed"] is True
    unread = client.get("/api/alerts", params={"state": "unread"}).json()["alerts"]
    assert alert["id"] not in [a["id"] for a in unread]
    assert client.delete(f"/api/alerts/{alert['id']}/reviewed").json()["reviewed"] is False


def test_document_versions_and_comparisons(client, sample):
    doc = client.get(f"/api/documents/{sample.notice_id}").json()
    assert doc["doc_number"] == "工信部信管〔2026〕12号" and "不少于30个" in doc["body"]
    versions = client.get(f"/api/documents/{sample.notice_id}/versions").json()
    assert [v["id"] for v in versions] == sample.notice_versions
    assert [c["plan_name"] for c in doc["comparisons"]] == [PLAN_NAME, PLAN_NAME]
    diff = client.get(f"/api/documents/{sample.notice_id}/compare",
                      params={"a": versions[0]["id"], "b": versions[1]["id"]}).json()
    assert any(r["kind"] == "changed" for r in diff["rows"])


def test_comparison_and_its_diff(client, sample):
    alert = altered_alert(client, sample)
    cmp = client.get(f"/api/comparisons/{alert['comparison_id']}").json()
    assert cmp["relation"] == alert["relation"] and cmp["document_id"] == sample.altered_id
    diff = client.get(f"/api/comparisons/{alert['comparison_id']}/diff").json()
    changed = [r for r in diff["rows"] if r["kind"] == "changed"]
    assert len(changed) == 2
    inserted = "".join(s["text"] for r in changed for s in r["doc_segments"] if s["op"] == "insert")
    deleted = "".join(s["text"] for r in changed for s in r["plan_segments"] if s["op"] == "delete")
    assert "6" in inserted and "7" in inserted and "5" in deleted and "8" in deleted


def test_search_api_pages_and_snippets(client, sample):
    body = client.get("/api/search", params={"q": "算力", "per_page": 2}).json()
    assert body["total"] >= 4 and body["pages"] == -(-body["total"] // 2) and len(body["hits"]) == 2
    assert all("[[算力]]" in h["snippet"] for h in body["hits"])
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search", params={"q": "   "}).json()["status"] == 400
    assert client.get("/api/search", params={"q": "!!!"}).json()["total"] == 0


def test_plans_api(client, sample):
    plans = client.get("/api/plans").json()
    assert [p["name"] for p in plans] == [PLAN_NAME]
    plan = client.get(f"/api/plans/{sample.plan_id}").json()
    assert plan["related"][0]["relation"] in ("altered_repost", "revision")
    assert len(plan["versions"]) == 1 and "新职业培训和评价" in plan["body"]


def test_errors_are_json_with_status(client):
    for path, status in (("/api/alerts/424242", 404), ("/api/documents/abc", 400), ("/api/plans/0", 400),
                         ("/api/alerts?limit=100000", 400)):
        response = client.get(path)
        assert response.status_code == status, path
        assert response.json()["status"] == status and response.json()["error"]


def test_openapi_schema_describes_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/alerts", "/api/alerts/{alert_id}", "/api/alerts/{alert_id}/reviewed", "/api/alerts/reviewed",
                 "/api/documents/{document_id}", "/api/documents/{document_id}/versions",
                 "/api/comparisons/{comparison_id}", "/api/search", "/api/plans", "/api/plans/{plan_id}"):
        assert path in paths, path
    assert set(paths["/api/alerts/{alert_id}/reviewed"]) == {"post", "delete"}
    ok = paths["/api/alerts"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/AlertPage")
    assert "Diff" in schema["components"]["schemas"] and "DiffRow" in schema["components"]["schemas"]
    assert not any(p.startswith("/documents") or p == "/" for p in paths), "HTML pages stay out of the API schema"


def test_stats(client, sample):
    stats = client.get("/api/stats").json()
    with Archive(sample.path) as archive:
        assert stats["unread_alerts"] == archive.stats()["unread_alerts"] > 0


def test_review_several_alerts_through_the_api(client, sample):
    ids = [a["id"] for a in client.get("/api/alerts", params={"limit": 3}).json()["alerts"]]
    done = client.post("/api/alerts/reviewed", json={"ids": ids, "reviewed": True})
    assert done.json() == [{"id": i, "reviewed": True} for i in ids]
    client.post("/api/alerts/reviewed", json={"ids": ids, "reviewed": False})
    with Archive(sample.path) as archive:
        assert all(archive.alert(i).reviewed_at is None for i in ids)
    assert client.post("/api/alerts/reviewed", json={"ids": []}).status_code == 400
    assert client.post("/api/alerts/reviewed", json={"ids": [ids[0], 987654]}).status_code == 404
    with Archive(sample.path) as archive:
        assert archive.alert(ids[0]).reviewed_at is None, "a refused bulk call changes nothing"
