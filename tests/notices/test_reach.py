"""Reach equals a recount: whatever families read and confirm (replayed, in any order), the
figures at every node — county, school, grade, class — equal a count of the receipts and of the
recipients found one reader at a time, and the roll-up reconciles clean."""

from __future__ import annotations

from collections import Counter

from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.core.places import Place
from safecampus.core.rollups import get
from safecampus.notices import reach, receipts
from safecampus.notices.audience import Audience, addressed, reader_slots
from safecampus.notices.models import Receipt
from safecampus.notices.queries import get_notice_for
from safecampus.roster.models import Grade, Guardian, SchoolClass

ACTIONS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=200), st.sampled_from(["read", "confirm"])), max_size=25
)


def nodes_of(county_unit) -> list[Place]:
    out = [Place(county_unit)]
    for school in county_unit.get_children():
        out.append(Place(school))
        for grade in Grade.objects.filter(unit=school):
            out.append(Place(school, grade))
            for klass in SchoolClass.objects.filter(grade=grade):
                out.append(Place(school, grade, klass))
    return out


def recount(notice, places: list[Place], parents) -> dict[tuple, tuple[int, int, int]]:
    aud = Audience.of(notice.audience)
    slots = [s for p in parents for s in addressed(aud, reader_slots(p))]
    rows = list(Receipt.objects.filter(notice=notice))
    out = {}
    for p in places:

        def inside(path: str, grade: int, klass: int, p: Place = p) -> bool:
            if p.school_class is not None:
                return klass == p.school_class.pk
            if p.grade is not None:
                return grade == p.grade.pk
            return path.startswith(p.unit.path)

        recipients = sum(1 for s in slots if inside(s.unit_path, s.grade_id, s.class_id))
        read = sum(1 for r in rows if r.read_at and inside(r.unit_path, r.grade_id, r.class_id))
        confirmed = sum(1 for r in rows if r.confirmed_at and inside(r.unit_path, r.grade_id, r.class_id))
        out[p.key] = (recipients, read, confirmed)
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, to_all=st.booleans())
def test_reach_equals_a_recount(make_notice, county, county_unit, roster, actions, to_all):
    audience = {"units": ["demo-c1-k1"], "parents": True}
    n = make_notice(audience=audience if to_all else {**audience, "school_types": ["primary"]})
    guardians = list(
        Guardian.objects.filter(student__unit__path__startswith=county_unit.path)
        .select_related("parent", "student")
        .order_by("pk")
    )
    for index, action in actions:
        g = guardians[index % len(guardians)]
        try:
            if action == "read":
                receipts.mark_read(n, user=g.parent)
            else:
                receipts.confirm(n, user=g.parent, data={"student_id": g.student_id})
        except Http404:  # a parent whose children the notice does not address
            assert not to_all and g.student.unit.school_type != "primary"
    places = nodes_of(county_unit)
    found = {f.place.key: (f.recipients, f.read, f.confirmed) for f in reach.figures(n, places)}
    expected = recount(n, places, {g.parent for g in guardians})
    assert found == expected
    assert get("notice_reach").reconcile().clean
    counts = Counter(r.child_id for r in Receipt.objects.filter(notice=n))
    assert all(v == 1 for v in counts.values())  # one receipt per (parent, child)


def test_children_sum_to_their_parent(make_notice, county, county_unit, parent, pupil):
    n = make_notice(audience={"units": ["demo-c1-k1"], "parents": True})
    receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    _n, st_ = get_notice_for(county, n.pk)
    top, kids = reach.reach_with_children(n, reach.place_of(n, st_, "demo-c1-k1"))
    assert top.recipients == sum(k.recipients for k in kids) and top.confirmed == sum(
        k.confirmed for k in kids
    )
    school = reach.place_of(n, st_, pupil.unit.code)
    top, grades = reach.reach_with_children(n, school)
    assert top.recipients == sum(g.recipients for g in grades)
    grade = reach.place_of(n, st_, pupil.unit.code, pupil.school_class.grade_id)
    top, classes = reach.reach_with_children(n, grade)
    assert top.recipients == sum(k.recipients for k in classes) and top.confirmed == 1
