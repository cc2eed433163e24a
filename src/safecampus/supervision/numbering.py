"""Letter numbers (文号), e.g. 〔2026〕交办第3号: one sequence per bureau, kind and year, allocated
under a row lock on the counter so two letters issued at once never share a number."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from safecampus.core.models import Unit

from .models import NUMBER_WORD, LetterCounter


def format_number(kind: str, year: int, seq: int) -> str:
    return f"〔{year}〕{NUMBER_WORD[kind]}第{seq}号"


def allocate(bureau: Unit, kind: str, year: int) -> tuple[int, str]:
    """The next (sequence, number). Call inside the transaction that saves the letter: the
    counter row stays locked until it commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside the letter's transaction")
    counter = LetterCounter.objects.select_for_update().filter(bureau=bureau, kind=kind, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent first letter may create it
                LetterCounter.objects.create(bureau=bureau, kind=kind, year=year, last=0)
        except IntegrityError:
            pass
        counter = LetterCounter.objects.select_for_update().get(bureau=bureau, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, format_number(kind, year, counter.last)
