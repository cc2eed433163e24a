"""Roll-ups: every credited second, first participation, completion and pass lands in the cells
of the learner's class, grade, school and every bureau above — equal to a recount."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from safecampus.core.models import Unit
from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training_stats import recount
from safecampus.training_stats.figures import Scope, report
from safecampus.training_stats.models import StatDelta

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(hours=2)


def watch(user, lesson, seconds, *, start=T0, prefix="a"):
    beats = [BeatIn(f"{prefix}{i}", lesson.pk, min(i * 15, seconds), start + dt.timedelta(seconds=i * 15))
             for i in range(seconds // 15 + 1)]  # fmt: skip
    return record_heartbeats(user, beats, now=NOW)


def unit(code):
    return Unit.objects.get(code=code)


@pytest.mark.django_db
def test_credit_rolls_up_to_every_level(pupils, video, course, campaign):
    pupil = pupils[0].user
    watch(pupil, video, 45)
    klass = pupils[0].school_class
    school, county, city, province = (unit(c) for c in ["demo-c1-k1-s1", "demo-c1-k1", "demo-c1", "demo"])
    nodes = [(u.pk, 0, 0) for u in (school, county, city, province)]
    nodes += [(school.pk, klass.grade_id, 0), (school.pk, klass.grade_id, klass.pk)]
    for scope in (Scope(campaign), Scope(campaign, stage=course.stage), Scope(campaign, course=course)):
        rep = report(nodes, scope)
        for n in nodes:
            f = rep.of(n, "student")
            assert (f.participants, f.takings, f.learning_ms) == (1, 1, 45_000), (scope, n)
    class_node = (school.pk, klass.grade_id, klass.pk)
    assert report([class_node], Scope(campaign, course=course)).of(class_node, "student").target == 4
    assert not StatDelta.objects.exists()  # folded on commit
    drift = recount.reconcile()
    assert drift.clean, drift.as_dict()


@pytest.mark.django_db
def test_targets_follow_the_roster(pupils, course, campaign):
    klass = pupils[0].school_class
    school = unit("demo-c1-k1-s1")
    node = (school.pk, klass.grade_id, klass.pk)
    scope = Scope(campaign, course=course)
    assert report([node], scope).of(node, "student").target == 4
    s = pupils[3]
    s.status = "transferred"
    s.save()
    assert report([node], scope).of(node, "student").target == 3
    assert recount.reconcile().clean


@pytest.mark.django_db
def test_stats_api_scoped_to_the_county(pupils, video, course, campaign, api_client_for):
    from safecampus.accounts.models import User

    def api_client(name):
        return api_client_for(User.objects.get(username=name))

    watch(pupils[0].user, video, 45)
    county = api_client("demo_county")
    r = county.get(f"/api/v1/training/stats?unit=demo-c1-k1&campaign={campaign.pk}&audience=student")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["figures"]["participants"] == 1 and body["figures"]["learning_s"] == 45
    assert body["figures"]["target"] == 4 and body["figures"]["participation_rate"] == 0.25
    kids = county.get(f"/api/v1/training/stats/children?unit=demo-c1-k1&campaign={campaign.pk}").json()
    assert {k["unit"]: k["figures"]["participants"] for k in kids}["demo-c1-k1-s1"] == 1
    other = api_client("demo_county2")
    for path in ("", "/children"):
        r = other.get(f"/api/v1/training/stats{path}?unit=demo-c1-k1&campaign={campaign.pk}")
        assert r.status_code == 404
    assert (
        county.get(f"/api/v1/training/stats?unit=demo-c1-k1&campaign={campaign.pk}&audience=x").status_code
        == 400
    )
    # not a unit code at all (a NUL byte breaks PostgreSQL's comparison): refused, never a 500
    assert county.get(f"/api/v1/training/stats?unit=demo%00&campaign={campaign.pk}").status_code == 422
    page = Client()
    page.force_login(User.objects.get(username="demo_county"))
    assert page.get(f"/training/stats/?unit=demo%00&campaign={campaign.pk}").status_code == 404


@pytest.mark.django_db
def test_reconcile_command_reports_drift_and_rebuild_repairs_it(pupils, video, course, campaign):
    from django.core.management import CommandError, call_command

    from safecampus.training_stats.models import StatCell

    watch(pupils[0].user, video, 45)
    call_command("stats_reconcile")  # clean: no error
    StatCell.objects.filter(course_id=course.pk).update(learning_ms=1)  # a corrupted cell
    with pytest.raises(CommandError):
        call_command("stats_reconcile")
    call_command("stats_reconcile", "--rebuild")
    assert recount.reconcile().clean


@pytest.mark.django_db
def test_replayed_beats_and_a_second_fold_change_nothing(pupils, video, course, campaign):
    from safecampus.training_stats.models import StatCell
    from safecampus.training_stats.rollup import apply_pending

    watch(pupils[0].user, video, 45)
    before = list(StatCell.objects.order_by("pk").values())
    watch(pupils[0].user, video, 45)  # the same client ids again
    assert apply_pending() == 0
    assert list(StatCell.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_past_school_year_keeps_its_numbers_after_promotion(pupils, video, course, campaign, operator):
    from safecampus.roster import promotion
    from safecampus.training_stats.models import TargetCell

    watch(pupils[0].user, video, 45)
    school = unit("demo-c1-k1-s1")
    node = (school.pk, 0, 0)
    before = report([node], Scope(campaign, course=course)).of(node, "student")
    assert (before.target, before.participants) == (4, 1)
    promotion.promote(school, 2026, actor=operator)
    after = report([node], Scope(campaign, course=course)).of(node, "student")
    assert (after.target, after.participants, after.learning_ms) == (4, 1, 45_000)  # 2026–2027 as it was
    assert TargetCell.objects.get(unit_id=school.pk, grade_id=0, class_id=0, school_year=2027,
                                  audience="student", grade_level=4).people == 4  # fmt: skip
    assert recount.reconcile().clean


@pytest.mark.django_db
def test_figures_are_exact_while_deltas_wait_to_be_folded(pupils, video, course, campaign, monkeypatch):
    from safecampus.training_stats.rollup import apply_pending

    folds = []
    # the job has not run yet
    monkeypatch.setattr(
        "safecampus.training_stats.signals.after_commit", folds.append
    )  # the job has not run yet
    monkeypatch.setattr("safecampus.core.rollups.jobs.after_commit", folds.append)
    klass = pupils[0].school_class
    watch(pupils[0].user, video, 45)
    watch(pupils[1].user, video, 30, prefix="b")
    assert StatDelta.objects.exists()
    school, province = unit("demo-c1-k1-s1"), unit("demo")
    nodes = [(school.pk, 0, 0), (province.pk, 0, 0), (school.pk, klass.grade_id, klass.pk)]
    scopes = (Scope(campaign), Scope(campaign, course=course))
    day = T0.date()
    waiting = [report(nodes, s, start=day, end=day, paths={province.pk: province.path}) for s in scopes]
    assert waiting[1].of(nodes[1], "student").learning_ms == 75_000
    assert apply_pending() > 0 and not StatDelta.objects.exists()
    folded = [report(nodes, s, start=day, end=day) for s in scopes]
    for before, after in zip(waiting, folded, strict=True):
        for n in nodes:
            assert before.of(n) == after.of(n)
