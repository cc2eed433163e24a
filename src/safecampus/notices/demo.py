"""Demo data (idempotent, through the services): the county's drowning-prevention letter to the
parents of demo-c1-k1's primary schools with a signed receipt per child (most confirmed;
demo_parent still to sign for demo_student, and a few of the class with them), demo-c1-k1-s1's
notice to its staff, the city's urgent typhoon warning that every school acknowledged but one
(demo-c1-k1-s3), the warning calendar (policy; one of its drafts made at demo-c1-k1-s1), and the
county's webhook endpoint pointing at the local receiver (`safecampus webhook-receiver`)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404
from django.test.utils import override_settings

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Perm, role_allows
from safecampus.roster.models import Guardian

from . import calendar, receipts, schools, services
from .models import Notice, Receipt

SPACE = uuid.UUID("5b1f8a52-94c4-4d7e-a7b0-6f2c1d9e3a11")
RECEIVER = "http://127.0.0.1:8787/"
SIGNATURE = "M12 40 C 30 8, 48 8, 60 36 S 90 60, 110 22 L 130 34"
NOT_ACKNOWLEDGING = "demo-c1-k1-s3"

LETTER_BODY = (
    "各位家长：\n\n夏季是学生溺水事故的高发期。为切实保障孩子的生命安全，请您务必做到：\n"
    "1. 教育孩子牢记“六不”：不私自下水游泳；不擅自与他人结伴游泳；不在无家长或教师带领的情况下游泳；"
    "不到无安全设施、无救护人员的水域游泳；不到不熟悉的水域游泳；不熟悉水性的学生不擅自下水施救。\n"
    "2. 放学后、周末和节假日掌握孩子的去向，履行好监护责任。\n"
    "3. 远离河道、池塘、水库和建筑工地积水坑。\n\n"
    "请您认真阅读本告知书，与孩子谈一谈，并为每个孩子签署回执。\n\n东港区教育和体育局"
)
STAFF_BODY = (
    "全体教职工：\n\n为做好汛期和暑期前的校园安全工作，学校定于本周开展一次安全隐患全面排查。"
    "请各班主任检查本班教室门窗、电器和疏散通道，安全办负责校舍、围墙和消防设施，"
    "发现隐患当日在系统中登记。请阅读后点击确认。\n\n东港区实验小学"
)
TYPHOON_BODY = (
    "据气象部门预报，今年第9号台风将于48小时内影响我市。请各学校：\n"
    "1. 立即检查校舍、围墙、广告牌和脚手架，加固或拆除松动物品；\n"
    "2. 停止一切户外活动，必要时调整作息或停课；\n"
    "3. 做好寄宿生管理和学生安全返家工作；\n"
    "4. 6小时内在系统中确认收到本预警，并报告已采取的措施。\n\n海州市教育局"
)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _client(name: str) -> str:
    return str(uuid.uuid5(SPACE, name))


def _endpoint() -> None:
    from safecampus.webhooks import services as hooks
    from safecampus.webhooks.models import Endpoint

    county = Unit.objects.get(code="demo-c1-k1")
    if Endpoint.objects.filter(unit=county, url=RECEIVER).exists():
        return
    with override_settings(WEBHOOK_ALLOW_PRIVATE=True):  # the README's receiver on this machine
        hooks.create_endpoint(
            county,
            actor=_user("demo_city"),
            data={
                "url": RECEIVER,
                "events": ["notice.published", "notice.reminder", "hazard.reported", "hazard.closed"],
                "description": "本机测试接收端（safecampus webhook-receiver）",
            },
        )


def _letter() -> Notice:
    county = _user("demo_county")
    notice, _created = services.create_notice(
        county,
        {
            "client_id": _client("letter"),
            "title": "东港区2026年防溺水安全致家长的一封信",
            "body": LETTER_BODY,
            "kind": "parent_letter",
            "confirm": "receipt",
            "signature": True,
            "audience": {"units": ["demo-c1-k1"], "parents": True, "school_types": ["primary"]},
            "calendar_key": "drowning",
            "season": "2026",
        },
    )
    if Receipt.objects.filter(notice=notice).exists():
        return notice
    guardians = (
        Guardian.objects.filter(
            student__unit__path__startswith=notice.unit_path, student__unit__school_type="primary"
        )
        .select_related("parent", "student")
        .order_by("student__school_class_id", "student__name", "pk")
    )
    for index, g in enumerate(guardians):
        if g.parent.username == "demo_parent" or index % 9 == 4:
            if index % 2:
                receipts.mark_read(notice, user=g.parent)  # read, not yet signed
            continue
        try:
            receipts.confirm(notice, user=g.parent, data={"student_id": g.student_id, "signature": SIGNATURE})
        except Http404:  # a parent without the parent role at the school is not addressed
            continue
    return notice


def _staff_notice() -> Notice:
    principal = _user("demo_principal")
    notice, _created = services.create_notice(
        principal,
        {
            "client_id": _client("staff"),
            "title": "关于开展暑期前校园安全隐患排查的通知",
            "body": STAFF_BODY,
            "kind": "notice",
            "confirm": "confirm",
            "audience": {
                "roles": ["head_teacher", "teacher", "safety_staff", "guard", "doctor", "counsellor"]
            },
        },
    )
    return notice


def _answerer(school: Unit) -> User:
    for m in Membership.objects.filter(unit=school, is_active=True).select_related("user").order_by("pk"):
        if role_allows(m.role, Perm.SEND_NOTICES):
            return m.user
    return User.objects.get(username="demo_operator")


def _typhoon() -> Notice:
    notice, created = services.create_notice(
        _user("demo_city"),
        {
            "client_id": _client("typhoon"),
            "title": "关于防御第9号台风的紧急预警",
            "body": TYPHOON_BODY,
            "kind": "warning",
            "confirm": "confirm",
            "ack_hours": 6,
            "require_report": True,
            "audience": {"units": ["demo-c1"], "roles": ["principal", "school_admin", "safety_staff"]},
            "calendar_key": "typhoon",
        },
    )
    if created:
        for school in schools.addressed_schools(notice, notice.unit):
            if school.code == NOT_ACKNOWLEDGING:
                continue
            actor = _answerer(school)
            schools.acknowledge(notice, school, actor=actor)
            if school.code == "demo-c1-k1-s1":
                schools.report(
                    notice,
                    school,
                    actor=actor,
                    text="已检查校舍和围墙，加固广告牌两处，停止户外活动，通知家长按时接送。",
                )
    return notice


def _calendar_draft() -> None:
    school = Unit.objects.get(code="demo-c1-k1-s1")
    if Notice.objects.filter(unit=school).exclude(calendar_key="").exists():
        return
    for proposal in calendar.proposals(school)[:1]:
        services.create_notice(_user("demo_principal"), proposal.draft_data(), unit=school, draft=True)


@transaction.atomic
def load_notices_demo() -> None:
    _endpoint()
    _letter()
    _staff_notice()
    _typhoon()
    _calendar_draft()
