"""Duty-roster samples of demo-c1-k1-s1 for the tenancy walk: the demo rotas, their shifts and the
pending swap (made on first use, through the services)."""

from __future__ import annotations

from safecampus.duty.demo import load_demo_duty
from safecampus.duty.models import Rota, Shift, Swap

K1_S1 = "demo-c1-k1-s1"


def k1_roster() -> None:
    load_demo_duty()


def shift_id() -> int:
    k1_roster()
    return Shift.objects.filter(unit__code=K1_S1).order_by("pk").values_list("pk", flat=True)[0]


def swap_id() -> int:
    k1_roster()
    return Swap.objects.filter(unit__code=K1_S1).order_by("pk").values_list("pk", flat=True)[0]


def rota_id() -> int:
    k1_roster()
    return Rota.objects.filter(unit__code=K1_S1).order_by("pk").values_list("pk", flat=True)[0]
