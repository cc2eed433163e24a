"""A bureau's supervision of its schools' hazards (seed 002, Xuchang): listed supervision of a
major hazard (挂牌督办), assignment and reminder letters (交办函 / 提示函) with the school's written
reply, interviews (约谈), and notices and penalties (通报 / 处罚).

Every row belongs to the school it concerns (`unit`, so the school's hazard managers see it and
bureaus see their area by path) and names the issuing `bureau`. Statuses move only through the
services (`supervision.services`, `supervision.records`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

# A bureau's people who view hazards read the records of the schools in their area; at a school,
# the hazard managers (principal, school admin, safety office) read their school's.
SUPERVISION_ACCESS = Rule(perm=Perm.MANAGE_HAZARDS, bureau_perm=Perm.VIEW_HAZARDS)

_USER = settings.AUTH_USER_MODEL


def _person(verbose: str) -> models.ForeignKey:
    return models.ForeignKey(
        _USER, verbose_name=verbose, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


def _bureau() -> models.ForeignKey:
    return models.ForeignKey(
        "core.Unit", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("Listed for supervision")
    LIFTED = "lifted", _("Supervision lifted")


class ListedSupervision(ScopedModel):
    """A major hazard listed for supervision by a bureau (挂牌督办) until it is lifted."""

    access = SUPERVISION_ACCESS

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="listings")
    bureau = _bureau()
    status = models.CharField(
        _("status"), max_length=8, choices=ListingStatus.choices, default=ListingStatus.LISTED
    )
    listed_by = _person(_("listed by"))
    listed_at = models.DateTimeField(_("listed at"))
    deadline = models.DateField(_("deadline"))
    note = models.TextField(_("requirements"), blank=True)
    lifted_by = _person(_("lifted by"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_note = models.TextField(_("note on lifting"), blank=True)

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = _("listed supervision")
        verbose_name_plural = _("listed supervisions")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"], condition=models.Q(status="listed"), name="one_active_listing_per_hazard"
            )
        ]
        # The overview's "nearest deadlines first" of the active listings, without sorting them all
        indexes = [
            models.Index(
                fields=["deadline", "id"], condition=models.Q(status="listed"), name="listing_active_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hazard.number} · {self.bureau}"

    @property
    def is_active(self) -> bool:
        return self.status == ListingStatus.LISTED


class LetterKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment letter")
    REMINDER = "reminder", _("Reminder letter")


# The word in the letter's number, e.g. 〔2026〕交办第3号: official documents are numbered in Chinese.
NUMBER_WORD = {LetterKind.ASSIGNMENT: "交办", LetterKind.REMINDER: "提示"}


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting the school's reply")
    REPLIED = "replied", _("Reply to review")
    RETURNED = "returned", _("Returned for a better reply")
    CLOSED = "closed", pgettext_lazy("letter", "Closed")


OPEN_LETTER_STATUSES = (LetterStatus.ISSUED, LetterStatus.REPLIED, LetterStatus.RETURNED)


class LetterCounter(models.Model):
    """The last number a bureau gave to letters of a kind in a year (row-locked when allocating)."""

    bureau = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year"], name="one_letter_counter_per_bureau_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.kind} {self.year}: {self.last}"


class Letter(ScopedModel):
    """An assignment or reminder letter from a bureau to a school about its hazards."""

    access = SUPERVISION_ACCESS

    bureau = _bureau()
    kind = models.CharField(pgettext_lazy("letter", "kind"), max_length=12, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=40)
    hazards = models.ManyToManyField("hazards.Hazard", related_name="letters", blank=True)
    extra_items = models.TextField(_("other items"), blank=True)
    body = models.TextField(_("requirements"))
    deadline = models.DateField(_("reply by"))
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.ISSUED, db_index=True
    )
    status_changed_at = models.DateTimeField()
    issued_by = _person(_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    reply_text = models.TextField(_("written reply"), blank=True)
    reply_file = models.FileField(upload_to="supervision/replies/%Y/%m/", max_length=255, blank=True)
    reply_file_type = models.CharField(max_length=40, blank=True)
    replied_by = _person(_("replied by"))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_count = models.PositiveSmallIntegerField(default=0)
    reviewed_by = _person(_("reviewed by"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("supervision letter")
        verbose_name_plural = _("supervision letters")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "year", "seq"], name="letter_seq_once_per_bureau"
            ),
            models.UniqueConstraint(fields=["bureau", "number"], name="letter_number_once_per_bureau"),
        ]
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            # The overview's open letters, nearest reply deadline first
            models.Index(
                fields=["deadline"], condition=~models.Q(status="closed"), name="letter_open_deadline"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.extra_items.splitlines() if line.strip()]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LETTER_STATUSES


class Interview(ScopedModel):
    """An interview (约谈) of a school's responsible people by a bureau."""

    access = SUPERVISION_ACCESS

    bureau = _bureau()
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(_("date"))
    people = models.JSONField(_("people interviewed"), default=list)  # [{"name": …, "post": …}]
    reason = models.TextField(_("reason"))
    record = models.TextField(_("record"), blank=True)
    recorded_by = _person(_("recorded by"))
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.date} {self.unit}"


class SanctionKind(models.TextChoices):
    NOTICE = "notice", _("Notice of criticism")
    PENALTY = "penalty", _("Penalty or accountability")


class Sanction(ScopedModel):
    """A notice of criticism (通报批评) or a penalty (处罚 / 问责) decided by a bureau."""

    access = SUPERVISION_ACCESS

    bureau = _bureau()
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(pgettext_lazy("sanction", "kind"), max_length=8, choices=SanctionKind.choices)
    measure = models.CharField(_("measure"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    decided_by = _person(_("decided by"))
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("notice or penalty")
        verbose_name_plural = _("notices and penalties")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"
