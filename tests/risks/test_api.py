"""The risk points API: create and grade (LEC and LS), read, list and update scoped; bad factor
values answer 400/422 with a message and write nothing."""

from __future__ import annotations

import json

import pytest

from safecampus.core.models import AuditEvent
from safecampus.risks.models import RiskGrading, RiskPoint

URL = "/api/v1/risks/points"


def _post(client, body):
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def _lec(**extra):
    return {"name": "东港区锅炉房", "location": "后勤楼一层", "category": "utilities", "method": "LEC",
            "l": 3, "e": 6, "c": 40, **extra}  # fmt: skip


@pytest.fixture
def safety(demo):
    from safecampus.accounts.models import User

    return User.objects.get(username="demo_safety")


def test_create_lec_point(api_client_for, safety, school):
    resp = _post(api_client_for(safety), _lec())
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["score"] == 720 and data["level"] == "major" and data["colour"] == "red"
    assert data["method"] == "LEC" and data["l"] == 3 and data["status"] == "draft"
    assert data["unit"] == school.pk
    point = RiskPoint.objects.get(pk=data["id"])
    assert RiskGrading.objects.filter(point=point).count() == 1
    assert AuditEvent.objects.filter(verb="risk.identified", target_id=str(point.pk)).exists()


def test_create_lec_fractional_factors(api_client_for, safety):
    resp = _post(api_client_for(safety), _lec(l=0.1, e=0.5, c=1))
    assert resp.status_code == 201, resp.content
    assert resp.json()["score"] == pytest.approx(0.05) and resp.json()["level"] == "low"


def test_create_ls_point(api_client_for, safety):
    body = {"name": "东港区游泳池", "location": "体育馆", "category": "drowning", "method": "LS",
            "likelihood": 3, "severity": 5}  # fmt: skip
    resp = _post(api_client_for(safety), body)
    assert resp.status_code == 201, resp.content
    assert resp.json()["score"] == 15 and resp.json()["level"] == "high"


@pytest.mark.parametrize(
    "body",
    [
        _lec(l=5),
        _lec(c=41),
        _lec(l=None),
        {**_lec(), "l": "abc"},
        {**_lec(), "method": "XYZ"},
        {"name": "x", "location": "y", "category": "fire", "method": "LS", "likelihood": 9, "severity": 1},
        {"name": "x", "location": "y", "category": "fire", "method": "LS", "likelihood": 2},
        {**_lec(), "category": "unknown"},
        {**_lec(), "name": ""},
        {**_lec(), "name": "a\x00b"},
        {**_lec(), "extra": 1},
    ],
)
def test_invalid_input_writes_nothing(api_client_for, safety, body):
    client = api_client_for(safety)
    n, events = RiskPoint.objects.count(), AuditEvent.objects.count()
    resp = _post(client, body)
    assert resp.status_code in (400, 422), resp.content
    detail = resp.json()["detail"]
    assert detail
    assert RiskPoint.objects.count() == n and AuditEvent.objects.count() == events


def test_read_list_update_scoped(api_client_for, safety, county, outsider, outsider_principal, head_teacher):
    c = api_client_for(safety)
    pid = _post(c, _lec(c=7)).json()["id"]  # 126 moderate
    assert c.get(f"{URL}/{pid}").json()["level"] == "moderate"
    # The county does not see a draft; once confirmed (yellow), it does.
    assert api_client_for(county).get(f"{URL}/{pid}").status_code == 404
    resp = c.patch(f"{URL}/{pid}", data=json.dumps({"status": "confirm"}), content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "confirmed"
    assert api_client_for(county).get(f"{URL}/{pid}").status_code == 200
    assert [p["id"] for p in api_client_for(county).get(URL).json()["items"]] == [pid]
    # The sibling county and a sibling school's principal: 404, empty lists.
    for user in (outsider, outsider_principal):
        assert api_client_for(user).get(f"{URL}/{pid}").status_code == 404
        assert api_client_for(user).get(URL).json()["items"] == []
        resp = api_client_for(user).patch(f"{URL}/{pid}", data="{}", content_type="application/json")
        assert resp.status_code == 404
    # A teacher reads, but may not change.
    assert api_client_for(head_teacher).get(f"{URL}/{pid}").status_code == 200
    resp = api_client_for(head_teacher).patch(
        f"{URL}/{pid}", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert resp.status_code == 403
    # Regrade through PATCH; the county's list follows the confirmed level.
    resp = c.patch(f"{URL}/{pid}", data=json.dumps({"method": "LEC", "l": 1, "e": 6, "c": 7}),
                   content_type="application/json")  # fmt: skip
    assert resp.status_code == 200 and resp.json()["level"] == "low"
    assert api_client_for(county).get(URL).json()["items"] == []


def test_major_needs_a_plan_before_confirming(api_client_for, safety):
    c = api_client_for(safety)
    pid = _post(c, _lec()).json()["id"]
    resp = c.patch(f"{URL}/{pid}", data=json.dumps({"status": "confirm"}), content_type="application/json")
    assert resp.status_code == 400 and "control plan" in resp.json()["detail"]
    assert RiskPoint.objects.get(pk=pid).status == "draft"


def test_patch_is_all_or_nothing(api_client_for, safety):
    c = api_client_for(safety)
    pid = _post(c, _lec(c=7)).json()["id"]
    body = {"name": "新名字", "method": "LEC", "l": 4, "e": 6, "c": 7}
    resp = c.patch(f"{URL}/{pid}", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 400
    assert RiskPoint.objects.get(pk=pid).name == "东港区锅炉房"


def test_bureau_cannot_create(api_client_for, county, school):
    resp = _post(api_client_for(county), _lec(unit=school.pk))
    assert resp.status_code == 403
