"""Outgoing webhooks: the city's endpoint hears its schools' hazard events, signed so that the
Standard Webhooks reference implementation verifies them; retries follow the back-off and stop
after success; a receiver that is down never holds up the report; private addresses are refused;
endpoints are the bureau's own (others get 404)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.hazards import services as hazards
from safecampus.hazards.models import Hazard
from safecampus.webhooks import services
from safecampus.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

NEW = {"category": "fire", "source": "patrol", "location": "实验楼3楼", "description": "安全出口被杂物堵塞"}


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _endpoint(api_client_for, admin, url, events=("hazard.reported", "hazard.closed")):
    got = _post(api_client_for(admin), "/api/v1/webhooks", {"url": url, "events": list(events)})
    assert got.status_code == 201, got.content
    return Endpoint.objects.get(pk=got.json()["id"]), got.json()["secret"]


def _report(api_client_for, safety, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        got = _post(api_client_for(safety), "/api/v1/hazards", NEW | {"client_id": str(uuid.uuid4())})
    assert got.status_code == 201, got.content
    return got.json()


def _due_now(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_reported_hazard_reaches_the_city_signed_per_the_standard(
    api_client_for, city_admin, safety, receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = _endpoint(api_client_for, city_admin, receiver.url)
    assert (
        secret.startswith("whsec_")
        and not Endpoint.objects.filter(secret_encrypted__contains=secret).exists()
    )
    hazard = _report(api_client_for, safety, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(endpoint=endpoint)
    # The report wrote the delivery; the post itself waits for the queue.
    assert delivery.event_type == "hazard.reported" and delivery.attempts == 0 and receiver.calls == []
    assert services.attempt(delivery.pk) == "delivered"
    ((headers, body),) = receiver.calls
    data = Webhook(secret).verify(body, headers)
    assert data["type"] == "hazard.reported" and data["data"]["id"] == hazard["id"]
    assert data["data"]["unit"] == "demo-c1-k1-s1" and "description" not in data["data"]
    assert headers["webhook-id"] == delivery.message_id
    # Delivered: the sweep never posts it again.
    _due_now(delivery)
    assert services.due() == [] and services.attempt(delivery.pk) == "delivered" and len(receiver.calls) == 1


def test_a_failing_receiver_is_retried_with_back_off_until_it_answers(
    api_client_for, city_admin, safety, receiver, django_capture_on_commit_callbacks
):
    endpoint, _secret = _endpoint(api_client_for, city_admin, receiver.url)
    receiver.answers = [500, 503]
    _report(api_client_for, safety, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert services.attempt(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.last_status_code == 500 and delivery.next_attempt_at > timezone.now()
    # Not due yet: nothing is posted.
    assert services.attempt(delivery.pk) == "retrying" and len(receiver.calls) == 1
    _due_now(delivery)
    assert services.attempt(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(
        seconds=services.RETRY_AFTER[1]
    )
    _due_now(delivery)
    assert services.due() == [delivery.pk]
    assert services.attempt(delivery.pk) == "delivered"
    # The three posts carried the same message id: the receiver can de-duplicate.
    assert len({h["webhook-id"] for h, _ in receiver.calls}) == 1 and len(receiver.calls) == 3
    _due_now(delivery)
    assert services.attempt(delivery.pk) == "delivered" and len(receiver.calls) == 3


def test_a_dead_receiver_fails_after_the_schedule_without_delaying_the_report(
    api_client_for, city_admin, safety, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    endpoint, _secret = _endpoint(api_client_for, city_admin, "http://127.0.0.1:9/nobody")
    started = timezone.now()
    _report(api_client_for, safety, django_capture_on_commit_callbacks)
    assert (timezone.now() - started).total_seconds() < 2
    delivery = Delivery.objects.get(endpoint=endpoint)
    for _ in range(len(services.RETRY_AFTER) + 1):
        _due_now(delivery)
        services.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == len(services.RETRY_AFTER) + 1
    assert delivery.last_error and delivery.next_attempt_at is None


def test_closing_a_hazard_is_an_event_and_only_subscribers_hear_it(
    api_client_for, city_admin, safety, receiver, django_capture_on_commit_callbacks
):
    closed_only, _ = _endpoint(api_client_for, city_admin, receiver.url, events=["hazard.closed"])
    hazard = _report(api_client_for, safety, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(endpoint=closed_only).exists()
    with django_capture_on_commit_callbacks(execute=True):
        hazards.act(Hazard.objects.get(pk=hazard["id"]), actor=safety, action="close_on_spot",
                    data={"note": "当场清理"}, photos=[_jpeg()])  # fmt: skip
    delivery = Delivery.objects.get(endpoint=closed_only)
    assert delivery.event_type == "hazard.closed" and delivery.payload["data"]["status"] == "closed"


def _jpeg():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_rotation_signs_with_both_secrets_for_a_while(
    api_client_for, city_admin, safety, receiver, django_capture_on_commit_callbacks
):
    endpoint, old = _endpoint(api_client_for, city_admin, receiver.url)
    got = _post(api_client_for(city_admin), f"/api/v1/webhooks/{endpoint.pk}/rotate", {})
    new = got.json()["secret"]
    assert got.status_code == 200 and new != old
    _report(api_client_for, safety, django_capture_on_commit_callbacks)
    services.attempt(Delivery.objects.get(endpoint=endpoint).pk)
    ((headers, body),) = receiver.calls
    assert len(headers["webhook-signature"].split()) == 2
    assert Webhook(new).verify(body, headers) and Webhook(old).verify(body, headers)
    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now())
    endpoint.refresh_from_db()
    assert services.signing_secrets(endpoint, timezone.now()) == [new]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "ftp://example.com/x", "events": ["hazard.reported"]}, "url"),
        ({"url": "http://127.0.0.1:8000/x", "events": ["hazard.reported"]}, "url"),
        ({"url": "http://10.0.0.5/x", "events": ["hazard.reported"]}, "url"),
        ({"url": "https://user:pw@example.com/x", "events": ["hazard.reported"]}, "url"),
        ({"url": "https://example.com/x", "events": []}, "events"),
        ({"url": "https://example.com/x", "events": ["hazard.nonsense"]}, "events"),
        ({"events": ["hazard.reported"]}, "url"),
    ],
)
def test_bad_endpoints_are_refused_with_a_reason_and_nothing_is_made(api_client_for, city_admin, body, field):
    got = _post(api_client_for(city_admin), "/api/v1/webhooks", body)
    assert got.status_code == 400 and got.json()["field"] == field and got.json()["detail"]
    assert not Endpoint.objects.exists()


def test_a_name_that_resolves_inward_is_not_called(api_client_for, city_admin, safety, settings,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    endpoint, _ = _endpoint(api_client_for, city_admin, "http://localhost:9/hook")
    _report(api_client_for, safety, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert services.attempt(delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.last_status_code is None and "Private" in delivery.last_error


def test_endpoints_are_the_bureaus_own(api_client_for, client_for, city_admin, demo, receiver):
    endpoint, _ = _endpoint(api_client_for, city_admin, receiver.url)
    province = api_client_for(_user("demo_province"))
    assert province.get(f"/api/v1/webhooks/{endpoint.pk}").status_code == 200
    assert province.get("/api/v1/webhooks").json()["count"] == 1
    # A bureau administrator of the sibling county, and officers without the permission: 404 / 403.
    k2 = Unit.objects.get(code="demo-c1-k2")
    other = _user("demo_county2")
    Membership.objects.create(user=other, unit=k2, role=Role.BUREAU_ADMIN)
    c = api_client_for(other)
    assert c.get("/api/v1/webhooks").json()["count"] == 0
    for path in ("", "/deliveries"):
        assert c.get(f"/api/v1/webhooks/{endpoint.pk}{path}").status_code == 404
    assert _post(c, f"/api/v1/webhooks/{endpoint.pk}/rotate", {}).status_code == 404
    assert _post(c, f"/api/v1/webhooks/{endpoint.pk}/active", {"active": False}).status_code == 404
    assert client_for(other).get(f"/webhooks/{endpoint.pk}/").status_code == 404
    assert client_for(other).post(f"/webhooks/{endpoint.pk}/rotate/").status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active
    assert api_client_for(_user("demo_county")).get("/api/v1/webhooks").status_code == 403


def test_pages_add_an_endpoint_show_the_secret_once_and_the_log(client_for, city_admin, receiver):
    c = client_for(city_admin)
    page = c.get("/webhooks/")
    assert page.status_code == 200 and "hazard.reported" in page.content.decode()
    bad = c.post("/webhooks/", {"url": "ftp://x", "events": ["hazard.reported"]})
    assert bad.status_code == 200 and "Only http" in bad.content.decode() and not Endpoint.objects.exists()
    made = c.post("/webhooks/", {"url": receiver.url, "events": ["hazard.reported"]})
    endpoint = Endpoint.objects.get()
    assert made.status_code == 200 and endpoint.secret in made.content.decode()
    detail = c.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in detail and "Delivery log" in detail
    assert c.post(f"/webhooks/{endpoint.pk}/toggle/").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active


def _user(username):
    from safecampus.accounts.models import User

    return User.objects.get(username=username)


def _wait_for(printed: list[str], n: int, seconds: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while len(printed) < n and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_bundled_receiver_verifies_what_safecampus_signs(
    api_client_for, city_admin, safety, settings, django_capture_on_commit_callbacks
):
    import threading
    from http.server import ThreadingHTTPServer

    from safecampus.webhooks.receiver import make_handler

    settings.WEBHOOK_ALLOW_PRIVATE = True
    printed: list[str] = []
    endpoint, secret = _endpoint(api_client_for, city_admin, "http://127.0.0.1:1/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(secret, printed.append))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Endpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{server.server_address[1]}/")
        _report(api_client_for, safety, django_capture_on_commit_callbacks)
        assert services.attempt(Delivery.objects.get(endpoint=endpoint).pk) == "delivered"
        _wait_for(printed, 1)  # the receiver prints after it has answered
        assert "hazard.reported" in printed[0]
        # A forged delivery (another secret) is refused: 401, so SafeCampus would retry it.
        endpoint.refresh_from_db()
        endpoint.secret = "whsec_" + "A" * 32
        endpoint.save()
        _report(api_client_for, safety, django_capture_on_commit_callbacks)
        second = Delivery.objects.filter(endpoint=endpoint).order_by("-pk").first()
        assert services.attempt(second.pk) == "retrying"
        _wait_for(printed, 2)
        assert "refused" in printed[1]
    finally:
        server.shutdown()
        server.server_close()
