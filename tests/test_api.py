"""The API at /api/v1/: tokens, Bearer auth, /me, the org tree, and JSON errors everywhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from safecampus.accounts.models import ApiToken, LoginAttempt
from safecampus.core.models import AuditEvent, Unit

TOKEN_URL = "/api/v1/auth/token"
UNITS_URL = "/api/v1/org/units/"
DEMO_PASSWORD = "Demo@2026"


def unit_url(unit: Unit | int) -> str:
    return f"/api/v1/org/units/{getattr(unit, 'pk', unit)}"


def post_json(client: Client, url: str, data: object, **extra) -> object:
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def patch_json(client: Client, url: str, data: object) -> object:
    return client.patch(url, json.dumps(data), content_type="application/json")


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body.get("detail"), body
    return body


def codes(response) -> set[str]:
    return {item["code"] for item in response.json()["items"]}


# --- tokens ------------------------------------------------------------------------------


def test_token_with_good_credentials_works_as_bearer(county):
    response = post_json(Client(), TOKEN_URL, {"username": "demo_county", "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert len(token) >= 32
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the digest is stored
    me = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "demo_county"
    assert AuditEvent.objects.filter(verb="auth.token_issued", actor=county).exists()


def test_token_by_mobile_number(county):
    response = post_json(Client(), TOKEN_URL, {"username": "139 0633 0003", "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "demo_county", "password": "wrong-password"},
        {"username": "nobody_here", "password": DEMO_PASSWORD},
        {"username": "", "password": ""},
    ],
)
def test_token_with_bad_credentials_is_401_json(county, payload):
    body = assert_json_error(post_json(Client(), TOKEN_URL, payload), 401)
    assert "token" not in body


def test_token_with_malformed_input_is_json(county):
    assert_json_error(Client().post(TOKEN_URL, "{not json", content_type="application/json"), 400)
    body = assert_json_error(post_json(Client(), TOKEN_URL, {"username": "demo_county"}), 422)
    assert body["detail"][0]["loc"][-1] == "password"
    assert_json_error(post_json(Client(), TOKEN_URL, ["demo_county", DEMO_PASSWORD]), 422)
    assert_json_error(post_json(Client(), TOKEN_URL, {"username": "demo\x00", "password": "x"}), 422)
    assert_json_error(
        post_json(Client(), TOKEN_URL, {"username": "demo_county", "password": "x" * 5000}), 422
    )


def test_token_locked_out_account_gets_429(county):
    """Failures already on record (within the window) lock the account: 429, even with the right password."""
    now = timezone.now()
    LoginAttempt.objects.bulk_create(
        LoginAttempt(identifier="demo_county", user=county, address="10.9.8.7", success=False, at=now)
        for _ in range(settings.LOGIN_FAILURE_LIMIT)
    )
    response = post_json(Client(), TOKEN_URL, {"username": "demo_county", "password": DEMO_PASSWORD})
    body = assert_json_error(response, 429)
    assert "token" not in body
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW_MINUTES * 60


def test_token_failures_older_than_the_window_do_not_lock(county):
    old = timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES + 1)
    LoginAttempt.objects.bulk_create(
        LoginAttempt(identifier="demo_county", user=county, address="10.9.8.7", success=False, at=old)
        for _ in range(settings.LOGIN_FAILURE_LIMIT)
    )
    response = post_json(Client(), TOKEN_URL, {"username": "demo_county", "password": DEMO_PASSWORD})
    assert response.status_code == 200


def test_token_lock_out_after_repeated_failures_via_api(county):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert_json_error(post_json(client, TOKEN_URL, {"username": "demo_county", "password": "nope"}), 401)
    response = post_json(client, TOKEN_URL, {"username": "demo_county", "password": DEMO_PASSWORD})
    assert_json_error(response, 429)


# --- Bearer auth -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Bearer not-a-real-token", "Bearer ", "Token abc", "Basic ZGVtbzpkZW1v", "Bearer " + "x" * 500],
)
@pytest.mark.parametrize("url", ["/api/v1/me", UNITS_URL, "/api/v1/org/units/1"])
def test_routes_need_a_valid_bearer_token(county, header, url):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    body = assert_json_error(client.get(url), 401)
    assert "items" not in body


def test_expired_and_revoked_tokens_are_refused(county, api_client_for):
    client = api_client_for(county)
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=county).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_json_error(client.get("/api/v1/me"), 401)
    client = api_client_for(county)
    ApiToken.objects.filter(user=county).update(revoked=True)
    assert_json_error(client.get("/api/v1/me"), 401)


def test_inactive_users_token_is_refused(county, api_client_for):
    client = api_client_for(county)
    county.is_active = False
    county.save(update_fields=["is_active"])
    assert_json_error(client.get("/api/v1/me"), 401)


def test_a_browser_session_is_not_enough(county, client_for):
    assert_json_error(client_for(county).get("/api/v1/me"), 401)


# --- /me ---------------------------------------------------------------------------------


def test_me_shows_user_and_memberships(county, county_unit, api_client_for):
    body = api_client_for(county).get("/api/v1/me").json()
    assert body["id"] == county.pk
    assert body["username"] == "demo_county"
    assert body["name"] == county.name
    assert body["phone"] == "139****0003"
    assert "13906330003" not in json.dumps(body)
    assert body["must_change_password"] is False
    [membership] = body["memberships"]
    assert membership["role"] == "safety_officer"
    assert membership["role_label"]
    assert membership["unit"] == {
        "id": county_unit.pk,
        "code": "demo-c1-k1",
        "name": county_unit.name,
        "kind": "county",
    }


# --- units: reading and scoping ----------------------------------------------------------


def test_county_lists_its_subtree_only(county, county_unit, api_client_for):
    response = api_client_for(county).get(UNITS_URL, {"limit": 500})
    assert response.status_code == 200
    expected = set(Unit.objects.filter(path__startswith=county_unit.path).values_list("code", flat=True))
    assert codes(response) == expected
    assert {"demo-c1-k1", "demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k1-s3"} <= expected
    assert response.json()["count"] == len(expected)


def test_unit_shape(county, county_unit, school, api_client_for):
    items = api_client_for(county).get(UNITS_URL).json()["items"]
    by_code = {item["code"]: item for item in items}
    item = by_code["demo-c1-k1-s1"]
    assert set(item) == {
        "id",
        "code",
        "name",
        "kind",
        "school_type",
        "address",
        "contact_name",
        "contact_phone",
        "is_active",
        "parent_id",
        "depth",
    }
    assert item["id"] == school.pk
    assert item["parent_id"] == county_unit.pk
    assert item["kind"] == "school" and item["school_type"] == "primary"
    assert item["depth"] == school.depth
    assert by_code["demo-c1-k1"]["parent_id"] == county_unit.get_parent().pk


def test_root_unit_has_no_parent(operator, api_client_for):
    root = Unit.objects.get(code="demo")
    assert api_client_for(operator).get(unit_url(root)).json()["parent_id"] is None


@pytest.mark.parametrize("who", ["outsider", "outsider_principal"])
def test_sibling_tenant_sees_nothing_of_demo_c1_k1(request, who, school, county_unit, api_client_for):
    user = request.getfixturevalue(who)
    client = api_client_for(user)
    listed = client.get(UNITS_URL, {"limit": 500})
    assert listed.status_code == 200
    assert not any(code.startswith("demo-c1-k1") for code in codes(listed))
    assert school.name not in listed.content.decode()
    for unit in (school, county_unit):
        response = client.get(unit_url(unit))
        assert assert_json_error(response, 404) == {"detail": "Not found."}
        assert unit.name not in response.content.decode()
    for params in ({"code": "demo-c1-k1-s1"}, {"parent": county_unit.pk}, {"q": "demo-c1-k1"}):
        assert client.get(UNITS_URL, params).json() == {"items": [], "count": 0}


def test_missing_and_forbidden_units_look_alike(outsider, school, api_client_for):
    client = api_client_for(outsider)
    missing = client.get(unit_url(10**12))
    forbidden = client.get(unit_url(school))
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()


def test_school_staff_see_their_school_only(head_teacher, school, api_client_for):
    response = api_client_for(head_teacher).get(UNITS_URL)
    assert codes(response) == {"demo-c1-k1-s1"}
    assert api_client_for(head_teacher).get(unit_url(school)).json()["code"] == "demo-c1-k1-s1"


def test_unit_detail(county, school, api_client_for):
    body = api_client_for(county).get(unit_url(school)).json()
    assert body["code"] == "demo-c1-k1-s1" and body["name"] == school.name


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", str(2**64), "1.5"])
def test_bad_unit_ids_are_422_not_500(county, api_client_for, bad_id):
    assert_json_error(api_client_for(county).get(f"/api/v1/org/units/{bad_id}"), 422)


# --- units: filters and pagination -------------------------------------------------------


def test_filters(city, county_unit, api_client_for):
    client = api_client_for(city)
    children = client.get(UNITS_URL, {"parent": county_unit.pk})
    assert codes(children) == {"demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k1-s3"}
    schools = codes(client.get(UNITS_URL, {"kind": "school", "limit": 500}))
    assert schools and all(Unit.objects.get(code=c).kind == "school" for c in schools)
    assert "demo-c1-k2-s1" in schools and "demo-c2-k1-s1" not in schools  # city demo-c1 only
    assert codes(client.get(UNITS_URL, {"kind": "county"})) == {"demo-c1-k1", "demo-c1-k2"}
    assert codes(client.get(UNITS_URL, {"code": "demo-c1-k1-s2"})) == {"demo-c1-k1-s2"}
    assert codes(client.get(UNITS_URL, {"code": "DEMO-C1-K1-S2"})) == {"demo-c1-k1-s2"}
    assert codes(client.get(UNITS_URL, {"q": "k1-s"})) == {"demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k1-s3"}
    school = Unit.objects.get(code="demo-c1-k1-s1")
    assert "demo-c1-k1-s1" in codes(client.get(UNITS_URL, {"q": school.name[-4:]}))
    combined = client.get(UNITS_URL, {"parent": county_unit.pk, "kind": "school", "q": "s3"})
    assert codes(combined) == {"demo-c1-k1-s3"}


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "galaxy"},
        {"parent": "x"},
        {"parent": "0"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
    ],
)
def test_bad_filters_are_422(county, api_client_for, params):
    body = assert_json_error(api_client_for(county).get(UNITS_URL, params), 422)
    assert isinstance(body["detail"], list) and body["detail"][0]["msg"]


def test_filter_with_nul_is_422_not_500(county, api_client_for):
    assert_json_error(api_client_for(county).get(UNITS_URL, {"q": "a\x00b"}), 422)


def test_pagination_shape(province, api_client_for):
    client = api_client_for(province)
    total = Unit.objects.filter(path__startswith=Unit.objects.get(code="demo").path).count()
    first = client.get(UNITS_URL, {"limit": 5}).json()
    assert set(first) == {"items", "count"}
    assert first["count"] == total and len(first["items"]) == 5
    second = client.get(UNITS_URL, {"limit": 5, "offset": 5}).json()
    assert len(second["items"]) == min(5, total - 5)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    beyond = client.get(UNITS_URL, {"offset": total + 10}).json()
    assert beyond == {"items": [], "count": total}
    everything = client.get(UNITS_URL, {"limit": 500}).json()["items"]
    assert [i["id"] for i in everything[:5]] == [i["id"] for i in first["items"]]  # stable order


def test_list_query_count_is_bounded(province, api_client_for, django_assert_max_num_queries):
    client = api_client_for(province)
    client.get("/api/v1/me")  # token bookkeeping (last_used_at) out of the way
    with django_assert_max_num_queries(5):
        response = client.get(UNITS_URL, {"limit": 500})
    assert response.json()["count"] > 10


# --- units: creating and editing ---------------------------------------------------------


def new_school(parent: Unit, code: str = "demo-c1-k1-s9") -> dict:
    return {
        "parent": parent.pk,
        "code": code,
        "name": "东港区第九小学",
        "kind": "school",
        "school_type": "primary",
        "address": "东港区新华路9号",
        "contact_name": "李老师",
        "contact_phone": "0633-8221019",
    }


def test_county_creates_a_school(county, county_unit, api_client_for):
    client = api_client_for(county)
    response = post_json(client, UNITS_URL, new_school(county_unit))
    assert response.status_code == 201, response.content
    body = response.json()
    unit = Unit.objects.get(code="demo-c1-k1-s9")
    assert body["id"] == unit.pk and body["parent_id"] == county_unit.pk
    assert body["school_type"] == "primary" and body["is_active"] is True
    assert "path" not in body
    assert unit.get_parent().pk == county_unit.pk
    event = AuditEvent.objects.get(verb="unit.created", target_id=str(unit.pk))
    assert event.actor_id == county.pk
    assert event.after["code"] == "demo-c1-k1-s9"
    assert event.request_id == response["X-Request-ID"]
    assert client.get(UNITS_URL, {"code": "demo-c1-k1-s9"}).json()["count"] == 1


def test_create_department_without_school_type(county, county_unit, api_client_for):
    payload = {"parent": county_unit.pk, "code": "demo-c1-k1-aq", "name": "安全科", "kind": "department"}
    response = post_json(api_client_for(county), UNITS_URL, payload)
    assert response.status_code == 201, response.content
    assert response.json()["school_type"] == ""


@pytest.mark.parametrize("who", ["head_teacher", "guard", "principal"])
def test_school_roles_cannot_create_units(request, who, school, county_unit, api_client_for):
    client = api_client_for(request.getfixturevalue(who))  # (issuing the token is audited)
    before = Unit.objects.count(), AuditEvent.objects.count()
    response = post_json(client, UNITS_URL, new_school(county_unit))
    # a school user does not see the county: 404; under their own school: 403
    assert_json_error(response, 404)
    response = post_json(client, UNITS_URL, {**new_school(school), "kind": "department"})
    assert_json_error(response, 403)
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_outsider_cannot_create_under_demo_c1_k1(outsider, county_unit, api_client_for):
    client = api_client_for(outsider)
    before = Unit.objects.count(), AuditEvent.objects.count()
    response = post_json(client, UNITS_URL, new_school(county_unit))
    body = assert_json_error(response, 404)
    assert county_unit.name not in json.dumps(body, ensure_ascii=False)
    assert not Unit.objects.filter(code="demo-c1-k1-s9").exists()
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_only_operators_create_roots(county, operator, api_client_for):
    payload = {"code": "demo-x", "name": "测试省教育厅", "kind": "province"}
    assert_json_error(post_json(api_client_for(county), UNITS_URL, payload), 400)
    assert post_json(api_client_for(operator), UNITS_URL, payload).status_code == 201


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"code": "Bad Code!"}, 400, "code"),
        ({"code": "demo-c1-k1-s1"}, 400, "code"),  # already in use
        ({"school_type": None}, 400, "school_type"),
        ({"kind": "county"}, 400, "kind"),  # a county cannot sit under a county
        ({"name": "   "}, 400, "name"),
        ({"name": "校" * 121}, 400, "name"),
        ({"contact_phone": "call me"}, 400, "contact_phone"),
        ({"kind": "galaxy"}, 422, None),
        ({"school_type": "castle"}, 422, None),
        ({"name": None}, 422, None),
        ({"name": "nul\x00name"}, 422, None),
        ({"parent": "abc"}, 422, None),
        ({"path": "0001"}, 422, None),  # unknown fields are refused, not ignored
    ],
)
def test_bad_create_input_changes_nothing(county, county_unit, api_client_for, change, status, field):
    client = api_client_for(county)
    before = Unit.objects.count(), AuditEvent.objects.count()
    response = post_json(client, UNITS_URL, {**new_school(county_unit), **change})
    body = assert_json_error(response, status)
    if field:
        assert body.get("field") == field
    else:
        assert isinstance(body["detail"], list)
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_create_with_missing_fields_lists_them(county, api_client_for):
    body = assert_json_error(post_json(api_client_for(county), UNITS_URL, {}), 422)
    missing = {item["loc"][-1] for item in body["detail"] if item["type"] == "missing"}
    assert {"code", "name", "kind"} <= missing


def test_county_renames_a_school(county, school, api_client_for):
    response = patch_json(api_client_for(county), unit_url(school), {"name": "东港区实验小学（本部）"})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "东港区实验小学（本部）"
    school.refresh_from_db()
    assert school.name == "东港区实验小学（本部）"
    event = AuditEvent.objects.filter(verb="unit.renamed", target_id=str(school.pk)).get()
    assert event.actor_id == county.pk and event.before["name"] != event.after["name"]


def test_principal_edits_own_contact_but_not_name(principal, school, api_client_for):
    client = api_client_for(principal)
    response = patch_json(
        client, unit_url(school), {"contact_name": "王建国", "contact_phone": "0633-8221099"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact_phone"] == "0633-8221099"
    name = school.name
    assert_json_error(patch_json(client, unit_url(school), {"name": "改名"}), 400)
    school.refresh_from_db()
    assert school.name == name


def test_head_teacher_cannot_edit_the_school(head_teacher, school, api_client_for):
    client = api_client_for(head_teacher)
    before = AuditEvent.objects.count()
    assert_json_error(patch_json(client, unit_url(school), {"address": "x"}), 403)
    assert_json_error(patch_json(client, unit_url(school), {}), 403)
    school.refresh_from_db()
    assert school.address != "x"
    assert AuditEvent.objects.count() == before


def test_outsider_cannot_edit_demo_c1_k1(outsider, school, api_client_for):
    name = school.name
    assert_json_error(patch_json(api_client_for(outsider), unit_url(school), {"name": "占领"}), 404)
    school.refresh_from_db()
    assert school.name == name


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"name": ""}, 400),
        ({"school_type": None}, 400),
        ({"contact_phone": "phone!"}, 400),
        ({"code": "renamed"}, 422),
        ({"is_active": False}, 422),
        ({"school_type": "castle"}, 422),
        ({"address": "a\x00b"}, 422),
    ],
)
def test_bad_patch_changes_nothing(county, school, api_client_for, change, status):
    client = api_client_for(county)
    before = school.audit_snapshot(), AuditEvent.objects.count()
    assert_json_error(patch_json(client, unit_url(school), change), status)
    school.refresh_from_db()
    assert (school.audit_snapshot(), AuditEvent.objects.count()) == before


# --- errors are JSON everywhere ----------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/nope", "/api/v1/org/", "/api/v1/org/units/1/extra", "/api/v2/me"])
def test_unknown_api_paths_are_404_json(county, api_client_for, url):
    assert assert_json_error(api_client_for(county).get(url), 404) == {"detail": "Not found."}


def test_wrong_method_is_405_json(county, school, api_client_for):
    response = api_client_for(county).delete(unit_url(school))
    assert_json_error(response, 405)
    assert "PATCH" in response["Allow"]
    assert_json_error(Client().get(TOKEN_URL), 405)


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/org/units/", "/api/v1/org/units/{unit_id}"} <= set(
        paths
    )
    assert "path" not in json.dumps(response.json()["components"]["schemas"]["UnitOut"])


def test_a_tokens_last_use_is_recorded_at_most_every_five_minutes(county, api_client_for):
    client = api_client_for(county)
    assert client.get("/api/v1/me").json()["username"] == county.username
    token = ApiToken.objects.get(user=county)
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within five minutes: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=6))
    client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_a_malformed_upload_is_a_clear_400_not_a_500(api_client_for, principal):
    """Part headers over Django's limit (found by schemathesis): the parser's error is answered."""
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
        f"X-Long: {'x' * 2000}\r\n\r\nxx\r\n--{boundary}--\r\n"
    ).encode()
    resp = api_client_for(principal).generic(
        "POST", "/api/v1/hazards/1/photos", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert resp.status_code == 400
    assert resp.json()["detail"] == "The uploaded form could not be read. Please choose the files again."
