"""Abstract models the apps' models share (this app has no tables of its own)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordedModel(models.Model):
    """A row that keeps who recorded it and when: the services fill ``recorded_by`` with the
    acting user, and ``recorded_at`` defaults to the moment the row is made."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True
