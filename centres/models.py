"""Thailand's geography (DOPA codes, loaded from geothai) and the tree of coordination centres."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.access import ScopedQuerySet

# Thai dictionary order (กา เกาะ แก้ว โกง ไก่ ขวด) comes from ICU, not from the libc locale.
THAI_COLLATION = "th-x-icu"


class Region(models.Model):
    """Bangkok or one of the four regions of national statistics."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_th


class Province(models.Model):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name_th


class District(models.Model):
    """อำเภอ, or เขต in Bangkok."""

    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name_th


class Subdistrict(models.Model):
    """ตำบล, or แขวง in Bangkok."""

    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    name_th = models.CharField(_("Thai name"), max_length=100, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=100)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    # The first postcode; a subdistrict spanning post-office zones lists the others too.
    postcode = models.CharField(_("postcode"), max_length=5)
    postcodes = models.CharField(_("all postcodes"), max_length=60)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name_th


class CentreQuerySet(ScopedQuerySet):
    centre_path = ""

    def active(self):
        """Centres that are open."""
        return self.filter(status=Centre.Status.ACTIVE)


class Centre(models.Model):
    """A volunteer coordination centre; the national centre is the root of the tree."""

    class Level(models.TextChoices):
        NATIONAL = "national", pgettext_lazy("centre level", "national")
        REGIONAL = "regional", pgettext_lazy("centre level", "regional")
        PROVINCIAL = "provincial", pgettext_lazy("centre level", "provincial")
        DISTRICT = "district", pgettext_lazy("centre level", "district")
        SUBDISTRICT = "subdistrict", pgettext_lazy("centre level", "subdistrict or community")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("centre status", "active")
        CLOSED = "closed", pgettext_lazy("centre status", "closed")

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Short code in capitals, used in case numbers (BKN-2562-0001)."),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent centre"),
    )
    name_th = models.CharField(_("Thai name"), max_length=200, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("province"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("district"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("subdistrict"),
    )
    address = models.TextField(_("address"), blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    opening_venue = models.CharField(_("opening venue"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="national") | models.Q(parent__isnull=False),
                name="centre_has_parent_unless_national",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    def clean(self):
        """The place fields must agree: the province follows from the district (filled in when
        left empty) and the district from the subdistrict, so that a supervisor of a province
        sees exactly the centres of its districts."""
        super().clean()
        if self.subdistrict_id:
            if not self.district_id:
                self.district = self.subdistrict.district
            elif self.subdistrict.district_id != self.district_id:
                raise ValidationError(
                    {"subdistrict": _("This subdistrict is not in the chosen district.")}
                )
        if self.district_id:
            if not self.province_id:
                self.province = self.district.province
            elif self.district.province_id != self.province_id:
                raise ValidationError(
                    {"district": _("This district is not in the chosen province.")}
                )


class StaffAssignment(models.Model):
    """Which user works for which part of the centre tree, in which role, from when to when.

    A centre assignment covers that centre and every centre under it; a supervisor may instead
    be assigned a province or a region, covering every centre located there.
    """

    class Role(models.TextChoices):
        MINISTRY_ADMIN = "ministry_admin", _("ministry administrator")
        SUPERVISOR = "supervisor", _("supervisor")
        CHAIR = "chair", _("centre chair")
        STAFF = "staff", _("centre staff")

    user = models.ForeignKey(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="staff_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("centre"),
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("province")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("region")
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="ministry_admin")
                | models.Q(centre__isnull=False)
                | models.Q(province__isnull=False)
                | models.Q(region__isnull=False),
                name="staff_assignment_has_a_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="staff_assignment_ends_after_start",
            ),
            # Chairs and centre staff write at their centre; a province or a region would give
            # them every centre there. Only supervisors (who read only) cover an area.
            models.CheckConstraint(
                condition=models.Q(role__in=["supervisor", "ministry_admin"])
                | models.Q(centre__isnull=False, province__isnull=True, region__isnull=True),
                name="staff_assignment_chair_and_staff_at_a_centre",
            ),
            # A ministry administrator sees everything already; an area would mean nothing.
            models.CheckConstraint(
                condition=~models.Q(role="ministry_admin")
                | models.Q(centre__isnull=True, province__isnull=True, region__isnull=True),
                name="staff_assignment_ministry_admin_has_no_area",
            ),
        ]

    def __str__(self) -> str:
        where = self.centre or self.province or self.region or _("all centres")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self):
        """Say beside the field what the check constraints refuse."""
        super().clean()
        Role = self.Role
        area = {"province": self.province_id, "region": self.region_id}
        if self.role in (Role.CHAIR, Role.STAFF):
            errors = {
                field: _("Only a supervisor may be assigned a whole province or region.")
                for field, value in area.items()
                if value
            }
            if not self.centre_id:
                errors["centre"] = _("A centre chair or centre staff needs a centre.")
            if errors:
                raise ValidationError(errors)
        elif self.role == Role.MINISTRY_ADMIN:
            given = {"centre": self.centre_id, **area}
            errors = {
                field: _("A ministry administrator sees every centre: leave this empty.")
                for field, value in given.items()
                if value
            }
            if errors:
                raise ValidationError(errors)
        elif self.role == Role.SUPERVISOR and not (
            self.centre_id or self.province_id or self.region_id
        ):
            raise ValidationError(_("A supervisor needs a centre, a province or a region."))


class Account(models.Model):
    """What the site keeps about a login beyond Django's user: whether the password was set by
    someone else (a new account, a reset) and must be changed at the next log-in."""

    user = models.OneToOneField(
        "auth.User",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account",
        verbose_name=_("user"),
    )
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_(
            "Set when an administrator gives the password; cleared when the user chooses their own."
        ),
    )
    created_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)


class ThaiAddress(models.Model):
    """A structured Thai address. District and province follow from the subdistrict."""

    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    moo = models.CharField(_("village no. (หมู่ที่)"), max_length=10, blank=True)
    village = models.CharField(_("village or building"), max_length=150, blank=True)
    soi = models.CharField(_("lane (ตรอก/ซอย)"), max_length=150, blank=True)
    road = models.CharField(_("road"), max_length=150, blank=True)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)

    class Meta:
        abstract = True

    def address_text(self) -> str:
        """The address on one line, in the Thai order (select_related the subdistrict chain)."""
        parts = [self.house_number]
        if self.moo:
            parts.append(f"หมู่ {self.moo}")
        parts += [
            self.village,
            f"ซ.{self.soi}" if self.soi else "",
            f"ถ.{self.road}" if self.road else "",
        ]
        if self.subdistrict_id:
            sub = self.subdistrict
            bangkok = sub.district.province_id == "10"
            parts += [
                ("แขวง" if bangkok else "ต.") + sub.name_th,
                sub.district.name_th if bangkok else "อ." + sub.district.name_th,
                sub.district.province.name_th if bangkok else "จ." + sub.district.province.name_th,
            ]
        parts.append(self.postcode or (self.subdistrict.postcode if self.subdistrict_id else ""))
        return " ".join(p for p in parts if p)
