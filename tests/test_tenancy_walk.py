"""The tenancy walk (DESIGN invariant 1): every URL pattern and every API route, requested by a
user of the sibling tenant for objects of demo-c1-k1, is refused and shows none of its data.

Routes are discovered from the URL resolver, so new modules are walked without editing this
file. A route whose parameter has no sample fails the test: register one in PARAM_SAMPLES
(by parameter name) or SEGMENT_SAMPLES (by the path segment before a generic `{id}`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from safecampus.accounts.auth import issue_token
from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.roster.models import Grade, Guardian, ImportBatch, SchoolClass, StaffPost, Student
from safecampus.roster.runner import run_import_bytes
from tests.roster.factories import csv_bytes, student_rows

from .checks import samples as checks
from .defence import samples as defence
from .duty import samples as duty
from .exits import samples as exits
from .fire import samples as fire
from .guards import samples as guards
from .hazards import samples as hazards
from .notices import samples as notices
from .patrols import samples as patrols
from .pickups import samples as pickups
from .responsibility import samples as responsibility
from .risks import samples as risks
from .roster.samples import ensure_k1_roster, k1_batch_id, k1_student_id
from .supervision import samples as supervision
from .talks import samples as talks
from .termplan import samples as termplan
from .training import walk_samples as training
from .training.manage_samples import k1_content
from .visitors import samples as visitors
from .webhooks import samples as webhooks

# Words that appear only in demo-c1-k1's data: its units and people.
MARKERS = [
    "东港区",
    "demo-c1-k1",
    "王建国",
    "马晓燕",
    "李明华",
    "张丽",
    "赵铁柱",
    "刘芳",
    "陈静",
    "孙志强",
    "13863310005",
    "13906330003",
    "欧阳晓岚",  # a student of demo-c1-k1-s1 (see roster_samples)
    "欧阳振东",  # her parent
    "样本转学生",  # the sample transfer's student (below)
]

SKIP_PREFIXES = ("admin/", "i18n/", "jsi18n/", "static/", "media/")


def _unit(code: str) -> Callable[[], int]:
    return lambda: Unit.objects.get(code=code).pk


def _user(username: str) -> Callable[[], int]:
    return lambda: User.objects.get(username=username).pk


def _transfer() -> int:
    """A transfer request from demo-c1-k1-s1 to demo-c1-k1-s2 (made on first use)."""
    from safecampus.roster.models import Grade, SchoolClass, Student, TransferRequest

    school, to = Unit.objects.get(code="demo-c1-k1-s1"), Unit.objects.get(code="demo-c1-k1-s2")
    tr = TransferRequest.objects.filter(unit=school).first()
    if tr is None:
        grade, _ = Grade.objects.get_or_create(
            unit=school, unit_path=school.path, school_year=2026, level=3, defaults={"name": "三年级"}
        )
        klass, _ = SchoolClass.objects.get_or_create(
            grade=grade, number=9, defaults={"unit": school, "unit_path": school.path, "name": "9班"}
        )
        student = Student.objects.create(
            unit=school, unit_path=school.path, name="样本转学生", gender="F", school_class=klass
        )
        tr = TransferRequest.objects.create(
            unit=school, unit_path=school.path, student=student, from_class=klass, to_school=to,
            requested_by_school=school,
        )  # fmt: skip
    return tr.pk


def _classroom_session() -> int:
    """A classroom session of the sample class of demo-c1-k1-s1 playing the k1 sample lesson."""
    from django.utils import timezone

    from safecampus.training.models import ClassroomSession, Lesson

    klass = SchoolClass.objects.filter(unit__code=K1_S1).first()
    assert klass is not None, "roster_sample() should have created it"
    session = ClassroomSession.objects.filter(school_class=klass).first()
    if session is None:
        session = ClassroomSession.objects.create(
            unit=klass.unit,
            unit_path=klass.unit_path,
            school_class=klass,
            lesson=Lesson.objects.get(pk=training.lesson_id()),
            started_at=timezone.now(),
        )
    return session.pk


def _notification() -> int:
    """A reminder to demo-c1-k1-s1's principal (made on first use, through the inbox service)."""
    from safecampus.inbox.models import Notification, NotificationKind
    from safecampus.inbox.services import notify

    principal = User.objects.get(username="demo_principal")
    note = Notification.objects.filter(user=principal).first()
    if note is None:
        school = Unit.objects.get(code=K1_S1)
        notify([principal], kind=NotificationKind.MESSAGE, title="东港区 王建国", unit=school,
               link="/training/compliance/?unit=demo-c1-k1-s1", dedupe_key="tenancy-walk")  # fmt: skip
        note = Notification.objects.get(user=principal, dedupe_key="tenancy-walk")
    return note.pk


def _job() -> int:
    """A finished background document of demo-c1-k1-s1's principal (its owner only may read it)."""
    from django.core.files.base import ContentFile

    from safecampus.core.job_models import JobStatus, RenderJob

    principal, school = User.objects.get(username="demo_principal"), Unit.objects.get(code=K1_S1)
    job = RenderJob.objects.filter(owner=principal).first()
    if job is None:
        job = RenderJob(
            owner=principal, unit=school, unit_path=school.path, kind="roster.slips", title="登录条 · 样本",
            status=JobStatus.DONE, progress=100, filename="sample.pdf",
        )  # fmt: skip
        job.file.save("sample.pdf", ContentFile(b"%PDF-1.4 sample"), save=False)
        job.save()
    return job.pk


def _first(qs) -> Callable[[], int]:
    """The first row of a demo-c1-k1-s1 roster queryset (see `roster_sample`)."""

    def sample() -> int:
        obj = qs().first()
        assert obj is not None, "roster_sample() should have created it"
        return obj.pk

    return sample


K1_S1 = "demo-c1-k1-s1"

# Parameter name → a sample object id that belongs to demo-c1-k1.
PARAM_SAMPLES: dict[str, Callable[[], object]] = {
    "unit_id": _unit(K1_S1),
    "user_id": _user("demo_principal"),
    "membership_id": lambda: Membership.objects.get(user__username="demo_principal").pk,
    "grade_id": _first(lambda: Grade.objects.filter(unit__code=K1_S1)),
    "class_id": _first(lambda: SchoolClass.objects.filter(unit__code=K1_S1)),
    "student_id": k1_student_id,
    "post_id": _first(lambda: StaffPost.objects.filter(unit__code=K1_S1)),
    "batch_id": k1_batch_id,
    "field": lambda: "id_card",
    "transfer_id": _transfer,
    "campaign_id": training.campaign_id,
    "course_id": training.course_id,
    "lesson_id": training.lesson_id,
    "quiz_id": training.quiz_id,
    "attempt_id": training.attempt_id,
    "certificate_id": training.certificate_id,
    # content management and media (tests/training/manage_samples.py)
    "question_id": lambda: k1_content()["question_id"],
    "image_id": lambda: k1_content()["image_id"],
    "part": lambda: "file",
    # inbox (the compliance pages' person record uses `user_id` above)
    "notification_id": _notification,
    # risks (tests/risks/samples.py): a confirmed moderate point of demo-c1-k1-s1
    "point_id": risks.point_id,
    # hazards (tests/hazards/samples.py): a reported hazard of demo-c1-k1-s1 with a photo
    "hazard_id": hazards.hazard_id,
    "photo_id": hazards.photo_id,
    "kept_id": hazards.kept_id,
    # supervision (tests/supervision/samples.py): a listed major hazard of demo-c1-k1-s1 with a letter
    "listing_id": supervision.listing_id,
    "letter_id": supervision.letter_id,
    # patrols (tests/patrols/samples.py): demo-c1-k1-s1's demo route and its first checkpoint
    "route_id": patrols.route_id,
    "checkpoint_id": patrols.checkpoint_id,
    # fire equipment (tests/fire/samples.py): a device of demo-c1-k1-s1 with a failed, photographed check
    "device_id": fire.device_id,
    "check_id": fire.check_id,
    "fire_photo_id": fire.fire_photo_id,
    "device_code": fire.device_code,
    # webhooks (tests/webhooks/samples.py): the county's endpoint
    "endpoint_id": webhooks.endpoint_id,
    # guards (tests/guards/samples.py): a contracted guard of demo-c1-k1-s1 with a company
    "guard_id": guards.guard_id,
    # background documents (core.render_jobs): a finished job of demo_principal
    "job_id": _job,
    # checks (tests/checks/samples.py): demo-c1-k1-s1's adapted canteen check and a check photo
    "template_id": checks.template_id,
    "check_photo_id": checks.check_photo_id,
    "task_id": checks.task_id,
    "schedule_id": checks.schedule_id,
    # term plans (tests/termplan/samples.py): demo-c1-k1-s1's plan of the current term
    "term_plan_id": termplan.term_plan_id,
    "plan_item_id": termplan.plan_item_id,
    "month_theme_id": termplan.month_theme_id,
    # duty rosters (tests/duty/samples.py): demo-c1-k1-s1's demo rotas, a shift and the pending swap
    "shift_id": duty.shift_id,
    "swap_id": duty.swap_id,
    "rota_id": duty.rota_id,
    # responsibility letters (tests/responsibility/samples.py): demo_teacher's post, the principal's signature
    "letter_post_id": responsibility.letter_post_id,
    "signature_id": responsibility.signature_id,
    # 1530 talks (tests/talks/samples.py): a talk of demo-c1-k1-s1 with a photo
    "talk_id": talks.talk_id,
    "letter_text_id": responsibility.letter_text_id,
    # visitors (tests/visitors/samples.py): a visit of demo-c1-k1-s1 checked in, a watch-list entry;
    # the public booking token and pass code are nobody's (their holders read them by design)
    "visit_id": visitors.visit_id,
    "entry_id": visitors.entry_id,
    "token": visitors.token,
    "code": visitors.code,
    # defence equipment (tests/defence/samples.py): a camera of demo-c1-k1-s1 with a failed, photographed test
    "equipment_id": defence.equipment_id,
    "equipment_test_id": defence.equipment_test_id,
    # exit passes (tests/exits/samples.py): an approved pass of a pupil of demo-c1-k1-s1
    "exit_id": exits.exit_id,
    # pickups (tests/pickups/samples.py): a person a parent of demo-c1-k1-s1 authorised, with a photo
    "person_id": pickups.person_id,
    # notices (tests/notices/samples.py): the county's letter to demo-c1-k1's parents, with a receipt
    "notice_id": notices.notice_id,
}
# Path segment before a generic parameter (`units/{id}`) → sample.
SEGMENT_SAMPLES: dict[str, Callable[[], object]] = {
    "units": _unit(K1_S1),
    "users": _user("demo_principal"),
    "people": _user("demo_principal"),
}
# (path segment, parameter name) → sample, where a parameter name means another object there.
PAIR_SAMPLES: dict[tuple[str, str], Callable[[], object]] = {
    ("parents", "user_id"): lambda: Guardian.objects.filter(student__unit__code=K1_S1).first().parent_id,
    ("classroom", "session_id"): _classroom_session,
    # a statistics person: a teacher, one of the people the k1 campaign's staff course is for
    ("person", "user_id"): _user("demo_teacher"),
}

STAFF_CSV = "姓名,手机,岗位,年级,班级\r\n张丽,13863310008,班主任,一年级,1班\r\n王晓梅,13863319901,宿管,,\r\n"


def roster_sample() -> None:
    """demo-c1-k1-s1 gets students with parents, classes and staff posts, through the import
    service, unless the demo already has them."""
    school = Unit.objects.get(code=K1_S1)
    operator = User.objects.get(username="demo_operator")
    if not Guardian.objects.filter(student__unit=school).exists():
        data = csv_bytes(student_rows(4, grade="三年级", seed=41, phone_base=13700000000, year=2017))
        assert run_import_bytes(school, data, kind="students", dry_run=False, actor=operator)["ok"]
    if not StaffPost.objects.filter(unit=school).exists():
        data = STAFF_CSV.encode("gbk")
        assert run_import_bytes(school, data, kind="staff", dry_run=False, actor=operator)["ok"]


def _walk(patterns, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def all_routes() -> list[str]:
    routes = sorted(set(_walk(get_resolver().url_patterns)))
    return [r for r in routes if not r.startswith(SKIP_PREFIXES)]


PARAM_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def fill(route: str) -> tuple[str, bool]:
    """Concrete path for a route pattern, and whether it names an object."""
    has_object = False

    def sub(m: re.Match) -> str:
        nonlocal has_object
        has_object = True
        name = m.group("name")
        before = route[: m.start()].rstrip("/").rsplit("/", 1)[-1]
        sample = PAIR_SAMPLES.get((before, name)) or PARAM_SAMPLES.get(name) or SEGMENT_SAMPLES.get(before)
        if sample is None:
            pytest.fail(f"tenancy walk: no sample for <{name}> in {route!r}; add one to PARAM_SAMPLES")
        return str(sample())

    path = "/" + PARAM_RE.sub(sub, route.lstrip("^").rstrip("$"))
    return path.replace("\\", ""), has_object


def _assert_no_markers(body: str, where: str) -> None:
    leaked = [m for m in MARKERS if m in body]
    assert not leaked, f"{where} leaked {leaked}"


@pytest.fixture
def roster_samples(demo, settings, tmp_path) -> None:
    """A class, a student with a parent, and an import batch in demo-c1-k1-s1, made through the
    import service (before the walk counts events) when the demo has none."""
    from tests.roster.factories import student_rows
    from tests.roster.ui import import_students

    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code="demo-c1-k1-s1")
    if Student.objects.filter(unit=school).exists() and ImportBatch.objects.filter(unit=school).exists():
        return
    rows = student_rows(1, grade="一年级", phone_base=13512340000)
    rows[0][2], rows[0][6] = "欧阳晓岚", "欧阳振东"
    import_students(school, User.objects.get(username="demo_principal"), rows)


def test_walk_discovers_routes(demo):
    routes = all_routes()
    assert any(r.startswith("api/v1/") for r in routes)
    assert "org/units/<int:unit_id>/" in routes


@pytest.mark.parametrize("outsider_name", ["demo_county2", "demo_principal2"])
def test_outsider_walk(demo, roster_samples, outsider_name):
    ensure_k1_roster()  # roster samples exist before the walk counts events
    roster_sample()
    training.k1_campaign()
    k1_content()
    risks.k1_plan()  # risk points, a control plan, a campus plan with an area
    hazards.k1_hazard()  # a reported hazard with a photo
    checks.check_photo_id()  # a check photo of demo-c1-k1-s1
    checks.task_id()  # a check schedule of demo-c1-k1-s1 and its task open today
    supervision.k1_listing(), supervision.k1_letter()  # a listed major hazard and a replied letter
    fire.k1_check()  # a fire device with a failed, photographed check
    guards.k1_guard()  # a contracted guard and the school's security company
    defence.k1_test()  # defence equipment with a failed, photographed test; closed management confirmed
    pickups.k1_person()  # an authorised pickup person with a photo, a refused pickup
    termplan.term_plan_id()  # demo-c1-k1-s1's term plan of the current term
    duty.k1_roster()  # duty rotas, shifts handed over, a swap waiting
    talks.talk_id()  # a recorded 1530 talk (made before the walk counts events)
    responsibility.k1_letters()  # letter texts, posts and the principal's signed letter
    webhooks.endpoint_id()  # the county's webhook endpoint
    visitors.k1_visit(), visitors.k1_entry()  # a visit checked in and a watch-list entry
    exits.k1_pass()  # an approved exit pass of a pupil of demo-c1-k1-s1
    notices.k1_notice()  # the county's letter to its parents, with a receipt
    outsider = User.objects.get(username=outsider_name)
    web = Client(raise_request_exception=False)
    web.force_login(outsider)
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {issue_token(outsider)}")
    events_before = AuditEvent.objects.count()
    units_before = list(Unit.objects.order_by("pk").values_list("pk", "name", "is_active", "path"))
    checked = 0
    for route in all_routes():
        path, has_object = fill(route)
        client = api if route.startswith("api/") else web
        for method in ("get", "post", "patch", "delete"):
            if method in ("patch", "delete") and not route.startswith("api/"):
                continue
            kwargs = {"content_type": "application/json", "data": "{}"} if method != "get" else {}
            web.force_login(outsider)  # the walk includes the logout route
            resp = getattr(client, method)(path, **kwargs)
            where = f"{method.upper()} {path} as {outsider_name}"
            assert resp.status_code < 500, f"{where} → {resp.status_code}"
            raw = b"".join(resp.streaming_content) if resp.streaming else resp.content
            body = raw.decode("utf-8", "replace")
            _assert_no_markers(body, where)
            if has_object:
                assert resp.status_code in (403, 404, 405), f"{where} → {resp.status_code} (expected refusal)"
            checked += 1
    assert checked > 20
    # Nothing changed: no new events about demo-c1-k1, units untouched.
    new_events = AuditEvent.objects.filter(pk__gt=0).order_by("-id")[
        : AuditEvent.objects.count() - events_before
    ]
    k1 = Unit.objects.get(code="demo-c1-k1")
    assert not [e for e in new_events if e.unit and e.unit.path.startswith(k1.path)]
    assert list(Unit.objects.order_by("pk").values_list("pk", "name", "is_active", "path")) == units_before


def test_outsider_sees_no_k1_in_lists(client_for, outsider, roster_samples):
    c = client_for(outsider)
    for url in (
        "/",
        "/org/",
        "/org/?q=东港",
        "/org/?q=demo",
        "/people/",
        "/people/?q=王",
        "/audit/",
        "/audit/?q=东港",
        "/roster/",
        "/roster/?q=东港",
        "/roster/my-class/",
        "/roster/my-children/",
    ):
        resp = c.get(url)
        assert resp.status_code in (200, 403), url
        _assert_no_markers(resp.content.decode(), url)


def test_admin_is_for_operators_only(client_for, outsider, operator):
    resp = client_for(outsider).get("/admin/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]
    assert client_for(operator).get("/admin/").status_code == 200
