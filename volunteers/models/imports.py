"""The record of volunteer files imported through the admin."""

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.access import Scope, ScopedQuerySet


class VolunteerImportQuerySet(ScopedQuerySet["VolunteerImport"]):
    def in_scope(self, scope: Scope, user) -> Self:
        """A user has the imports they made; a ministry administrator has all."""
        if scope.sees_all:
            return self
        if scope.is_empty or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class VolunteerImport(models.Model):
    """One upload of a volunteer file through the admin: previewed, then saved (or not).

    The file is kept in the database between the preview and the confirmation, so that any app
    server can finish what another started; it is dropped once the import has run.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        DONE = "done", _("imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    partial = models.BooleanField(_("valid rows only"), default=False)
    report = models.JSONField(_("report"), default=dict, editable=False)
    rejects = models.BinaryField(_("rejected rows"), blank=True, editable=False)

    objects = VolunteerImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("volunteer import")
        verbose_name_plural = _("volunteer imports")

    def __str__(self) -> str:
        return self.file_name
