"""The letter as an official document (红头文件): the issuing bureau's name in red over a red rule,
the title, the number, the school as addressee, the items table, the requirements, the reply
deadline, the date and a seal placeholder. HTML through WeasyPrint with the machine's Noto CJK
fonts (core.pdf: nothing fetched)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.models import Unit
from safecampus.core.pdf import render_pdf

from .models import Letter, LetterKind

BUREAU_SUFFIXES = ("局", "厅", "委", "委员会", "处", "Bureau", "Department")


def issuer_name(bureau: Unit) -> str:
    """The bureau as it signs: demo counties are named by their district (东港区 → 东港区教育局)."""
    if bureau.name.endswith(BUREAU_SUFFIXES):
        return bureau.name
    return _("%(name)s Education Bureau") % {"name": bureau.name}


def title(letter: Letter) -> str:
    if letter.kind == LetterKind.ASSIGNMENT:
        return _("Hazard rectification assignment letter")
    return _("Hazard rectification reminder letter")


def letter_context(letter: Letter) -> dict[str, Any]:
    hazards = list(letter.hazards.order_by("pk"))
    rows = [
        {
            "number": h.number,
            "location": h.location,
            "description": h.description,
            "deadline": h.deadline or letter.deadline,
        }
        for h in hazards
    ]
    rows += [
        {"number": "", "location": "", "description": item, "deadline": letter.deadline}
        for item in letter.items
    ]
    issuer = letter.issued_by
    return {
        "letter": letter,
        "issuer": issuer_name(letter.bureau),
        "title": title(letter),
        "rows": rows,
        "contact_name": getattr(issuer, "display_name", "") or letter.bureau.contact_name,
        "contact_phone": letter.bureau.contact_phone,
    }


def letter_pdf(letter: Letter) -> bytes:
    return render_pdf("supervision/letter_pdf.html", letter_context(letter))
