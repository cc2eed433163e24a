"""Responsibility letters (安全工作责任书): texts per post kind, the posts of a school year and
their holders' signatures.

- `LetterText`: one version of the letter for a post kind, written by a bureau or a school (its
  `unit`, the owner). Versions never change: editing writes a new version (`number` + 1) with the
  sha256 of its title and body. The text that applies to a post is the newest *published*
  version for its kind from the nearest owner (a school's own overrides its county's, the county
  the city's, the city the province's).
- `Post`: a post of a school in a school year (academic year, `schoolcal.calendar.academic_year`)
  and its holder. Posts come from the school's roles (`services.sync_posts`) or are added by hand
  for kinds without a role (vice principal, canteen, dormitory). `current_text` (the version that
  applies now) and `current_signature` (the holder's signature of it, if any) are kept by the
  services, so the status and the statistics read one row.
- `Signature`: the holder's signature of one version: the drawn signature (PNG), the typed name,
  the time, the text's hash, and the signed letter as PDF with its sha256. The principal's
  letter is countersigned by the county (`countersigned_by/at`).

A signature is due when the post's current holder has not signed the version that applies now:
so a new version of the text, or a new holder, asks for a new signature.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule, memberships
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class PostKind(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (signs with the bureau)")
    VICE_PRINCIPAL = "vice_principal", _("Vice principal")
    SAFETY_STAFF = "safety_staff", _("Safety office")
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    TEACHER = "teacher", _("Teacher")
    GUARD = "guard", _("Security guard")
    CANTEEN = "canteen", _("Canteen")
    DORMITORY = "dormitory", _("Dormitory management")
    DOCTOR = "doctor", _("School doctor")


# Roles whose holders are a post of that kind (`sync_posts`).
ROLE_KINDS: dict[str, str] = {
    Role.PRINCIPAL: PostKind.PRINCIPAL,
    Role.SAFETY_STAFF: PostKind.SAFETY_STAFF,
    Role.HEAD_TEACHER: PostKind.HEAD_TEACHER,
    Role.TEACHER: PostKind.TEACHER,
    Role.GUARD: PostKind.GUARD,
    Role.DOCTOR: PostKind.DOCTOR,
}
# Posts of the staff list (roster) as written → kind, for kinds without a role of their own.
STAFF_POST_KINDS: dict[str, str] = {
    "副校长": PostKind.VICE_PRINCIPAL,
    "副园长": PostKind.VICE_PRINCIPAL,
    "食堂": PostKind.CANTEEN,
    "食堂管理员": PostKind.CANTEEN,
    "宿管": PostKind.DORMITORY,
    "宿舍管理": PostKind.DORMITORY,
    "宿舍管理员": PostKind.DORMITORY,
}
HAND_KINDS = (PostKind.VICE_PRINCIPAL, PostKind.CANTEEN, PostKind.DORMITORY)


class PostSource(models.TextChoices):
    ROLE = "role", _("From the school's roles")
    STAFF_LIST = "staff_list", _("From the staff list")
    HAND = "hand", _("Added by hand")


def text_hash(title: str, body: str) -> str:
    """sha256 of a letter's title and body (the content a signature is bound to)."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def _published_above(user) -> Q:
    """Published texts of the units above (or at) the user's schools: what applies to them."""
    paths: set[str] = set()
    for m in memberships(user, Perm.SIGN_LETTERS, bureau=False):
        paths.update([*m.unit.ancestor_paths(), m.unit.path])
    if not paths:
        return Q(pk__in=[])
    return Q(published_at__isnull=False, unit_path__in=sorted(paths))


class LetterText(ScopedModel):
    """One version of a post kind's letter, written by its owner unit (`unit`)."""

    access = Rule(perm=Perm.VIEW_DUTIES, extra=(_published_above,))

    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    content_hash = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-number"]
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "number"], name="resp_text_version_once"),
        ]
        indexes = [models.Index(fields=["unit_path", "kind", "published_at"])]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def hash_matches(self) -> bool:
        return self.content_hash == text_hash(self.title, self.body)


class Post(ScopedModel):
    """A post of a school (`unit`) in a school year, and who holds it."""

    access = Rule(perm=Perm.VIEW_DUTIES, own="holder")

    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    holder = models.ForeignKey(_USER, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField(_("school year"))
    active = models.BooleanField(default=True)
    source = models.CharField(max_length=12, choices=PostSource.choices, default=PostSource.ROLE)
    note = models.CharField(_("note"), max_length=60, blank=True)
    current_text = models.ForeignKey(
        LetterText, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_signature = models.ForeignKey(
        "Signature", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "holder", "school_year"],
                condition=Q(active=True),
                name="resp_post_once_per_holder",
            )
        ]
        indexes = [models.Index(fields=["unit_path", "school_year", "active"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.holder}"

    @property
    def required(self) -> bool:
        return self.active and self.current_text_id is not None

    @property
    def signed(self) -> bool:
        return self.required and self.current_signature_id is not None

    @property
    def status(self) -> str:
        if not self.required:
            return "none"
        return "signed" if self.current_signature_id else "due"


class Signature(ScopedModel):
    """A holder's signature of one version of their post's letter."""

    access = Rule(perm=Perm.VIEW_DUTIES, own="holder")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="signatures")
    holder = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    text = models.ForeignKey(LetterText, on_delete=models.PROTECT, related_name="signatures")
    text_hash = models.CharField(max_length=64)
    drawing = models.BinaryField(editable=False)  # the drawn signature, PNG bytes (checked, ≤ 200 KB)
    typed_name = models.CharField(pgettext_lazy("signer", "name"), max_length=40)
    signed_at = models.DateTimeField(_("signed"))
    client_id = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="responsibility/%Y/%m/", max_length=200)
    pdf_sha256 = models.CharField(max_length=64)
    countersigned_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_at = models.DateTimeField(_("countersigned"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["post", "holder", "text"], name="resp_sign_once_per_version"),
            models.UniqueConstraint(
                fields=["holder", "client_id"], condition=~Q(client_id=""), name="resp_sign_client_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} · {self.text}"


from .stats_models import LetterCell, LetterDelta  # noqa: E402,F401  (the letters roll-up)
