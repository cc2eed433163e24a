"""The check pages: my tasks today, the task page (buttons, camera input, script, open hazard),
the page submission endpoint with the session, done answers read-only with the hazard link; the
schedule list, form (school and bureau area) and status buttons; outsiders get 404."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from safecampus.checks.models import Schedule, ScheduleStatus
from safecampus.checks.schedules import create_schedule

from .tasking import answers, gate, new_id, today_task


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_my_tasks_and_task_page(client_for, guard, school, principal):
    task = today_task(school, principal)
    page = client_for(guard).get("/checks/tasks/")
    assert page.status_code == 200 and task.title in page.content.decode()
    html = client_for(guard).get(f"/checks/tasks/{task.pk}/").content.decode()
    assert 'capture="environment"' in html and 'data-result="fail"' in html and "checks/task.js" in html


def test_submit_through_the_page_and_read_only_after(client_for, guard, school, principal):
    task = today_task(school, principal)
    client = client_for(guard)
    from safecampus.checks import photos

    from .conftest import jpeg

    photo = photos.upload(guard, jpeg())[0]
    body = {
        "client_id": new_id(),
        "answers": answers(task, fail={2: {"note": "门口杂物", "photos": [photo.pk]}}),
    }
    r = client.post(f"/checks/tasks/{task.pk}/submit", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done" and len(r.json()["hazards"]) == 1
    html = client.get(f"/checks/tasks/{task.pk}/").content.decode()
    assert "ck-hazard-link" in html and "checks/task.js" not in html
    bad = client.post(f"/checks/tasks/{task.pk}/submit", "nope", content_type="application/json")
    assert bad.status_code == 400


def test_schedule_pages(client_for, principal, school, county, county_unit):
    client = client_for(principal)
    assert client.get(f"/checks/units/{school.pk}/schedules/").status_code == 200
    form = client.get(f"/checks/units/{school.pk}/schedules/new/")
    assert form.status_code == 200 and "arrival" in form.content.decode()
    r = client.post(
        f"/checks/units/{school.pk}/schedules/new/",
        {
            "template": gate(school).pk,
            "kind": "daily",
            "slots": ["arrival"],
            "post_role": "guard",
            "duration_minutes": 30,
            "grace_minutes": 15,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Schedule.objects.get(unit=school, template=gate(school))
    listing = client.get(f"/checks/units/{school.pk}/schedules/").content.decode()
    assert s.title in listing and "07:20" in listing
    never = client.post(
        f"/checks/units/{school.pk}/schedules/new/",
        {
            "template": gate(school).pk,
            "kind": "dates",
            "dates": "2020-01-01",
            "times": "08:00",
            "post_role": "guard",
            "duration_minutes": 30,
            "grace_minutes": 15,
        },
    )
    assert never.status_code == 200 and "never fires" in never.content.decode()
    assert client.get(f"/checks/schedules/{s.pk}/edit/").status_code == 200
    client.post(f"/checks/schedules/{s.pk}/status/", {"action": "pause"})
    s.refresh_from_db()
    assert s.status == ScheduleStatus.PAUSED
    area = client_for(county).get(f"/checks/units/{county_unit.pk}/schedules/new/")
    assert area.status_code == 200 and 'name="assignees"' not in area.content.decode()


def test_outsiders_404_on_pages(client_for, outsider, outsider_principal, school, principal):
    task = today_task(school, principal)
    s = create_schedule(
        school,
        actor=principal,
        data={
            "template": gate(school).pk,
            "post_role": "guard",
            "rule": {"kind": "daily", "slots": ["arrival"]},
        },
    )
    for user in (outsider, outsider_principal):
        c = client_for(user)
        assert c.get(f"/checks/tasks/{task.pk}/").status_code == 404
        assert (
            c.post(f"/checks/tasks/{task.pk}/submit", "{}", content_type="application/json").status_code
            == 404
        )
        assert c.get(f"/checks/units/{school.pk}/schedules/").status_code == 404
        assert c.get(f"/checks/schedules/{s.pk}/edit/").status_code == 404
        assert c.post(f"/checks/schedules/{s.pk}/status/", {"action": "pause"}).status_code == 404
    s.refresh_from_db()
    assert s.status == ScheduleStatus.ACTIVE
