"""Submitting checks through the API: happy path, replay, two devices, out of order (missed),
failed items → exactly one hazard linked both ways and shown on the next occurrence, bad input →
400 and nothing written, outsiders 404, `mine` by post and by named people."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from safecampus.accounts.models import User
from safecampus.checks import photos
from safecampus.checks.models import Answer, Task, TaskStatus, TemplateItem
from safecampus.core.models import AuditEvent
from safecampus.hazards.models import Hazard, HazardPhoto

from .conftest import jpeg
from .tasking import answers, new_id, today_task

TASKS = "/api/v1/inspections/tasks"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def task(school, principal):
    return today_task(school, principal)


def _counts() -> tuple[int, ...]:
    return (
        Answer.objects.count(),
        Hazard.objects.count(),
        Task.objects.filter(status="done").count(),
        AuditEvent.objects.filter(verb="check.submitted").count(),
    )


def _post(client, task, body):
    return client.post(f"{TASKS}/{task.pk}/submit", body, content_type="application/json")


def _photo(user):
    return photos.upload(user, jpeg())[0]


def test_happy_path_and_replay(api_client_for, guard, task):
    client = api_client_for(guard)
    listed = client.get(TASKS, {"mine": "true"}).json()
    assert set(listed) == {"items", "count"} and task.pk in {t["id"] for t in listed["items"]}
    detail = client.get(f"{TASKS}/{task.pk}").json()
    assert detail["status"] == "open" and len(detail["items"]) > 3 and detail["answers"] == []
    assert {
        "id",
        "key",
        "order",
        "text",
        "kind",
        "min",
        "max",
        "unit",
        "photo_required_on_fail",
        "guidance",
        "open_hazard",
    } <= set(detail["items"][0])
    body = {"client_id": new_id(), "answers": answers(task)}
    r = _post(client, task, body)
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "done" and out["hazards"] == [] and out["on_time"] is True
    assert len(out["answers"]) == len(detail["items"])
    before = _counts()
    again = _post(client, task, body)
    assert again.status_code == 200 and again.json()["id"] == task.pk and _counts() == before
    assert client.get(TASKS, {"status": "done"}).json()["count"] >= 1
    assert AuditEvent.objects.filter(verb="check.submitted", target_id=str(task.pk)).count() == 1


def test_two_devices_one_record(api_client_for, guard, safety, task):
    first = _post(api_client_for(guard), task, {"client_id": new_id(), "answers": answers(task)})
    assert first.status_code == 200
    before = _counts()
    second = _post(api_client_for(safety), task, {"client_id": new_id(), "answers": answers(task)})
    assert second.status_code == 409 and second.json()["detail"]
    assert _counts() == before
    task.refresh_from_db()
    assert task.done_by == guard


def test_failed_item_raises_one_hazard_and_shows_next_time(
    api_client_for, client_for, guard, school, principal, task
):
    photo = _photo(guard)
    item = TemplateItem.objects.filter(version_id=task.version_id).order_by("order").first()
    body = {
        "client_id": new_id(),
        "answers": answers(task, fail={item.order: {"note": "门闸损坏", "photos": [photo.pk]}}),
    }
    client = api_client_for(guard)
    out = _post(client, task, body).json()
    assert len(out["hazards"]) == 1
    hazard = Hazard.objects.get(pk=out["hazards"][0])
    answer = Answer.objects.get(task=task, item=item)
    assert answer.hazard == hazard and hazard.check_answers.get() == answer
    assert hazard.source == "daily_inspection" and hazard.category == item.category
    assert hazard.description == "门闸损坏" and HazardPhoto.objects.filter(hazard=hazard).count() == 1
    # linked both ways: the hazard's page names the check that raised it
    page = client_for(principal).get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="check-answers"' in page and f"/checks/tasks/{task.pk}/" in page
    _post(client, task, body)
    assert (
        Hazard.objects.filter(pk__in=out["hazards"]).count() == 1 and Answer.objects.filter(task=task).count()
    )
    assert Task.objects.get(pk=task.pk).hazards_raised == 1
    nxt = today_task(school, principal, title="下一次")
    items = client.get(f"{TASKS}/{nxt.pk}").json()["items"]
    shown = {i["key"]: i["open_hazard"] for i in items}
    assert shown[item.key]["id"] == hazard.pk and shown[item.key]["task"] == task.pk
    assert sum(1 for v in shown.values() if v) == 1


@pytest.mark.parametrize("case", ["missing", "unknown", "photo", "range", "other_photo", "result", "client"])
def test_bad_input_400_nothing_written(api_client_for, guard, principal, school, task, case, sibling_school):
    if case == "range":
        task = today_task(school, principal, code="canteen_daily")
    items = list(TemplateItem.objects.filter(version_id=task.version_id).order_by("order"))
    rows = answers(task)
    field = None
    client_id = new_id()
    if case == "missing":
        rows.pop(1)
        field = f"answers.{items[1].pk}"
    elif case == "unknown":
        rows.append({"item": 999999, "result": "pass"})
        field = "answers.999999"
    elif case == "photo":
        needs = next(i for i in items if i.photo_required_on_fail)
        row = next(r for r in rows if r["item"] == needs.pk)
        row["result"] = "fail"
        field = f"answers.{needs.pk}.photos"
    elif case == "range":
        number = _number_task_item(task)
        row = next(r for r in rows if r["item"] == number.pk)
        row["value"] = float((number.max_value or number.min_value) + 1000)
        field = f"answers.{number.pk}.value"
    elif case == "other_photo":
        from safecampus.checks.models import CheckPhoto
        from safecampus.core.models import Membership

        staff = Membership.objects.filter(unit=sibling_school, role="principal").first()
        if staff is None:
            pytest.skip("no staff at the sibling school")
        photo = photos.upload(staff.user, jpeg())[0]
        assert CheckPhoto.objects.get(pk=photo.pk).unit_id != task.unit_id
        rows[0].update({"result": "fail", "photos": [photo.pk]})
        field = f"answers.{items[0].pk}.photos"
    elif case == "result":
        rows[0]["result"] = "maybe"
        field = f"answers.{items[0].pk}.result"
    elif case == "client":
        client_id = "not-a-uuid"
        field = "client_id"
    before = _counts()
    r = _post(api_client_for(guard), task, {"client_id": client_id, "answers": rows})
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field and r.json()["detail"]
    assert _counts() == before
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def _number_task_item(task):
    return (
        TemplateItem.objects.filter(version_id=task.version_id, answer_kind="number")
        .exclude(min_value=None, max_value=None)
        .first()
    )


def test_number_out_of_range_failed_is_accepted(api_client_for, school, principal, guard):
    task = today_task(school, principal, code="canteen_daily")
    number = _number_task_item(task)
    assert number is not None
    rows = answers(task)
    row = next(r for r in rows if r["item"] == number.pk)
    row.update(
        {"result": "fail", "value": float((number.max_value or number.min_value) + 1000), "note": "超标"}
    )
    for r in rows:
        item = TemplateItem.objects.get(pk=r["item"])
        if r["result"] == "fail" and item.photo_required_on_fail:
            r["photos"] = [_photo(guard).pk]
    r = _post(api_client_for(principal), task, {"client_id": new_id(), "answers": rows})
    assert r.status_code == 200, r.content
    assert Answer.objects.get(task=task, item=number).value_number == row["value"]


def test_missed_task_refused(api_client_for, guard, task):
    with time_machine.travel(task.closes_at + dt.timedelta(minutes=1)):
        r = _post(api_client_for(guard), task, {"client_id": new_id(), "answers": answers(task)})
    assert r.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.MISSED and not task.answers.exists()


def test_late_is_not_on_time(api_client_for, guard, task):
    with time_machine.travel(task.due_at + dt.timedelta(minutes=1)):
        r = _post(api_client_for(guard), task, {"client_id": new_id(), "answers": answers(task)})
    assert r.status_code == 200 and r.json()["on_time"] is False


def test_not_the_post_403(api_client_for, school, task):
    teacher = User.objects.get(username="demo_teacher")
    r = _post(api_client_for(teacher), task, {"client_id": new_id(), "answers": answers(task)})
    assert r.status_code == 403


def test_outsiders_404(api_client_for, client_for, outsider, outsider_principal, task):
    for user in (outsider, outsider_principal):
        client = api_client_for(user)
        assert client.get(f"{TASKS}/{task.pk}").status_code == 404
        assert _post(client, task, {"client_id": new_id(), "answers": answers(task)}).status_code == 404
        assert task.pk not in {t["id"] for t in client.get(TASKS).json()["items"]}
        assert client_for(user).get(f"/checks/tasks/{task.pk}/").status_code == 404


def test_mine_by_post_and_named_people(api_client_for, school, principal, guard, safety):
    by_post = today_task(school, principal, title="门卫岗")
    named = today_task(school, principal, title="点名", post_role="", assignees=[safety.pk])
    mine = {t["id"] for t in api_client_for(guard).get(TASKS, {"mine": "true"}).json()["items"]}
    assert by_post.pk in mine and named.pk not in mine
    mine = {t["id"] for t in api_client_for(safety).get(TASKS, {"mine": "true"}).json()["items"]}
    assert named.pk in mine and by_post.pk not in mine
    everything = {t["id"] for t in api_client_for(guard).get(TASKS).json()["items"]}
    assert {by_post.pk, named.pk} <= everything
