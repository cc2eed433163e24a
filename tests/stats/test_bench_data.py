"""`bench_data` at a tiny size: the statistics it builds reconcile with the facts, and the
province's figures from the API equal the naive recount of the benchmark (bench/naive.py)."""

from __future__ import annotations

import pytest
from bench.naive import naive_figures
from django.core.management import call_command

from safecampus.core.models import Unit
from safecampus.roster.models import Student
from safecampus.training.progress_models import CourseProgress, LearningDay
from safecampus.training_stats import recount
from safecampus.training_stats.benchdata import Shape, generate
from safecampus.training_stats.figures import AUDIENCES, Figures
from safecampus.training_stats.models import Participation, TargetOwn
from safecampus.training_stats.targets import live_year, own_people


@pytest.fixture
def province(demo):
    return generate(Shape(schools=6, students_per_school=40, schools_per_county=2, counties_per_city=2),
                    log=lambda _m: None)  # fmt: skip


def test_builds_the_tree_roster_and_facts(province):
    root = province.root
    assert Unit.objects.filter(path__startswith=root.path, kind="school").count() == 6
    assert Unit.objects.filter(path__startswith=root.path, kind="city").count() == 2
    assert Student.objects.filter(unit_path__startswith=root.path).count() == 240
    assert 0 < province.counts["learners"] < 240
    assert LearningDay.objects.filter(unit_path__startswith=root.path).exists()
    taken = Participation.objects.filter(unit_path__startswith=root.path).exclude(course_id=0)
    assert CourseProgress.objects.filter(unit_path__startswith=root.path).count() == taken.count()
    assert len(province.accounts) == 6 * 5


def test_own_targets_equal_the_per_unit_refresh(province):
    for unit in Unit.objects.filter(path__startswith=province.root.path):
        year = live_year(unit)
        stored = {
            (
                r.unit_id,
                r.grade_id,
                r.class_id,
                r.school_year,
                r.audience,
                r.school_type,
                r.grade_level,
            ): r.people
            for r in TargetOwn.objects.filter(unit_id=unit.pk, school_year=year)
        }
        assert stored == own_people(unit, year), unit.code


def _shown(figures: Figures) -> dict:
    """The figures as the API shows them (learning time in seconds, not milliseconds)."""
    data = figures.as_dict()
    del data["learning_ms"]
    return data


def test_cells_reconcile_and_figures_equal_the_naive_recount(province, api_client_for):
    drift = recount.reconcile()
    assert drift.clean, drift.as_dict()
    response = api_client_for(province.admin).get(
        "/api/v1/training/stats", {"unit": province.root.code, "campaign": province.campaign.pk}
    )
    assert response.status_code == 200
    body = response.json()
    naive = naive_figures(province.root, province.campaign)
    total = Figures()
    for audience in AUDIENCES:
        figures = Figures(**naive.get(audience, {}))
        assert body["by_audience"][audience] == _shown(figures), audience
        total += figures
    assert body["figures"] == _shown(total)
    assert body["figures"]["participants"] == province.counts["learners"]
    assert body["figures"]["target"] == 240


def test_command_refuses_a_second_province(province, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="already holds"):
        call_command("bench_data", "--schools", "1", "--students-per-school", "1")
