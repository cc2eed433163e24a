from safecampus.notices import receipts, reach, services
from safecampus.notices.queries import inbox, get_notice_for


def test_letter_reaches_parent(make_notice, parent, pupil, county):
    n = make_notice()
    assert services.recipients(n) > 0
    items = inbox(parent)
    assert [i.notice.pk for i in items] == [n.pk]
    assert items[0].child_slots[0].child_id == pupil.pk
    rows, fresh = receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    assert fresh == 1
    rows, fresh = receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    assert fresh == 0
    _n, st = get_notice_for(county, n.pk)
    top, kids = reach.reach_with_children(n, reach.place_of(n, st))
    assert top.confirmed == 1 and top.read == 1
    print(top.as_dict(), [k.as_dict() for k in kids])
