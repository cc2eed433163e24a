"""Supervision services: listing, letters and their numbers, replies, interviews and sanctions;
refusals and bad input are translated errors that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent, Unit
from safecampus.hazards.models import Grade, Status
from safecampus.inbox.models import Notification
from safecampus.supervision import numbering, records, services
from safecampus.supervision.models import (
    Interview,
    Letter,
    LetterCounter,
    LetterStatus,
    ListedSupervision,
    ListingStatus,
    Sanction,
)
from safecampus.supervision.summary import year_summary
from tests.hazards.conftest import photo_file

from .conftest import soon


def test_list_a_major_hazard(
    county, major, principal, safety, county_unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.list_hazard(major, actor=county, deadline=soon(), note="每周报告进展")
    assert listing.bureau == county_unit and listing.unit == major.unit and listing.is_active
    assert AuditEvent.objects.filter(verb="supervision.listed", target_id=str(listing.pk)).exists()
    told = set(
        Notification.objects.filter(dedupe_key=f"listing:{listing.pk}").values_list(
            "user__username", flat=True
        )
    )
    assert {"demo_principal", "demo_safety"} <= told and "demo_teacher" not in told
    with pytest.raises(Conflict):
        services.list_hazard(major, actor=county, deadline=soon())
    assert ListedSupervision.objects.filter(hazard=major).count() == 1


def test_listing_refused_and_invalid(county, outsider, principal, major, make_hazard):
    with pytest.raises(PermissionDenied):
        services.list_hazard(major, actor=outsider, deadline=soon())
    with pytest.raises(PermissionDenied):
        services.list_hazard(major, actor=principal, deadline=soon())
    with pytest.raises(Invalid) as exc:
        services.list_hazard(make_hazard(Status.ASSIGNED), actor=county, deadline=soon())
    assert exc.value.field == "hazard"
    with pytest.raises(Conflict):
        services.list_hazard(make_hazard(Status.CLOSED, grade=Grade.MAJOR), actor=county, deadline=soon())
    with translation.override("zh-hans"), pytest.raises(Invalid) as exc:
        services.list_hazard(major, actor=county, deadline="2020-01-01")
    assert exc.value.field == "deadline"
    with pytest.raises(Invalid):
        services.list_hazard(major, actor=county, deadline="not a date")
    assert not ListedSupervision.objects.exists()


def test_lift_needs_closed_hazard_or_reason(county, major):
    listing = services.list_hazard(major, actor=county, deadline=soon())
    with pytest.raises(Invalid) as exc:
        services.lift_listing(listing, actor=county, note="  ")
    assert exc.value.field == "note"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED
    services.lift_listing(listing, actor=county, note="已纳入市级督办")
    assert listing.status == ListingStatus.LIFTED and listing.lifted_by == county
    with pytest.raises(Conflict):
        services.lift_listing(listing, actor=county, note="again")
    # Lifted: the hazard may be listed again.
    services.list_hazard(major, actor=county, deadline=soon())


def test_lift_a_closed_hazard_without_note(county, major):
    listing = services.list_hazard(major, actor=county, deadline=soon())
    major.status = Status.CLOSED
    major.save()
    listing.hazard.refresh_from_db()
    services.lift_listing(listing, actor=county)
    assert listing.status == ListingStatus.LIFTED


def test_issue_letter_numbers_and_notifies(
    make_letter, major, make_hazard, county_unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_letter(major, make_hazard())
    second = make_letter(major)
    reminder = make_letter(major, kind="reminder")
    year = timezone.localdate().year
    assert first.number == f"〔{year}〕交办第1号" and second.number == f"〔{year}〕交办第2号"
    assert reminder.number == f"〔{year}〕提示第1号"
    assert first.bureau == county_unit and first.status == LetterStatus.ISSUED
    assert first.hazards.count() == 2
    told = set(
        Notification.objects.filter(dedupe_key=f"letter:{first.pk}:issued").values_list(
            "user__username", flat=True
        )
    )
    assert "demo_principal" in told
    assert AuditEvent.objects.filter(verb="letter.issued", target_id=str(first.pk)).exists()


def test_numbers_are_per_bureau_and_sequential(county_unit, sibling_school):
    other = Unit.objects.get(code="demo-c1-k2")
    from django.db import transaction

    with transaction.atomic():
        got = [numbering.allocate(county_unit, "assignment", 2026)[1] for _ in range(5)]
        assert numbering.allocate(other, "assignment", 2026)[1] == "〔2026〕交办第1号"
        assert numbering.allocate(county_unit, "assignment", 2027)[1] == "〔2027〕交办第1号"
    assert got == [f"〔2026〕交办第{i}号" for i in range(1, 6)]
    assert LetterCounter.objects.get(bureau=county_unit, kind="assignment", year=2026).last == 5


def test_issue_letter_bad_input_changes_nothing(county, outsider, principal, school, sibling_school, major):
    from safecampus.hazards.models import Hazard

    good = {"kind": "assignment", "hazards": [major.pk], "body": "整改", "deadline": soon()}
    cases = [
        ({**good, "kind": "memo"}, "kind"),
        ({**good, "hazards": ["x"]}, "hazards"),
        ({**good, "hazards": [], "extra_items": ""}, "hazards"),
        ({**good, "body": " "}, "body"),
        ({**good, "deadline": "2020-02-02"}, "deadline"),
        ({**good, "body": "a\x00b"}, "body"),
    ]
    other = Hazard.objects.create(
        **{
            f.name: getattr(major, f.name)
            for f in Hazard._meta.concrete_fields
            if f.name not in ("id", "unit", "unit_path")
        },
        unit=sibling_school,
        unit_path=sibling_school.path,
    )
    cases.append(({**good, "hazards": [other.pk]}, "hazards"))
    for data, field in cases:
        with pytest.raises(Invalid) as exc:
            services.issue_letter(school, actor=county, data=data)
        assert exc.value.field == field, data
    with pytest.raises(PermissionDenied):
        services.issue_letter(school, actor=outsider, data=good)
    with pytest.raises(PermissionDenied):
        services.issue_letter(school, actor=principal, data=good)
    with pytest.raises(Invalid):
        services.issue_letter(Unit.objects.get(code="demo-c1-k1"), actor=county, data=good)
    assert not Letter.objects.exists() and not LetterCounter.objects.filter(last__gt=0).exists()


def test_letter_with_free_text_items_only(make_letter):
    letter = make_letter(extra_items="消防通道堆放杂物\n\n宿舍楼应急照明损坏")
    assert letter.items == ["消防通道堆放杂物", "宿舍楼应急照明损坏"] and letter.hazards.count() == 0


def _pdf() -> SimpleUploadedFile:
    from safecampus.core.pdf import render_pdf  # any small real PDF

    data = render_pdf("supervision/letter_pdf.html", {"letter": None, "rows": []})
    return SimpleUploadedFile("reply.pdf", data, content_type="application/pdf")


def test_reply_review_return_reply_close(
    make_letter, major, principal, county, safety, django_capture_on_commit_callbacks
):
    letter = make_letter(major)
    with django_capture_on_commit_callbacks(execute=True):
        services.act_letter(
            letter, actor=principal, action="reply", data={"text": "已整改"}, attachment=photo_file()
        )
    assert letter.status == LetterStatus.REPLIED and letter.replied_by == principal
    assert letter.reply_file.name.endswith(".jpg") and letter.reply_file_type == "image/jpeg"
    told = Notification.objects.filter(user=county, dedupe_key__startswith=f"letter:{letter.pk}:reply")
    assert told.count() == 1
    with pytest.raises(Invalid):
        services.act_letter(letter, actor=county, action="return", data={"note": ""})
    services.act_letter(letter, actor=county, action="return", data={"note": "缺整改照片"})
    assert letter.status == LetterStatus.RETURNED
    services.act_letter(letter, actor=safety, action="reply", data={"text": "补充照片"}, attachment=_pdf())
    assert letter.reply_count == 2 and letter.reply_file_type == "application/pdf"
    services.act_letter(letter, actor=county, action="close")
    assert letter.status == LetterStatus.CLOSED and letter.reviewed_by == county
    verbs = list(
        AuditEvent.objects.filter(target_id=str(letter.pk), target_type="supervision.letter").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == sorted(
        ["letter.issued", "letter.reply", "letter.return", "letter.reply", "letter.close"]
    )


def test_reply_bad_attachment_changes_nothing(make_letter, major, principal):
    letter = make_letter(major)
    for upload in (
        SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken", content_type="application/pdf"),
        SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
    ):
        with pytest.raises(Invalid):
            services.act_letter(
                letter, actor=principal, action="reply", data={"text": "已整改"}, attachment=upload
            )
    with pytest.raises(Invalid) as exc:
        services.act_letter(letter, actor=principal, action="reply", data={"text": ""})
    assert exc.value.field == "text"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED and not letter.reply_text and not letter.reply_file


def test_compare_and_set(make_letter, major, principal, safety):
    letter = make_letter(major)
    stale = Letter.objects.get(pk=letter.pk)
    services.act_letter(letter, actor=principal, action="reply", data={"text": "一"})
    with pytest.raises(Conflict):
        services.act_letter(stale, actor=safety, action="reply", data={"text": "二"})
    letter.refresh_from_db()
    assert letter.reply_text == "一" and letter.reply_count == 1


def test_interview_and_sanction(county, school, major, outsider):
    today = timezone.localdate()
    interview = records.record_interview(
        school,
        actor=county,
        data={
            "date": today,
            "hazard": major.pk,
            "reason": "重大隐患逾期未整改",
            "people": [{"name": "王建国", "post": "校长"}, {"name": "李明华", "post": "安全办主任"}],
        },
    )
    assert interview.people[1] == {"name": "李明华", "post": "安全办主任"} and interview.hazard == major
    sanction = records.record_sanction(
        school,
        actor=county,
        data={"kind": "penalty", "measure": "取消评优评先资格", "date": today, "text": "拆窗破网整改不到位"},
    )
    records.record_sanction(school, actor=county, data={"kind": "notice", "date": today, "text": "通报批评"})
    assert sanction.bureau.code == "demo-c1-k1"
    bad = [
        (records.record_interview, {"date": today, "reason": "x", "people": []}, "people"),
        (
            records.record_interview,
            {"date": today, "reason": "x", "people": [{"name": "", "post": "校长"}]},
            "people",
        ),
        (
            records.record_interview,
            {"date": today + dt.timedelta(days=1), "reason": "x", "people": [{"name": "王"}]},
            "date",
        ),
        (records.record_interview, {"date": today, "reason": "", "people": [{"name": "王"}]}, "reason"),
        (
            records.record_interview,
            {"date": today, "reason": "x", "people": [{"name": "王"}], "hazard": "abc"},
            "hazard",
        ),
        (records.record_sanction, {"kind": "fine", "date": today, "text": "x"}, "kind"),
        (records.record_sanction, {"kind": "penalty", "date": today, "text": "x"}, "measure"),
        (records.record_sanction, {"kind": "notice", "date": "", "text": "x"}, "date"),
    ]
    for func, data, field in bad:
        with pytest.raises(Invalid) as exc:
            func(school, actor=county, data=data)
        assert exc.value.field == field, data
    with pytest.raises(PermissionDenied):
        records.record_sanction(school, actor=outsider, data={"kind": "notice", "date": today, "text": "x"})
    assert Interview.objects.count() == 1 and Sanction.objects.count() == 2


def test_year_summary_counts_the_area(county, city, outsider, school, make_letter, major, county_unit):
    today = timezone.localdate()
    services.list_hazard(major, actor=county, deadline=soon())
    for _ in range(3):
        make_letter(major)
    make_letter(major, kind="reminder")
    records.record_interview(
        school,
        actor=county,
        data={
            "date": today,
            "reason": "逾期",
            "people": [{"name": "王建国", "post": "校长"}, {"name": "李明华"}],
        },
    )
    for kind, measure in (("penalty", "责令整改"), ("penalty", "取消评优评先"), ("notice", "")):
        records.record_sanction(
            school, actor=county, data={"kind": kind, "measure": measure, "date": today, "text": "x"}
        )
    s = year_summary(county, county_unit)
    assert (s.listed, s.assignment_letters, s.reminder_letters) == (1, 3, 1)
    assert (s.interviews, s.people_interviewed, s.notices, s.penalties, s.schools_penalised) == (
        1,
        2,
        1,
        2,
        1,
    )
    city_unit = Unit.objects.get(code="demo-c1")
    assert year_summary(city, city_unit).assignment_letters == 3  # the city sees its counties' letters
    assert year_summary(outsider, Unit.objects.get(code="demo-c1-k2")).assignment_letters == 0
    assert year_summary(county, county_unit, today.year - 1).assignment_letters == 0
