"""Partner agencies: where a case is referred to, who gives assistance."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models._common import _trgm
from centres.access import ScopedQuerySet
from centres.models import THAI_COLLATION, District, Province


class AgencyQuerySet(ScopedQuerySet["Agency"]):
    # The partner list is shared reference data: every user with a scope sees all of it.
    centre_path = None

    def active(self):
        return self.filter(active=True)


class Agency(models.Model):
    """A partner a case is referred to, inside the ministry or outside it."""

    class Type(models.TextChoices):
        PROVINCIAL_OFFICE = "provincial_office", _("provincial social development office (พมจ.)")
        MINISTRY_UNIT = "ministry_unit", _("other unit of the ministry")
        PROTECTION_CENTRE = (
            "protection_centre",
            _("protection centre for destitute persons (สถานคุ้มครองคนไร้ที่พึ่ง)"),
        )
        SHELTER = "shelter", _("children and family shelter (บ้านพักเด็กและครอบครัว)")
        HEALTH = "health", _("hospital or health centre")
        POLICE = "police", _("police")
        DISTRICT_OFFICE = "district_office", _("district office")
        LOCAL_GOVERNMENT = "local_government", _("local government")
        SCHOOL = "school", _("school")
        FOUNDATION = "foundation", _("foundation or NGO")
        OTHER = "other", _("other")

    name_th = models.CharField(_("Thai name"), max_length=250, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=250, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    internal = models.BooleanField(
        _("unit of the ministry"),
        default=False,
        help_text=_("Part of the Ministry of Social Development and Human Security."),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("province"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("district"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    active = models.BooleanField(pgettext_lazy("agency", "active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["name_th", "province"],
                nulls_distinct=False,
                name="agency_unique_name_in_province",
                violation_error_message=_("An agency with this name is already recorded here."),
            ),
        ]
        indexes = [GinIndex(_trgm("name_th"), name="agency_name_th_trgm")]

    def __str__(self) -> str:
        return self.name_th
