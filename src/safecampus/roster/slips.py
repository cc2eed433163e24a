"""Login slips for the accounts an import created: a printable per-class PDF and an xlsx.

Both are made from the batch's `Credential` list (kept encrypted on the `ImportBatch`). The PDF
comes from a Django template through WeasyPrint: A4, ten slips per page with dashed cut lines,
one section per class starting on a new page. Each slip carries the school, class, name,
username, initial password and a QR code to the login page (`settings.SITE_URL`).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.constants
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from safecampus.core.excel import Sheet, xlsx_bytes
from safecampus.core.pdf import render_pdf, render_pdf_parts

from .importing import Credential
from .models import Guardian, Student

SLIPS_PER_ROW = 2
KIND_LABELS = {
    "student": gettext_lazy("Student"),
    "parent": gettext_lazy("Parent"),
    "staff": gettext_lazy("Staff"),
}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Slip:
    kind: str  # "student", "parent" or "staff"
    name: str
    username: str
    password: str
    login_url: str
    children: list[str] = field(default_factory=list)
    qr: str = ""  # data URI of the QR code

    @property
    def is_parent(self) -> bool:
        return self.kind == "parent"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass
class ClassSlips:
    label: str
    slips: list[Slip]

    @property
    def rows(self) -> list[list[Slip]]:
        return [self.slips[i : i + SLIPS_PER_ROW] for i in range(0, len(self.slips), SLIPS_PER_ROW)]


def css_string(text: str) -> str:
    """A quoted CSS string literal; anything but letters, digits and spaces is hex-escaped."""
    body = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in str(text))
    return mark_safe(f'"{body}"')  # noqa: S308 (every special character is escaped above)


def login_url(username: str) -> str:
    """The login page with the username filled in, for the QR code."""
    return f"{settings.SITE_URL}{reverse('accounts:login')}?{urlencode({'username': username})}"


def qr_data_uri(text: str) -> str:
    """A QR code as a tiny PNG (one pixel per module); the slip scales it up with crisp edges."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    image = Image.new("L", (len(matrix), len(matrix)))
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def children_by_parent(actor: Any, school: Any, usernames: Iterable[str]) -> dict[str, list[str]]:
    """Parent username → names of their children at this school (as the actor may see them)."""
    students = Student.objects.visible_to(actor).filter(unit=school)
    out: dict[str, list[str]] = {}
    links = (
        Guardian.objects.filter(student__in=students, parent__username__in=list(usernames))
        .order_by("student__name")
        .values_list("parent__username", "student__name")
    )
    for username, name in links:
        out.setdefault(username, []).append(name)
    return out


def group_by_class(
    credentials: Iterable[Credential], children: Mapping[str, list[str]] | None = None, *, qr: bool = False
) -> list[ClassSlips]:
    """Classes in order of first appearance; in each, students first, then parents."""
    children = children or {}
    groups: dict[str, list[Slip]] = {}
    for c in credentials:
        url = login_url(c.username)
        slip = Slip(
            kind=c.kind,
            name=c.name,
            username=c.username,
            password=c.password,
            login_url=url,
            children=list(children.get(c.username, [])) if c.kind == "parent" else [],
            qr=qr_data_uri(url) if qr else "",
        )
        groups.setdefault(c.class_label, []).append(slip)
    return [
        ClassSlips(label, sorted(slips, key=lambda s: s.is_parent))  # stable: file order kept
        for label, slips in groups.items()
    ]


def _slips_context(school_name: str, classes: list[ClassSlips]) -> dict[str, Any]:
    return {
        "school_name": school_name,
        "classes": classes,
        "css": {
            "school": css_string(school_name + " · "),
            "title": css_string(_("Login slips")),
            "footer": css_string(_("Keep this slip private. Cut along the dashed lines.")),
        },
    }


def slips_pdf(
    credentials: list[Credential],
    *,
    school_name: str,
    children: Mapping[str, list[str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The printable slips as PDF bytes (rendered in the active language). With `progress`
    (a background job), class by class, reporting after each."""
    classes = group_by_class(credentials, children, qr=True)
    if progress is None:
        return render_pdf("roster/login_slips.html", _slips_context(school_name, classes))
    parts = [_slips_context(school_name, [group]) for group in classes] or [_slips_context(school_name, [])]
    return render_pdf_parts("roster/login_slips.html", parts, progress=progress)


def slips_xlsx(
    credentials: list[Credential], *, school_name: str, children: Mapping[str, list[str]] | None = None
) -> bytes:
    """The same data as an xlsx workbook with one sheet per class."""
    headers = [
        _("School"),
        _("Class or post"),
        _("Account for"),
        _("Name"),
        _("Child"),
        _("Username"),
        _("Initial password"),
        _("Login page"),
    ]
    widths = [24, 14, 12, 14, 18, 26, 16, 50]
    sheets = [
        Sheet(
            title=group.label,
            header=headers,
            widths=widths,
            rows=[
                [
                    school_name,
                    group.label,
                    slip.kind_label,
                    slip.name,
                    "、".join(slip.children),
                    slip.username,
                    slip.password,
                    slip.login_url,
                ]
                for slip in group.slips
            ],
        )
        for group in group_by_class(credentials, children)
    ]
    return xlsx_bytes(sheets or [Sheet(title=_("No new accounts"), header=[], rows=[])])
