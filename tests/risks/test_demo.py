"""The demo risk step: 20+ graded points across categories, control plans for the major ones and a
campus plan with areas for a school; idempotent."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.risks.demo import draw_plan, load_school
from safecampus.risks.models import CampusPlan, ControlPlan, Level, PlanArea, RiskPoint, Status


def test_demo_school(demo, school, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    op = User.objects.get(username="demo_operator")
    assert load_school(school, op) >= 20
    points = RiskPoint.objects.filter(unit=school)
    assert points.count() >= 20
    assert points.values("category").distinct().count() >= 10
    assert set(points.values_list("level", flat=True)) == set(Level.values)
    assert all(p.name_en for p in points)
    for p in points.filter(level=Level.MAJOR, status=Status.CONFIRMED):
        assert ControlPlan.objects.filter(point=p).exists()
    assert points.filter(status=Status.CONFIRMED).count() >= 15
    assert CampusPlan.objects.filter(unit=school).exists()
    assert PlanArea.objects.filter(unit=school).count() == 8
    assert points.filter(pin_x__isnull=False).count() == points.count()
    assert load_school(school, op) == 0  # idempotent


def test_plan_drawing_is_an_image():
    import io

    from PIL import Image

    data = draw_plan("东港区实验小学")
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (1600, 1000)
