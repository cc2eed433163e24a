"""Demo province with two cities, four counties and three schools per county."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.db import connection, transaction

from safecampus.accounts.models import User
from safecampus.accounts.services import create_user
from safecampus.core.models import SchoolType, Unit, UnitKind
from safecampus.core.policy import sync_default_policy
from safecampus.core.roles import Role
from safecampus.core.services import create_unit

DEMO_PASSWORD = "Demo@2026"
OPERATOR = "demo_operator"

PROVINCE = ("demo", "东岳省教育厅", "东岳省泉城市历下区文化东路29号", "林国栋", "0531-86900001")
CITIES = [
    ("demo-c1", "海州市教育局", "海州市东港区海曲中路88号", "宋雅琴", "0633-8221001"),
    ("demo-c2", "青岚市教育局", "青岚市岚山区政务服务中心东楼", "高文斌", "0634-6231002"),
]
COUNTIES = {
    "demo-c1": [("demo-c1-k1", "东港区", "东港区北京路66号"), ("demo-c1-k2", "西岭区", "西岭区兴业路12号")],
    "demo-c2": [("demo-c2-k1", "青河区", "青河区滨河大道301号"), ("demo-c2-k2", "临溪县", "临溪县文昌街8号")],
}
SCHOOLS = [
    ("s1", "实验小学", SchoolType.PRIMARY, "学府路1号"),
    ("s2", "第一初级中学", SchoolType.JUNIOR, "育才路17号"),
    ("s3", "阳光幼儿园", SchoolType.KINDERGARTEN, "花园巷5号"),
]

# username, real name, unit code, role, phone
ACCOUNTS: list[tuple[str, str, str, str, str]] = [
    ("demo_province", "黄振华", "demo", Role.BUREAU_ADMIN, "13905310001"),
    ("demo_city", "郑伟", "demo-c1", Role.BUREAU_ADMIN, "13906330002"),
    ("demo_county", "孙志强", "demo-c1-k1", Role.SAFETY_OFFICER, "13906330003"),
    ("demo_county2", "周海涛", "demo-c1-k2", Role.SAFETY_OFFICER, "13906330004"),
    ("demo_principal", "王建国", "demo-c1-k1-s1", Role.PRINCIPAL, "13863310005"),
    ("demo_schooladmin", "马晓燕", "demo-c1-k1-s1", Role.SCHOOL_ADMIN, "13863310006"),
    ("demo_safety", "李明华", "demo-c1-k1-s1", Role.SAFETY_STAFF, "13863310007"),
    ("demo_teacher", "张丽", "demo-c1-k1-s1", Role.HEAD_TEACHER, "13863310008"),
    ("demo_guard", "赵铁柱", "demo-c1-k1-s1", Role.GUARD, "13863310009"),
    ("demo_doctor", "刘芳", "demo-c1-k1-s1", Role.DOCTOR, "13863310010"),
    ("demo_counsellor", "陈静", "demo-c1-k1-s1", Role.COUNSELLOR, "13863310011"),
    ("demo_principal2", "吴晓东", "demo-c1-k2-s1", Role.PRINCIPAL, "13863320012"),
]
# Made by the roster step (safecampus.roster.demo): username, what they are.
ROSTER_ACCOUNTS = [
    ("demo_student", "student of 三年级1班, demo-c1-k1-s1 (head teacher demo_teacher)"),
    ("demo_parent", "parent of demo_student"),
]


def _operator() -> User:
    user = User.objects.filter(username=OPERATOR).first()
    if user is None:
        user = User.objects.create_superuser(OPERATOR, DEMO_PASSWORD, name="平台运维")
    return user


def _unit(actor: User, parent: Unit | None, code: str, name: str, kind: str, **fields) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    if existing:
        return existing
    return create_unit(parent, actor=actor, code=code, name=name, kind=kind, **fields)


@transaction.atomic
def load_region() -> None:
    sync_default_policy()
    op = _operator()
    code, name, address, contact, phone = PROVINCE
    province = _unit(
        op, None, code, name, UnitKind.PROVINCE, address=address, contact_name=contact, contact_phone=phone
    )
    for c_code, c_name, c_address, c_contact, c_phone in CITIES:
        city = _unit(
            op,
            province,
            c_code,
            c_name,
            UnitKind.CITY,
            address=c_address,
            contact_name=c_contact,
            contact_phone=c_phone,
        )
        city_name = c_name.removesuffix("教育局")
        for k_code, k_name, k_address in COUNTIES[c_code]:
            bureau = f"{k_name}教育和体育局" if k_name.endswith("区") else f"{k_name}教育局"
            county = _unit(
                op,
                city,
                k_code,
                bureau,
                UnitKind.COUNTY,
                address=f"{city_name}{k_address}",
                contact_phone=c_phone[:-1] + k_code[-1],
            )
            for s_suffix, s_name, s_type, s_address in SCHOOLS:
                _unit(
                    op,
                    county,
                    f"{k_code}-{s_suffix}",
                    f"{k_name}{s_name}",
                    UnitKind.SCHOOL,
                    school_type=s_type,
                    address=f"{city_name}{k_name}{s_address}",
                    contact_phone=c_phone[:-2] + k_code[-1] + s_suffix[-1],
                )
    for username, real_name, unit_code, role, phone in ACCOUNTS:
        unit = Unit.objects.get(code=unit_code)
        if not User.objects.filter(username=username).exists():
            create_user(
                actor=op,
                unit=unit,
                role=role,
                username=username,
                name=real_name,
                phone=phone,
                password=DEMO_PASSWORD,
            )


def account_lines() -> list[str]:
    lines = [f"  {OPERATOR:<18} operator (Django admin at /admin/)"]
    for username, real_name, unit_code, role, _phone in ACCOUNTS:
        lines.append(f"  {username:<18} {Role(role).label} · {unit_code} · {real_name}")
    for username, what in ROSTER_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            lines.append(f"  {username:<18} {what}")
    return lines


def published_password_accounts() -> list[str]:
    """Active demo accounts (the operator first) that still have the published demo password.

    Safe to call before migrations (no accounts table: none). The hash is only checked, never
    upgraded or saved."""
    if User._meta.db_table not in connection.introspection.table_names():
        return []
    names = [OPERATOR, *(a[0] for a in ACCOUNTS), *(a[0] for a in ROSTER_ACCOUNTS)]
    rows = User.objects.filter(username__in=names, is_active=True).values_list("username", "password")
    found = {username for username, hashed in rows if check_password(DEMO_PASSWORD, hashed)}
    return [name for name in names if name in found]
