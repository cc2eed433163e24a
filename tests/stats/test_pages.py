"""Statistics pages: the dashboard at county, school, grade and class with the right numbers after
some learning, sorted child places, people and not-started lists, a person's courses, and the
tenancy of every page (outsiders and other head teachers get "not found")."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from .test_rollup import watch

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def learnt(pupils, video, course, campaign):
    """pupils[0] watched 45 s of the video; the others have not started."""
    watch(pupils[0].user, video, 45)
    return pupils


def q(campaign, unit: str = "demo-c1-k1", **extra) -> str:
    parts = [f"unit={unit}", f"campaign={campaign.pk}"] + [f"{k}={v}" for k, v in extra.items()]
    return "?" + "&".join(parts)


def test_county_dashboard_figures_and_children(learnt, campaign, client_for, county):
    resp = client_for(county).get("/training/stats/" + q(campaign, audience="student"))
    assert resp.status_code == 200
    f = resp.context["figures"]
    assert (f.target, f.participants, f.learning_ms, f.takings) == (4, 1, 45_000, 1)
    assert f.participation_rate == 0.25
    rows = {r["name"]: r["f"] for r in resp.context["children"]}
    assert rows["东港区实验小学"].participants == 1 and rows["东港区实验小学"].target == 4
    body = resp.content.decode()
    assert "25.0%" in body and "Definitions" in body and "chart-children" in body
    crumbs = [c["label"] for c in resp.context["breadcrumbs"]]
    assert crumbs[:2] == ["东岳省教育厅", "海州市教育局"] and crumbs[2].startswith("东港区")
    assert resp.context["breadcrumbs"][0]["url"] is None  # the province is above the county


def test_default_place_and_campaign(learnt, campaign, client_for, county):
    resp = client_for(county).get("/training/stats/")
    assert resp.status_code == 200
    assert resp.context["place"].unit.code == "demo-c1-k1"
    assert resp.context["scope"].campaign == campaign


def test_drill_down_school_grade_class(learnt, campaign, client_for, county):
    c = client_for(county)
    school = c.get("/training/stats/" + q(campaign, "demo-c1-k1-s1", audience="student"))
    grades = school.context["children"]
    assert [r["kind"] for r in grades] == ["grade"] and grades[0]["f"].participants == 1
    grade = c.get(grades[0]["url"])
    classes = grade.context["children"]
    assert classes[0]["kind"] == "class" and classes[0]["f"].target == 4
    klass = c.get(classes[0]["url"])
    assert klass.status_code == 200 and not klass.context["children"]
    people = {p.name: p for p in klass.context["people"]}
    assert len(people) == 4
    first = people[learnt[0].name]
    assert (first.learning_s, first.begun, first.completed) == (45.0, 1, 0)
    assert f"/training/stats/person/{learnt[0].user_id}/" in klass.content.decode()


def test_children_sorted_by_any_column(learnt, campaign, client_for, county):
    c = client_for(county)

    def names(sort):
        return [r["name"] for r in c.get("/training/stats/" + q(campaign, sort=sort)).context["children"]]

    by_rate = names("-participation_rate")
    assert by_rate[0] == "东港区实验小学"
    assert names("name") == sorted(by_rate, key=lambda n: Unit.objects.get(name=n).path)
    assert names("-name") == list(reversed(names("name")))
    assert names("participants")[-1] == "东港区实验小学"


def test_people_and_not_started(learnt, campaign, client_for, principal):
    c = client_for(principal)
    everyone = c.get("/training/stats/people/" + q(campaign, "demo-c1-k1-s1", audience="student"))
    assert everyone.status_code == 200 and everyone.context["page"].paginator.count == 4
    waiting = c.get("/training/stats/not-started/" + q(campaign, "demo-c1-k1-s1", audience="student"))
    names = {p.name for p in waiting.context["people"]}
    assert names == {p.name for p in learnt[1:]}
    staff = c.get("/training/stats/not-started/" + q(campaign, "demo-c1-k1-s1", audience="staff"))
    assert "张丽" in {p.name for p in staff.context["people"]}  # the head teacher, by membership


def test_person_page(learnt, campaign, course, client_for, county, head_teacher):
    url = f"/training/stats/person/{learnt[0].user_id}/" + q(campaign, "demo-c1-k1-s1")
    resp = client_for(county).get(url)
    assert resp.status_code == 200
    row = resp.context["rows"][0]
    assert row["course"] == course and row["learning_s"] == 45.0
    klass = learnt[0].school_class
    mine = f"/training/stats/person/{learnt[1].user_id}/" + q(
        campaign, "demo-c1-k1-s1", **{"class": klass.pk}
    )
    assert client_for(head_teacher).get(mine).status_code == 200


def test_head_teacher_sees_own_class_only(learnt, campaign, client_for, head_teacher, operator):
    from tests.roster.schoolyear_setup import import_rows

    klass = learnt[0].school_class
    c = client_for(head_teacher)
    own = c.get("/training/stats/")  # their first class by default
    assert own.status_code == 200 and own.context["place"].school_class == klass
    assert len(own.context["people"]) == 4
    other = import_rows(Unit.objects.get(code="demo-c1-k1-s1"), operator, "四年级", 1)[0]
    for url in (
        "/training/stats/" + q(campaign, "demo-c1-k1-s1", **{"class": other.school_class_id}),
        "/training/stats/" + q(campaign, "demo-c1-k1-s1"),
        "/training/stats/" + q(campaign, "demo-c1-k1-s1", grade=klass.grade_id),
        f"/training/stats/person/{other.user_id}/" + q(campaign, "demo-c1-k1-s1", **{"class": klass.pk}),
        "/training/stats/export/people.xlsx"
        + q(campaign, "demo-c1-k1-s1", **{"class": other.school_class_id}),
    ):
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("outsider_name", ["demo_county2", "demo_principal2"])
def test_outsiders_get_not_found(learnt, campaign, client_for, outsider_name):
    c = client_for(_user(outsider_name))
    klass = learnt[0].school_class
    for path in (
        "/training/stats/",
        "/training/stats/people/",
        "/training/stats/not-started/",
        f"/training/stats/person/{learnt[0].user_id}/",
        "/training/stats/export/children.xlsx",
        "/training/stats/export/people.xlsx",
        "/training/stats/export/not-started.xlsx",
        "/training/stats/summary.pdf",
    ):
        for query in (q(campaign), q(campaign, "demo-c1-k1-s1", **{"class": klass.pk})):
            resp = c.get(path + query)
            assert resp.status_code == 404, (path, query)
    own = c.get("/training/stats/")
    assert own.status_code == 200 and "东港区" not in own.content.decode()


def test_bad_filters_are_refused_clearly(learnt, campaign, client_for, county):
    c = client_for(county)
    resp = c.get("/training/stats/" + q(campaign, audience="martians", **{"from": "2026-13-01"}))
    assert resp.status_code == 200
    text = " ".join(str(m) for m in resp.context["messages"])
    assert "audience" in text.lower() and "not a date" in text
    assert c.get("/training/stats/?unit=demo-c1-k1&campaign=abc").status_code == 404
    assert c.get("/training/stats/?unit=demo-c1-k1&campaign=999999").status_code == 404
    assert c.get("/training/stats/?unit=nope").status_code == 404


def test_nav_entry(client_for, county, head_teacher, guard):
    assert "/training/stats/" in client_for(county).get("/").content.decode()
    assert "/training/stats/" not in client_for(guard).get("/").content.decode()
