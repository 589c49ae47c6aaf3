"""The volunteer registry: people, their registrations in programmes, and centre roles."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from centres.models import THAI_COLLATION, Centre, ThaiAddress
from volunteer_centre.identity import format_national_id, format_phone, validate_national_id


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    OTHER = "other", _("other")


class VolunteerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Volunteers with a registration at a centre in ``user``'s scope."""
        from centres.access import scope_for

        scope = scope_for(user)
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(
            Exists(
                Registration.objects.filter(volunteer=OuterRef("pk")).filter(
                    scope.centre_q("centre__")
                )
            )
        )


class Volunteer(ThaiAddress):
    """One real person, identified by a Thai national ID or by a passport and nationality."""

    national_id = models.CharField(
        _("national ID"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, db_collation=THAI_COLLATION)
    last_name = models.CharField(
        _("last name"), max_length=100, blank=True, db_collation=THAI_COLLATION
    )
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=50, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            # Exactly one identity: a national ID, or a passport with its nationality.
            models.CheckConstraint(
                condition=(
                    Q(national_id__isnull=False, passport_number="", nationality="")
                    | Q(national_id__isnull=True)
                    & ~Q(passport_number="")
                    & ~Q(nationality="")
                    & ~Q(name_latin="")
                ),
                name="volunteer_has_exactly_one_identity",
            ),
            models.UniqueConstraint(
                fields=["nationality", "passport_number"],
                condition=~Q(passport_number=""),
                name="volunteer_unique_passport",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in [self.title + self.first_name, self.last_name] if p)

    @property
    def national_id_display(self) -> str:
        return format_national_id(self.national_id or "")

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class Programme(models.TextChoices):
    APM = "apm", _("social development and human security volunteer (อพม.)")
    APS = "aps", _("home-care volunteer for older people (อผส.)")
    APMK = "apmk", _("volunteer for persons with disabilities (อพมก.)")
    MINISTRY = "ministry", _("volunteer of another ministry")
    FOREIGN = "foreign", _("foreign volunteer")
    NETWORK = "network", _("network or จิตอาสา member")


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Registrations at centres in ``user``'s scope."""
        from centres.access import scope_for

        return scope_for(user).filter(self, "centre")

    def active(self):
        return self.filter(status=Registration.Status.ACTIVE)


class Registration(models.Model):
    """A volunteer's enrolment in a programme at a centre. One person may hold several."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        ENDED = "ended", _("ended")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("volunteer"),
    )
    programme = models.CharField(_("programme"), max_length=12, choices=Programme.choices)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("centre")
    )
    number = models.CharField(
        _("registration number"),
        max_length=20,
        blank=True,
        help_text=_("In the Thai form NNNN/BE year, e.g. 0012/2562."),
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    other_ministry = models.CharField(_("ministry"), max_length=200, blank=True)
    # Foreign volunteers
    visa_type = models.CharField(_("visa type"), max_length=50, blank=True)
    visa_expires_on = models.DateField(_("visa expires on"), null=True, blank=True)
    work_permit_number = models.CharField(_("work permit number"), max_length=50, blank=True)
    host_organisation = models.CharField(_("host organisation"), max_length=200, blank=True)
    certifying_agency = models.CharField(_("certifying agency"), max_length=200, blank=True)
    service_starts_on = models.DateField(_("service starts on"), null=True, blank=True)
    service_ends_on = models.DateField(_("service ends on"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                condition=~Q(number=""),
                name="registration_number_unique_in_programme",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("registered_on")),
                name="registration_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["centre", "programme", "status"])]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.number}".strip()


class CentreRole(models.Model):
    """A volunteer's office in a centre's committee. At most one current chair per centre."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        SECRETARY = "secretary", _("secretary")
        COMMITTEE = "committee", _("committee member")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="centre_roles",
        verbose_name=_("volunteer"),
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="volunteer_roles", verbose_name=_("centre")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["centre", "role", "-starts_on"]
        verbose_name = _("centre role")
        verbose_name_plural = _("centre roles")
        constraints = [
            models.UniqueConstraint(
                fields=["centre"],
                condition=Q(role="chair", ends_on__isnull=True),
                name="one_current_chair_per_centre",
                violation_error_message=_("This centre already has a current chair."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="centre_role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.centre}"
