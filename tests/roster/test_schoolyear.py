"""School year: enrollment history, term promotion, the status table, and invariants under random
sequences of import / promote / transfer. Transfers: tests/roster/test_transfers.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.core.errors import Conflict, DomainError, Invalid
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.roster import transfers
from safecampus.roster.enrollment import change_student_status
from safecampus.roster.models import Enrollment, Grade, SchoolClass, Student
from safecampus.roster.naming import LEVELS_BY_SCHOOL_TYPE, class_name_without_grade, next_grade_level
from safecampus.roster.promotion import preview_promotion, promote

from .schoolyear_setup import import_rows, world


def _open(student: Student) -> list[Enrollment]:
    return list(Enrollment.objects.filter(student=student, to_date__isnull=True))


def test_next_grade_and_class_names():
    assert next_grade_level(5, "primary") == 6
    assert next_grade_level(6, "primary") is None
    assert next_grade_level(0, "kindergarten") is None  # 大班 graduates
    assert next_grade_level(-2, "kindergarten") == -1
    assert next_grade_level(9, "nine_year") is None
    assert class_name_without_grade("初一1班", 7) == "1班"
    assert class_name_without_grade("七年级(2)班", 7) == "(2)班"
    assert class_name_without_grade("一班", 1) == "一班"
    assert class_name_without_grade("(3)班", 8) == "(3)班"


def test_import_opens_enrollments_and_records_moves(school, county):
    students = import_rows(school, county, "三年级", 4, classes=2)
    for s in students:
        (e,) = _open(s)
        assert (e.school_class_id, e.school_year, e.grade_level, e.unit_id) == (
            s.school_class_id,
            2026,
            3,
            school.pk,
        )
        assert e.reason == "imported"
    # Re-importing the same file changes nothing; re-importing with classes swapped moves history.
    from safecampus.roster.importing import apply_students, check_students_file

    from .factories import csv_bytes

    s = students[0]
    klass = s.school_class
    other = SchoolClass.objects.get(grade=klass.grade, number=3 - klass.number)
    row = ["三年级", f"{other.number}班", s.name, "男" if s.gender == "M" else "女", s.id_card, s.student_no]
    plan = check_students_file(school, csv_bytes([row], "utf-8", headers=["年级", "班级", "姓名", "性别",
                                                                         "身份证号", "学籍号"]),
                               actor=county, school_year=2026)  # fmt: skip
    assert plan.ok, plan.errors
    apply_students(plan, actor=county)
    history = list(Enrollment.objects.filter(student=s).order_by("id"))
    assert [(e.school_class_id, e.to_date is None) for e in history] == [(klass.pk, False), (other.pk, True)]
    assert history[0].end_reason == "imported"


def test_enrollment_history_is_scoped(school, county, head_teacher, school_admin, outsider):
    a, b = import_rows(school, county, "三年级", 2, classes=2)
    SchoolClass.objects.filter(pk=a.school_class_id).update(head_teacher=head_teacher)
    assert set(Enrollment.objects.visible_to(head_teacher).values_list("student_id", flat=True)) == {a.pk}
    assert Enrollment.objects.visible_to(school_admin).filter(student__in=[a, b]).count() == 2
    assert not Enrollment.objects.visible_to(outsider).exists()


def test_promotion_moves_every_class_up_and_graduates_the_last_grade(school, county, head_teacher):
    fifth = import_rows(school, county, "五年级", 6, classes=2)
    sixth = import_rows(school, county, "六年级", 3)
    SchoolClass.objects.filter(grade__unit=school, grade__level=5, number=1).update(head_teacher=head_teacher)
    before = world()
    preview = preview_promotion(school, 2026)
    assert world() == before  # the preview writes nothing
    assert [
        (ln.school_class.grade.level, ln.school_class.number, ln.to_level, ln.enrolled)
        for ln in preview.lines
    ] == [
        (5, 1, 6, 3),
        (5, 2, 6, 3),
        (6, 1, None, 3),
    ]
    done = promote(school, 2026, actor=county, on=dt.date(2027, 8, 20))
    assert done.counts() == {
        "school_year": 2026,
        "classes": 3,
        "promoted": 6,
        "graduated": 3,
        "staying": 0,
    }
    new = SchoolClass.objects.filter(grade__unit=school, grade__school_year=2027).select_related("grade")
    assert sorted((c.grade.level, c.number, c.name) for c in new) == [(6, 1, "1班"), (6, 2, "2班")]
    assert new.get(number=1).head_teacher == head_teacher  # head teachers are kept
    assert Grade.objects.get(unit=school, school_year=2027, level=6).name == "六年级"
    for s in Student.objects.filter(pk__in=[s.pk for s in fifth]).select_related("school_class__grade"):
        assert (s.status, s.school_class.grade.school_year, s.school_class.grade.level) == (
            "enrolled",
            2027,
            6,
        )
        old, now = Enrollment.objects.filter(student=s).order_by("id")
        assert (old.school_year, old.grade_level, old.to_date, old.end_reason) == (
            2026,
            5,
            dt.date(2027, 8, 20),
            "promoted",
        )
        assert (now.school_year, now.grade_level, now.to_date, now.reason) == (2027, 6, None, "promoted")
    for s in Student.objects.filter(pk__in=[s.pk for s in sixth]):
        assert s.status == "graduated" and s.school_class.grade.school_year == 2026  # last class kept
        assert not _open(s)
        assert Enrollment.objects.get(student=s).end_reason == "graduated"
    # Statistics of the earlier year stay true: 2026 still counts 9 students in 3 classes.
    assert Enrollment.objects.filter(unit=school, school_year=2026).values("student").distinct().count() == 9
    (event,) = AuditEvent.objects.filter(verb="roster.promoted", unit=school)
    assert event.after["promoted"] == 6 and event.after["graduated"] == 3


def test_second_promotion_is_refused_and_changes_nothing(school, county):
    import_rows(school, county, "二年级", 2)
    promote(school, 2026, actor=county)
    before, events = world(), AuditEvent.objects.count()
    with pytest.raises(Conflict, match="already been promoted"):
        promote(school, 2026, actor=county)
    assert world() == before and AuditEvent.objects.count() == events
    assert preview_promotion(school, 2026).done is not None


def test_kindergarten_big_class_graduates_and_grade_prefix_is_dropped(county):
    kinder = Unit.objects.get(code="demo-c1-k1-s3")
    junior = Unit.objects.get(code="demo-c1-k1-s2")
    big = import_rows(kinder, county, "大班", 2)
    small = import_rows(kinder, county, "小班", 2)
    promote(kinder, 2026, actor=county)
    assert {s.status for s in Student.objects.filter(pk__in=[s.pk for s in big])} == {"graduated"}
    assert {s.school_class.grade.name for s in Student.objects.filter(pk__in=[s.pk for s in small])} == {
        "中班"
    }
    import_rows(junior, county, "七年级", 1)
    SchoolClass.objects.filter(grade__unit=junior).update(name="初一1班")
    promote(junior, 2026, actor=county)
    assert SchoolClass.objects.get(grade__unit=junior, grade__school_year=2027).name == "1班"


def test_suspended_students_stay_and_status_changes_follow_the_table(school, county):
    a, b = import_rows(school, county, "四年级", 2)
    change_student_status(a, "suspend", actor=county)
    with pytest.raises(Conflict):
        change_student_status(a, "suspend", actor=county)  # suspended → suspended is not in the table
    with pytest.raises(Conflict):
        change_student_status(b, "resume", actor=county)  # enrolled cannot resume
    with pytest.raises(Invalid):
        change_student_status(b, "expel", actor=county)
    preview = promote(school, 2026, actor=county)
    assert (preview.promoted, preview.staying) == (1, 1)
    a.refresh_from_db()
    assert a.school_class.grade.school_year == 2026 and len(_open(a)) == 1  # keeps their place
    change_student_status(a, "resume", actor=county)
    change_student_status(a, "leave", actor=county)
    a.refresh_from_db()
    assert a.status == "transferred" and not _open(a)
    assert Enrollment.objects.get(student=a).end_reason == "transferred_out"
    assert AuditEvent.objects.filter(verb="roster.student_status_changed", target_id=str(a.pk)).count() == 3


def test_promotion_refuses_a_stale_review_and_outsiders(
    school, county, outsider, outsider_principal, head_teacher
):
    import_rows(school, county, "一年级", 2)
    reviewed = preview_promotion(school, 2026).fingerprint
    import_rows(school, county, "一年级", 1)
    with pytest.raises(Conflict, match="review"):
        promote(school, 2026, actor=county, reviewed=reviewed)
    for user in (outsider, outsider_principal, head_teacher):
        with pytest.raises(PermissionDenied):
            promote(school, 2026, actor=user)
    with pytest.raises(Invalid):
        promote(school, 2030, actor=county)  # no classes that year
    assert (
        promote(school, 2026, actor=county, reviewed=preview_promotion(school, 2026).fingerprint).promoted
        == 3
    )


# ---------------------------------------------------------------------------------------
# Random sequences of import / promote / transfer keep the invariants
# ---------------------------------------------------------------------------------------

GRADES = ["一年级", "三年级", "五年级", "六年级", "六年级"]
operations = st.lists(
    st.one_of(
        st.tuples(st.just("import"), st.integers(0, 1), st.sampled_from(GRADES), st.integers(1, 3)),
        st.tuples(st.just("promote"), st.integers(0, 1)),
        st.tuples(st.just("promote_again"), st.integers(0, 1)),
        st.tuples(st.just("transfer"), st.integers(0, 50), st.booleans()),
    ),
    min_size=1,
    max_size=10,
)


def _check_invariants(schools: list[Unit]) -> None:
    opens: dict[int, list[Enrollment]] = {}
    for e in Enrollment.objects.filter(to_date__isnull=True).select_related("school_class__grade"):
        opens.setdefault(e.student_id, []).append(e)
    students = Student.objects.filter(unit__in=schools).select_related("school_class__grade", "unit")
    for s in students:
        mine = opens.get(s.pk, [])
        if s.status == "enrolled":
            assert len(mine) == 1, f"{s} has {len(mine)} open enrollments"
            (e,) = mine
            klass = s.school_class
            assert e.unit_id == s.unit_id == klass.unit_id
            assert e.school_class_id == klass.pk
            assert (e.school_year, e.grade_level) == (klass.grade.school_year, klass.grade.level)
            assert klass.grade.level in LEVELS_BY_SCHOOL_TYPE[s.unit.school_type]
            roles = Membership.objects.filter(user=s.user_id, role="student", is_active=True)
            assert list(roles.values_list("unit_id", flat=True)) == [s.unit_id]
        elif s.status == "graduated":
            assert not mine


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_school_years_keep_the_invariants(ops, school, receiving, county, operator):
    schools = [school, receiving]
    with transaction.atomic():
        years = {s.pk: 2026 for s in schools}
        import_rows(school, county, "六年级", 2)  # both schools start with students
        history = 0
        for op in ops:
            kind = op[0]
            if kind == "import":
                target = schools[op[1]]
                import_rows(target, county, op[2], op[3], classes=2, year=years[target.pk])
            elif kind == "promote":
                target = schools[op[1]]
                try:
                    promote(target, years[target.pk], actor=county)
                except Invalid:
                    pass  # no classes this year
                else:
                    years[target.pk] += 1
            elif kind == "promote_again" and years[schools[op[1]].pk] > 2026:
                before = world()
                with pytest.raises(Conflict):
                    promote(schools[op[1]], years[schools[op[1]].pk] - 1, actor=county)
                assert world() == before
            elif kind == "transfer":
                enrolled = list(Student.objects.filter(unit__in=schools, status="enrolled").order_by("pk"))
                if not enrolled:
                    continue
                student = enrolled[op[1] % len(enrolled)]
                to = next(s for s in schools if s.pk != student.unit_id)
                year = student.school_class.grade.school_year
                target = SchoolClass.objects.filter(unit=to, grade__school_year__gte=year).first()
                tr = transfers.request_transfer(student, to, actor=operator)
                try:
                    if op[2]:
                        transfers.accept_transfer(tr, actor=county, target_class=target)
                    else:
                        transfers.reject_transfer(tr, actor=county)
                except DomainError:
                    assert target is None  # accepting needs a class of the receiving school
                    transfers.cancel_transfer(tr, actor=operator)
            count = Enrollment.objects.count()
            assert count >= history  # history is never deleted
            history = count
            _check_invariants(schools)
        transaction.set_rollback(True)
