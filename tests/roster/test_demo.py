"""The demo roster: every demo school has grades and classes; demo_student and demo_parent."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster.demo import load_roster
from safecampus.roster.models import Guardian, SchoolClass, Student
from safecampus.roster.naming import LEVELS_BY_SCHOOL_TYPE


def test_demo_roster(demo):
    load_roster()
    for school in Unit.objects.filter(code__startswith="demo-", kind="school"):
        levels = set(SchoolClass.objects.filter(grade__unit=school).values_list("grade__level", flat=True))
        assert levels == set(LEVELS_BY_SCHOOL_TYPE[school.school_type]), school.code
        assert not SchoolClass.objects.filter(grade__unit=school, head_teacher=None).exists()
        assert Student.objects.filter(unit=school).count() == 3 * len(levels) * 2  # 3 a class in tests
    student = Student.objects.select_related("school_class__grade", "school_class__head_teacher").get(
        user__username="demo_student"
    )
    assert str(student.school_class) == "三年级1班" and student.unit.code == "demo-c1-k1-s1"
    assert student.school_class.head_teacher.username == "demo_teacher"
    assert Guardian.objects.filter(student=student, parent__username="demo_parent").exists()
    parent = User.objects.get(username="demo_parent")
    assert parent.check_password("Demo@2026") and not parent.must_change_password
    assert list(Student.objects.visible_to(parent)) == [student]
    teacher = User.objects.get(username="demo_teacher")
    assert set(Student.objects.visible_to(teacher)) == set(student.school_class.students.all())
    assert (
        not Student.objects.visible_to(User.objects.get(username="demo_county2"))
        .filter(pk=student.pk)
        .exists()
    )
    load_roster()  # idempotent
    assert Student.objects.filter(unit__code__startswith="demo-").count() == 3 * 2 * (6 + 3 + 3) * 4
