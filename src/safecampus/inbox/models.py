"""Notifications: one row per recipient.

The text is stored as its untranslated message (`title`, `body`: msgids marked with
`gettext_noop` where they are written) plus `params`, and rendered in the reader's language
when shown: users carry no language preference, and one reminder may be read in Chinese on a
phone and in English on an office PC. `dedupe_key` is unique per recipient, so the same
reminder for the same period is stored once however often the job runs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from safecampus.core.scoping import ScopedModel


class NotificationKind(models.TextChoices):
    TRAINING_BEHIND = "training_behind", _("Training behind")
    TRAINING_DIGEST = "training_digest", _("Training compliance of your people")
    CHILD_TRAINING = "child_training", _("Your child's training")
    HAZARD = "hazard", _("Hazard")
    MESSAGE = "message", _("Message")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """A person's own notifications, and nobody else's (not even a manager's)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(ScopedModel):
    """A message to one user, about something at `unit`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(
        pgettext_lazy("notification", "kind"), max_length=20, choices=NotificationKind.choices
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="uniq_notification_dedupe",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title[:60]}"

    def _render(self, text: str) -> str:
        if not text:
            return ""
        translated = gettext(text)
        try:
            return translated % self.params if self.params else translated
        except (KeyError, TypeError, ValueError):  # a catalogue out of step never breaks the inbox
            return text % self.params if self.params else text

    @property
    def title_text(self) -> str:
        return self._render(self.title)

    @property
    def body_text(self) -> str:
        return self._render(self.body)
