"""The register's cast at demo-c1-k1-s1 (demo_schooladmin and demo_safety keep it) and guards made
through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.guards import services
from safecampus.guards.demo import id_number
from safecampus.guards.models import Guard


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def make_guard(school_admin, school) -> Callable[..., Guard]:
    counter = iter(range(1, 10_000))

    def make(unit: Unit | None = None, actor: User | None = None, **data) -> Guard:
        n = next(counter)
        birth = dt.date(1980, 1, 1 + n % 27)
        fields = {
            "name": f"东港区保安{n}",
            "id_number": id_number(birth, 500 + n),
            "phone": f"1396331{n:04d}",
            "birth_date": birth,
            "employment": "employed",
            "full_time": True,
            "certificate_no": f"T-{n:05d}",
            "certificate_expires": timezone.localdate() + dt.timedelta(days=365),
        }
        fields.update(data)
        return services.add_guard(unit or school, actor=actor or school_admin, data=fields)

    return make


@pytest.fixture
def lesson(demo, operator):
    """A staff article lesson to credit training hours to (the training module's own facts)."""
    from safecampus.training import content
    from safecampus.training.models import Audience, LessonKind

    province = Unit.objects.get(code="demo")
    campaign = content.create_campaign(
        province, actor=operator, title="保安培训", title_en="Guard training", school_year=2026,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 7, 15),
    )  # fmt: skip
    course = content.create_course(
        campaign, campaign.unit, actor=operator, title="门卫安全", title_en="Gate safety",
        audiences=[Audience.STAFF], school_types=["primary"], grade_min=1, grade_max=6,
    )  # fmt: skip
    return content.create_lesson(
        course,
        actor=operator,
        kind=LessonKind.ARTICLE,
        title="读一读",
        body_html="<p>门卫</p>",
        duration_s=120,
    )


def learn(user: User, lesson, day: dt.date, hours: float, unit: Unit) -> None:
    from safecampus.training.progress_models import LearningDay

    LearningDay.objects.create(
        learner=user, lesson=lesson, course=lesson.course, audience="staff", day=day,
        credited_s=hours * 3600, unit=unit, unit_path=unit.path,
    )  # fmt: skip


def enrol(school: Unit, total: int, *, boarding: int = 0) -> None:
    """Bring the school's enrolled pupils to `total` (`boarding` of the new ones boarders)."""
    from safecampus.roster.models import Student, StudentStatus

    have = Student.objects.filter(unit=school, status=StudentStatus.ENROLLED).count()
    assert have <= total
    rows = []
    for i in range(total - have):
        s = Student(name=f"学生{i}", boarding=i < boarding)
        s.set_unit(school)
        rows.append(s)
    Student.objects.bulk_create(rows, batch_size=500)
