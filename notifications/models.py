"""One e-mail to one person (a user, or an address that is not a user), kept after it is
sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tokens import LINK_PLACEHOLDER, MASK, TOKEN_PLACEHOLDER

from .enums import NotificationKind, NotificationState


class NotificationQuerySet(models.QuerySet):
    def staged(self) -> NotificationQuerySet:
        return self.filter(state=NotificationState.STAGED)


class Notification(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=NotificationState.choices,
        default=NotificationState.QUEUED,
    )
    # None for a message to an address that is not a user (a survey's customer).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    # The address when the message was written: a later change of address does not
    # rewrite what was sent.
    to_address = models.EmailField(_("e-mail address"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # Small text attachments (an iCalendar event): [{"name", "content_type", "content"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    about = models.CharField(_("about"), max_length=200, blank=True)
    link = models.CharField(_("page"), max_length=300, blank=True)
    # A link that carries a secret (core.tokens): `link` holds {token} and the body {link};
    # the token is derived from this nonce only when the message is sent, so the outbox
    # shows the link masked and the database never holds it.
    link_nonce = models.CharField(_("secret link"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("delivery error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values), name="notification_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=NotificationState.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient or self.to_address}"

    @property
    def masked_link(self) -> str:
        """The link as the outbox shows it: a secret token masked."""
        return self.link.replace(TOKEN_PLACEHOLDER, MASK)

    @property
    def shown_body(self) -> str:
        """The body as the outbox shows it: a secret link masked."""
        if not self.link_nonce:
            return self.body
        return self.body.replace(LINK_PLACEHOLDER, self.masked_link)

    @property
    def recipient_name(self) -> str:
        if self.recipient is None:
            return ""
        return self.recipient.get_full_name() or self.recipient.username
