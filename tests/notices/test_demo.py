"""The notices demo: the county's letter with receipts (demo_parent still to sign for
demo_student), the school's staff notice, the city's typhoon warning one school has not
acknowledged, a calendar draft and the county's webhook endpoint; loading twice adds nothing."""

from __future__ import annotations

from safecampus.core.models import Unit
from safecampus.notices import reach, schools
from safecampus.notices.demo import NOT_ACKNOWLEDGING, RECEIVER, load_notices_demo
from safecampus.notices.models import Notice, NoticeKind, Receipt
from safecampus.notices.queries import get_notice_for, inbox
from safecampus.webhooks.models import Endpoint


def test_demo(roster, county, city, head_teacher, parent, pupil):
    load_notices_demo()
    counts = (Notice.objects.count(), Receipt.objects.count())
    load_notices_demo()
    assert (Notice.objects.count(), Receipt.objects.count()) == counts, list(
        Notice.objects.values_list("unit__code", "calendar_key", "season", "status")
    )

    letter = Notice.objects.get(unit__code="demo-c1-k1", kind=NoticeKind.PARENT_LETTER)
    (item,) = [i for i in inbox(parent) if i.notice.pk == letter.pk]
    assert [s.child_id for s in item.to_confirm] == [pupil.pk]
    _n, st = get_notice_for(county, letter.pk)
    top = reach.figures(letter, [reach.place_of(letter, st)])[0]
    assert top.recipients > 0 and top.confirmed > top.recipients / 2 and top.confirmed < top.recipients

    staff = Notice.objects.get(unit__code="demo-c1-k1-s1", kind=NoticeKind.NOTICE, status="published")
    assert staff.pk in [i.notice.pk for i in inbox(head_teacher)]

    typhoon = Notice.objects.get(unit__code="demo-c1", kind=NoticeKind.WARNING)
    rows = schools.school_rows(typhoon, Unit.objects.get(code="demo-c1"))
    assert [r.unit.code for r in rows if not r.acknowledged_at] == [NOT_ACKNOWLEDGING]
    assert len(rows) == 6
    assert Notice.objects.filter(unit__code="demo-c1-k1-s1", status="draft").exclude(calendar_key="").exists()
    assert Endpoint.objects.filter(unit__code="demo-c1-k1", url=RECEIVER).exists()
