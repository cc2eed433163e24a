"""Pupils leaving school during school hours (出校) and boarding pupils' leave: one pass per leave.

A pass is asked for by the pupil's head teacher, or by a parent of the pupil to the head teacher,
with a reason and a time window; the head teacher of the pupil's class approves or declines it;
its `code` is what the pass's QR carries; at the gate a guard checks the code, which records the
exit, and a second check of a pass already out records the return. The status moves only along
`exits.workflow.TRANSITIONS`; "expired" is derived (a pending or approved pass whose window has
passed) and never stored (see `exits.status`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class ExitKind(models.TextChoices):
    DAY = "day", _("During school hours")
    BOARDING = "boarding", _("Boarding leave")


class ExitStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("exit pass", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("exit pass", "Approved")
    DECLINED = "declined", pgettext_lazy("exit pass", "Declined")
    OUT = "out", pgettext_lazy("exit pass", "Out of school")
    RETURNED = "returned", pgettext_lazy("exit pass", "Returned")
    CANCELLED = "cancelled", pgettext_lazy("exit pass", "Cancelled")
    # Derived only: a pending or approved pass whose window has passed.
    EXPIRED = "expired", pgettext_lazy("exit pass", "Expired")


class RequestedAs(models.TextChoices):
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    PARENT = "parent", _("Parent")


class ExitPass(ScopedModel):
    """One leave of one pupil: from `window_from` to `window_until`."""

    # The school's gate and managers read the school's passes; head teachers their classes';
    # parents their children's; a pupil their own.
    access = Rule(
        perm=Perm.VIEW_GATE,
        classes="student__school_class__",
        parents="student__guardians__parent",
        own="student__user",
        own_role=Role.STUDENT,
    )

    student = models.ForeignKey(
        "roster.Student", verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="exit_passes"
    )
    kind = models.CharField(
        pgettext_lazy("exit pass", "kind"), max_length=12, choices=ExitKind.choices, default=ExitKind.DAY
    )
    reason = models.CharField(_("reason"), max_length=200)
    window_from = models.DateTimeField(_("from"))
    window_until = models.DateTimeField(_("until"))
    code = models.CharField(_("pass code"), max_length=16, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ExitStatus.choices, default=ExitStatus.PENDING
    )
    requested_by = models.ForeignKey(
        _USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_as = models.CharField(max_length=16, choices=RequestedAs.choices)
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        _USER,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    out_at = models.DateTimeField(_("left at"), null=True, blank=True)
    out_by = models.ForeignKey(
        _USER,
        verbose_name=_("exit recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        _USER,
        verbose_name=_("return recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-window_from", "-id"]
        verbose_name = _("exit pass")
        verbose_name_plural = _("exit passes")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="exit_pass_client_id_once",
            ),
            models.CheckConstraint(
                condition=Q(window_until__gt=models.F("window_from")), name="exit_window_order"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "window_from"]),
            models.Index(fields=["unit", "out_at"]),
            models.Index(fields=["unit", "returned_at"]),
            models.Index(fields=["unit_path", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.window_from:%Y-%m-%d %H:%M}"

    @property
    def code_display(self) -> str:
        """The code as printed and read aloud: two groups of five."""
        return f"{self.code[:5]}-{self.code[5:]}" if len(self.code) == 10 else self.code
