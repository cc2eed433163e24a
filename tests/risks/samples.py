"""Risk samples of demo-c1-k1-s1 (made on first use, through the services): a confirmed moderate
point, a confirmed major point with its control plan, a low draft, and a campus plan with an area.
Names carry "东港区" so the tenancy walk notices any leak."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.risks import plans, services
from safecampus.risks.models import PlanArea, RiskPoint

K1_S1 = "demo-c1-k1-s1"
PREFIX = "东港区样本"


def png_bytes(size: tuple[int, int] = (400, 300), colour: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def k1_points() -> dict[str, RiskPoint]:
    school = Unit.objects.get(code=K1_S1)
    existing = {p.name: p for p in RiskPoint.objects.filter(unit=school, name__startswith=PREFIX)}
    if len(existing) >= 3:
        return {"moderate": existing[f"{PREFIX}配电房"], "major": existing[f"{PREFIX}危化品库"],
                "draft": existing[f"{PREFIX}操场"]}  # fmt: skip
    actor = User.objects.get(username="demo_safety")
    principal = User.objects.get(username="demo_principal")
    moderate = services.create_point(
        school, actor=actor, name=f"{PREFIX}配电房", category="utilities", building="后勤楼", floor="1层",
        room="配电房", hazard_factors="线路老化", consequences="触电、火灾", controls="定期检测",
        emergency_measures="切断电源，拨打119", responsible_post="电工", responsible_person=principal,
        method="LEC", factors={"l": 3, "e": 6, "c": 7},
    )  # fmt: skip
    services.change_status(moderate, "confirm", actor=actor)
    major = services.create_point(
        school, actor=actor, name=f"{PREFIX}危化品库", category="laboratory", location="实验楼地下室",
        responsible_post="实验员", method="LEC", factors={"l": 3, "e": 6, "c": 40},
    )  # fmt: skip
    review = timezone.localdate() + dt.timedelta(days=30)
    services.save_control_plan(
        major, actor=actor, measures="双人双锁，专人管理", responsible_person=principal, review_date=review
    )
    services.change_status(major, "confirm", actor=actor)
    draft = services.create_point(
        school, actor=actor, name=f"{PREFIX}操场", category="activities", outdoor_area="操场",
        method="LS", factors={"likelihood": 1, "severity": 2},
    )  # fmt: skip
    return {"moderate": moderate, "major": major, "draft": draft}


def k1_plan() -> PlanArea:
    school = Unit.objects.get(code=K1_S1)
    area = PlanArea.objects.filter(unit=school).first()
    if area is not None:
        return area
    points = k1_points()
    actor = User.objects.get(username="demo_safety")
    plan = plans.upload_plan(
        school, actor=actor, upload=SimpleUploadedFile("p.png", png_bytes()), title="东港区平面图"
    )
    plans.save_layout(
        plan, actor=actor,
        areas=[{"id": None, "name": "东港区后勤区",
                "polygon": [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]}],
        pins=[{"point": points["moderate"].pk, "x": 0.2, "y": 0.2}],
    )  # fmt: skip
    return PlanArea.objects.get(unit=school)


def point_id() -> int:
    return k1_points()["moderate"].pk
