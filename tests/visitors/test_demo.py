"""The demo at demo-c1-k1-s1: today's visitors (one still inside), a booking waiting for
demo_teacher, a watch-list entry; a second load changes nothing."""

from __future__ import annotations

from safecampus.visitors.demo import load_visitors_demo
from safecampus.visitors.models import BookingLink, Visit, VisitStatus, WatchEntry


def test_demo_visitors(school, head_teacher) -> None:
    load_visitors_demo()
    visits = Visit.objects.filter(unit=school)
    assert visits.filter(status=VisitStatus.INSIDE).count() == 1
    assert visits.filter(status=VisitStatus.LEFT).count() >= 2
    assert visits.filter(status=VisitStatus.PENDING, host=head_teacher).count() == 1
    assert WatchEntry.objects.filter(unit=school, is_active=True).count() == 1
    assert BookingLink.objects.filter(unit=school).count() == 1
    before = visits.count()
    load_visitors_demo()
    assert Visit.objects.filter(unit=school).count() == before
    for v in visits.filter(status=VisitStatus.LEFT):
        assert v.checked_in_at <= v.checked_out_at
