"""Demo responsibility letters (`SAFECAMPUS_DEMO_RESPONSIBILITY`, on by default; the tests turn it
off): the county demo-c1-k1 writes the letter of every post kind (一岗双责, 层层签订); every school
of the county gets its posts from its roles and staff list (plus a vice principal and a canteen
post added by hand at demo-c1-k1-s1); most holders have signed with a drawn signature, the
principals' letters are countersigned by the county, and demo_teacher's letter is still due.
Idempotent: a second run adds nothing."""

from __future__ import annotations

import io
import random
from typing import Any

from django.db import transaction

from safecampus.accounts.models import User
from safecampus.core.models import Unit, UnitKind

from . import services
from .drawing import data_url
from .models import LetterText, Post, PostKind

COUNTY = "demo-c1-k1"
DUE_USERNAME = "demo_teacher"

_COMMON = (
    "三、落实“一岗双责”，做到管业务必须管安全、管岗位必须管安全，本岗位职责范围内的安全工作与业务工作同部署、同检查、同考核。\n"
    "四、按时参加学校组织的安全教育培训和应急疏散演练，熟悉本岗位应急处置流程，发现隐患立即报告并采取临时防护措施，不得瞒报、迟报。\n"
    "五、本责任书自签订之日起至本学年结束有效。责任人岗位或责任书内容变更时，应重新签订。\n"
    "六、责任人未履行本责任书规定职责、造成安全事故的，依照有关规定追究责任，并实行安全工作“一票否决”。"
)

TEXTS: dict[str, tuple[str, str]] = {
    PostKind.PRINCIPAL: (
        "学校安全工作目标责任书（校长）",
        "为全面落实学校安全工作主体责任，按照“党政同责、一岗双责、齐抓共管、失职追责”的要求，"
        "层层签订安全工作责任书，东港区教育局与学校校长签订本责任书。\n"
        "一、校长是学校安全工作第一责任人，对本校安全工作负全面领导责任，每学期至少召开两次安全工作专题会议，研究部署安全工作。\n"
        "二、健全学校安全工作网络，与分管副校长、中层干部、班主任、教职工和保安等岗位逐级签订安全工作责任书，做到全员覆盖、不留空白。\n"
        "三、落实1530安全教育、领导带班和教师值班、护学岗、校园封闭化管理等制度，确保人防、物防、技防达标。\n"
        "四、组织开展开学、节假日前和每月安全隐患排查，建立隐患台账，做到整改措施、责任、资金、时限和预案“五落实”。\n"
        "五、每学期至少组织两次应急疏散演练，完善各类应急预案；发生安全事故时第一时间组织处置并按规定上报教育局。\n"
        "六、本责任书自签订之日起至本学年结束有效，由教育局年终考核，考核结果纳入学校年度综合考评和校长考核。",
    ),
    PostKind.VICE_PRINCIPAL: (
        "分管安全副校长安全工作责任书",
        "为落实“一岗双责”，层层签订安全工作责任书，学校与分管安全工作副校长签订本责任书。\n"
        "一、协助校长抓好学校安全工作，具体负责安全制度建设、安全检查、隐患整改督办和安全工作台账管理。\n"
        "二、每周组织一次校园安全巡查，每月组织一次全面隐患排查，督促各部门按时完成整改并验收销号。\n"
        + _COMMON,
    ),
    PostKind.SAFETY_STAFF: (
        "安全办（专职安全管理人员）安全工作责任书",
        "为落实学校安全工作责任，层层签订安全工作责任书，学校与安全办工作人员签订本责任书。\n"
        "一、负责学校日常安全检查、隐患登记与跟踪、消防设施巡检和安全台账的建立与归档，做到痕迹化管理。\n"
        "二、组织实施安全教育、应急演练和1530安全教育的检查督导，及时向分管领导报告安全工作情况。\n"
        + _COMMON,
    ),
    PostKind.HEAD_TEACHER: (
        "班主任安全工作责任书",
        "为落实“一岗双责”，层层签订安全工作责任书，学校与班主任签订本责任书。\n"
        "一、班主任是本班学生安全教育和管理的直接责任人，每天放学前1分钟、周末放假前5分钟、节假日放假前30分钟开展1530安全教育并如实记录。\n"
        "二、做好学生考勤，学生无故缺勤应在第一节课内联系家长；加强防溺水、交通、防欺凌、心理健康等专题教育，每学期至少召开一次安全主题班会和家长会。\n"
        + _COMMON,
    ),
    PostKind.TEACHER: (
        "教师安全工作责任书",
        "为落实“一岗双责”，层层签订安全工作责任书，学校与任课教师签订本责任书。\n"
        "一、对本人授课、值班和组织活动期间学生的安全负直接责任，上课前清点人数，课堂和实验、体育活动前讲清安全要求。\n"
        "二、按照排班做好教师值班和护学岗工作，课间巡查走廊、楼梯等重点部位，及时制止学生危险行为。\n"
        + _COMMON,
    ),
    PostKind.GUARD: (
        "保安（门卫）安全工作责任书",
        "为落实校园封闭化管理，层层签订安全工作责任书，学校与保安人员签订本责任书。\n"
        "一、严格执行门卫值守和来访人员、车辆登记制度，上学、放学时段在校门口护学岗值守，配齐并规范使用防暴器械。\n"
        "二、按规定路线和时间开展校园巡逻并做好交接班记录，发现可疑人员和突发情况立即处置并报告，必要时一键报警。\n"
        + _COMMON,
    ),
    PostKind.CANTEEN: (
        "食堂食品安全责任书",
        "为保障师生饮食安全，层层签订安全工作责任书，学校与食堂管理人员签订本责任书。\n"
        "一、严格执行食材采购索证索票、进货查验、留样48小时和餐具消毒制度，确保食品来源可追溯。\n"
        "二、落实食堂燃气、用电和消防安全管理，每日开餐前检查，从业人员持健康证上岗，发现食品安全问题立即停止供餐并报告。\n"
        + _COMMON,
    ),
    PostKind.DORMITORY: (
        "宿舍管理安全工作责任书",
        "为保障住宿学生安全，层层签订安全工作责任书，学校与宿舍管理人员签订本责任书。\n"
        "一、落实宿舍24小时值班和就寝点名制度，学生未按时归寝立即报告班主任和值班领导。\n"
        "二、每日检查宿舍用电、消防通道和安全出口，严禁学生使用违规电器，组织每学期宿舍疏散演练。\n"
        + _COMMON,
    ),
    PostKind.DOCTOR: (
        "校医卫生安全工作责任书",
        "为做好学校卫生与健康安全工作，层层签订安全工作责任书，学校与校医签订本责任书。\n"
        "一、负责晨午检、因病缺课追踪登记和传染病防控，发现疫情按规定报告并落实隔离、消毒措施。\n"
        "二、配合食堂做好食品安全和饮用水卫生检查，做好学生意外伤害的现场急救和转送工作。\n" + _COMMON,
    ),
}


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return None


def signature_png(name: str, seed: int) -> bytes:
    """A handwritten-looking signature of `name`: the glyphs slanted and jittered, an underline
    flourish — a real PNG, drawn with Pillow."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)  # noqa: S311 (demo data)
    w, h = 420, 150
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    font = _font(78)
    x = 24
    for ch in name:
        if font is not None:
            glyph = Image.new("RGBA", (110, 120), (255, 255, 255, 0))
            ImageDraw.Draw(glyph).text((8, 0), ch, font=font, fill=(20, 20, 60, 255))
            glyph = glyph.rotate(rnd.uniform(-12, 6), resample=Image.BICUBIC, expand=False)
            img.alpha_composite(glyph, (x, 8 + rnd.randint(-6, 8)))
            x += 78 + rnd.randint(-14, 4)
        else:
            d.line([(x, 100), (x + 30, 30), (x + 60, 95)], fill=(20, 20, 60, 255), width=5)
            x += 70
    pts = [(20, 128), (x * 0.4, 118 + rnd.randint(-6, 6)), (x * 0.8, 124), (min(x + 20, w - 10), 112)]
    d.line(pts, fill=(20, 20, 60, 255), width=4, joint="curve")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _texts(county: Unit, officer: User) -> None:
    for kind, (title, body) in TEXTS.items():
        if not LetterText.objects.filter(unit=county, kind=kind).exists():
            services.write_text(county, actor=officer, kind=kind, title=title, body=body)


def _hand_posts(school: Unit, actor: User, year: int) -> None:
    """Posts without a role of their own, added by hand where the staff list has none."""
    extra = [
        (PostKind.VICE_PRINCIPAL, "demo_schooladmin", "分管安全"),
        (PostKind.CANTEEN, "demo_doctor", "食品安全"),
    ]
    for kind, username, note in extra:
        if Post.objects.filter(unit=school, kind=kind, school_year=year, active=True).exists():
            continue
        user = User.objects.filter(username=username).first()
        if user is not None:
            services.add_post(school, actor=actor, kind=kind, holder=user, year=year, note=note)


def _school_manager(school: Unit) -> User | None:
    """Who keeps the school's posts: its principal (or safety office, administrator)."""
    from safecampus.core.models import Membership
    from safecampus.core.roles import Role

    for role in (Role.PRINCIPAL, Role.SAFETY_STAFF, Role.SCHOOL_ADMIN):
        m = Membership.objects.filter(unit=school, role=role, is_active=True).select_related("user").first()
        if m is not None:
            return m.user
    return None


@transaction.atomic
def load_responsibility_demo() -> None:
    county = Unit.objects.get(code=COUNTY)
    officer = User.objects.get(username="demo_county")
    year = services.current_year()
    _texts(county, officer)
    schools = list(
        Unit.objects.filter(path__startswith=county.path, kind=UnitKind.SCHOOL, is_active=True).order_by(
            "code"
        )
    )
    managers = {school.pk: _school_manager(school) for school in schools}
    for school in schools:
        if managers[school.pk] is not None:
            services.sync_posts(school, year, actor=managers[school.pk])
    s1 = next((s for s in schools if s.code == f"{COUNTY}-s1"), None)
    if s1 is not None and managers[s1.pk] is not None:
        _hand_posts(s1, managers[s1.pk], year)
    posts = list(
        Post.objects.filter(
            unit__in=schools,
            school_year=year,
            active=True,
            current_text__isnull=False,
            current_signature__isnull=True,
        )
        .select_related("holder", "unit")
        .order_by("unit__code", "kind", "id")
    )
    for n, post in enumerate(posts):
        holder = post.holder
        # demo_teacher's letter stays due; so does about one post in nine elsewhere.
        if holder.username == DUE_USERNAME or (n % 9 == 4 and post.kind != PostKind.PRINCIPAL):
            continue
        sig, _ = services.sign(
            post,
            actor=holder,
            signature=data_url(signature_png(holder.display_name, holder.pk)),
            name=holder.display_name,
            client_id=f"demo-{post.pk}",
        )
        if post.kind == PostKind.PRINCIPAL and sig.countersigned_at is None:
            services.countersign(sig, actor=officer)
