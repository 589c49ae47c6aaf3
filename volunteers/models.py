"""The volunteer registry: people, their registrations in programmes, centre roles,
organisations and memberships, events and attendance, and the record of imports."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Upper
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from centres.access import Scope, ScopedQuerySet
from centres.models import THAI_COLLATION, Centre, ThaiAddress
from volunteer_centre.identity import (
    PersonDisplayMixin,
    normalise_national_id,
    validate_national_id,
)
from volunteer_centre.thai import to_arabic_digits
from volunteers.countries import ThaiCountries
from volunteers.validation import (
    NationalIDField,
    PassportNumberField,
    PersonNameField,
    PhoneField,
    RegistrationNumberField,
    age_on,
    normalise_passport_number,
    normalise_registration_number,
    validate_birth_date,
    validate_latin_name,
    validate_person_name,
    validate_recorded_date,
    validate_registration_date,
    validate_since_ministry,
)


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    OTHER = "other", _("other")


def _in_scope(scope, volunteer_ref: str = "pk") -> Exists:
    """True for rows whose volunteer (``volunteer_ref``) has a registration in ``scope``."""
    return Exists(
        Registration.objects.filter(volunteer=OuterRef(volunteer_ref)).filter(
            scope.centre_q("centre__")
        )
    )


def _try(normalise, text: str) -> str:
    try:
        return normalise(text)
    except ValidationError:
        return ""


def unindexed_name_order(ordering) -> list:
    """``ordering`` with the first name sorted as an expression, the same order (same text,
    same collation) that no index gives.

    A search's matches are found through the trigram indexes, then sorted: a few thousand
    rows. Offered volunteer_name_order, PostgreSQL walked the whole table in name order
    instead, testing every row, and took 1.3 s to find 25 people called สมชาย, who sort late.
    """
    first_name = Concat("first_name", Value(""), output_field=models.CharField())
    fields = []
    for field in ordering:
        if field == "first_name":
            field = first_name.asc()
        elif field == "-first_name":
            field = first_name.desc()
        fields.append(field)
    return fields


class VolunteerQuerySet(ScopedQuerySet):
    def in_scope(self, scope: Scope, user) -> models.QuerySet:
        """Volunteers with a registration at a centre in ``scope``."""
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(_in_scope(scope))

    def search(self, text: str, registrations=None):
        """Volunteers matching what someone typed in a search box.

        A whole national ID in any typed form (dashes, spaces, Thai digits) finds its owner.
        Otherwise every word must match: a Thai name substring (first or last name, through the
        trigram indexes), the Latin name, a passport number or a registration number among
        ``registrations`` (pass the registrations the user may see; default all).
        """
        text = " ".join(to_arabic_digits(str(text or "")).split())
        if not text:
            return self
        if national_id := _try(normalise_national_id, text):
            return self.filter(national_id=national_id)
        digits = text.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 12:
            # An ID with a typo: an ID search that finds nothing beats a name search.
            return self.filter(national_id=digits)
        if registrations is None:
            registrations = Registration.objects.all()
        condition = Q()
        for word in text.split():
            word_q = (
                Q(first_name__contains=word)
                | Q(last_name__contains=word)
                | Q(name_latin__icontains=word)
            )
            if any(char.isdigit() for char in word):
                if passport := _try(normalise_passport_number, word):
                    word_q |= Q(passport_number=passport)
                if number := _try(normalise_registration_number, word):
                    # The holders of the number, from its index, as a list of ids beside the
                    # names' trigram indexes: an EXISTS in the OR made PostgreSQL test it on
                    # every volunteer, a scan of the whole table.
                    own = Volunteer.objects.filter(word_q).order_by().values("pk")
                    holders = registrations.filter(number=number).order_by().values("volunteer_id")
                    word_q = Q(pk__in=own.union(holders))
            condition &= word_q
        # A passport number typed in groups (AA 123 4567) is one key, not three words.
        grouped = " " in text and any(char.isdigit() for char in text)
        if grouped and (passport := _try(normalise_passport_number, text)):
            condition |= Q(passport_number=passport)
        found = self.filter(condition)
        if not found.query.order_by:
            # The model's order, sorted after the indexes found the matches.
            found = found.order_by(*unindexed_name_order(self.model._meta.ordering))
        return found

    def with_training_hours(self):
        """Annotate ``total_training_hours``: hours attended at trainings and workshops.

        A correlated subquery rather than a join, so that other annotations are not multiplied
        and a list costs one query whatever its length.
        """
        hours = (
            Attendance.objects.filter(
                volunteer=OuterRef("pk"), attended=True, event__kind__in=Event.TRAINING_KINDS
            )
            .order_by()
            .values("volunteer")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        return self.annotate(
            total_training_hours=Coalesce(
                Subquery(hours, output_field=models.DecimalField(max_digits=8, decimal_places=1)),
                Decimal("0"),
            )
        )


class Volunteer(PersonDisplayMixin, ThaiAddress):
    """One real person, identified by a Thai national ID or by a passport and nationality."""

    national_id = NationalIDField(
        _("national ID"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    passport_number = PassportNumberField(_("passport number"), max_length=20, blank=True)
    nationality = CountryField(_("nationality"), blank=True, countries=ThaiCountries)
    title = PersonNameField(
        pgettext_lazy("name", "title"), max_length=50, blank=True, validators=[validate_person_name]
    )
    first_name = PersonNameField(
        _("first name"),
        max_length=100,
        db_collation=THAI_COLLATION,
        validators=[validate_person_name],
    )
    last_name = PersonNameField(
        _("last name"),
        max_length=100,
        blank=True,
        db_collation=THAI_COLLATION,
        validators=[validate_person_name],
    )
    name_latin = PersonNameField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        validators=[validate_latin_name],
        help_text=_("As in the passport; required for foreign volunteers."),
    )
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[validate_birth_date]
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    phone = PhoneField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=50, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # A chair or a staff member is often a volunteer too: their login, set on the account pages.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("user account"),
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            # Exactly one identity: a national ID, or a passport with its nationality.
            models.CheckConstraint(
                condition=(
                    Q(national_id__regex=r"^[0-9]{13}$", passport_number="", nationality="")
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
        indexes = [
            # Substring search on Thai names (LIKE '%...%') through pg_trgm.
            GinIndex(
                fields=["first_name"], opclasses=["gin_trgm_ops"], name="volunteer_first_trgm"
            ),
            GinIndex(fields=["last_name"], opclasses=["gin_trgm_ops"], name="volunteer_last_trgm"),
            # icontains compares UPPER(name_latin): index that expression.
            GinIndex(
                OpClass(Upper("name_latin"), name="gin_trgm_ops"), name="volunteer_latin_trgm"
            ),
            models.Index(fields=["passport_number"], name="volunteer_passport_idx"),
            # The lists' order (the admin adds -pk to make it total): page 1 and page 500 read
            # their own rows from this index instead of sorting the whole table.
            models.Index(fields=["first_name", "last_name", "-id"], name="volunteer_name_order"),
        ]

    @property
    def nationality_display(self) -> str:
        """The nationality's country name in the active language (Thai names from CLDR)."""
        return self.nationality.name if self.nationality else ""

    @property
    def identity_display(self) -> str:
        """x-xxxx-xxxxx-xx-x, or the passport number and its country."""
        if self.national_id:
            return self.national_id_display
        return f"{self.passport_number} ({self.nationality_display})".strip()

    def training_hours(self) -> Decimal:
        """Hours at trainings and workshops attended (annotated by with_training_hours())."""
        if hasattr(self, "total_training_hours"):
            return self.total_training_hours
        return self.attendances.filter(
            attended=True, event__kind__in=Event.TRAINING_KINDS
        ).aggregate(total=Coalesce(Sum("hours"), Decimal("0")))["total"]

    def clean(self):
        errors = {}
        if self.national_id and (self.passport_number or self.nationality):
            errors["passport_number"] = _(
                "A volunteer with a Thai national ID has no passport number or nationality "
                "here: give one identity only."
            )
        elif not self.national_id and not self.passport_number:
            errors["national_id"] = _(
                "Give the Thai national ID, or for a foreign volunteer the passport number "
                "and nationality."
            )
        elif self.passport_number and not self.nationality:
            errors["nationality"] = _("Give the country that issued the passport.")
        if self.passport_number and not self.national_id and not self.name_latin:
            errors["name_latin"] = _(
                "A foreign volunteer needs the name in Latin script, as in the passport."
            )
        postcode = to_arabic_digits(self.postcode or "").strip()
        if postcode and not (postcode.isdigit() and len(postcode) == 5):
            errors["postcode"] = _("A postcode has 5 digits.")
        elif self.subdistrict_id:
            postcodes = self.subdistrict.postcodes.split()
            if not postcode:
                postcode = self.subdistrict.postcode
            elif postcode not in postcodes:
                errors["postcode"] = _(
                    "The postcode of %(subdistrict)s is %(postcodes)s, not %(postcode)s."
                ) % {
                    "subdistrict": self.subdistrict.name_th,
                    "postcodes": ", ".join(postcodes),
                    "postcode": postcode,
                }
        self.postcode = postcode
        if errors:
            raise ValidationError(errors)


class Programme(models.TextChoices):
    APM = "apm", _("social development and human security volunteer (อพม.)")
    APS = "aps", _("home-care volunteer for older people (อผส.)")
    APMK = "apmk", _("volunteer for persons with disabilities (อพมก.)")
    MINISTRY = "ministry", _("volunteer of another ministry")
    FOREIGN = "foreign", _("foreign volunteer")
    NETWORK = "network", _("network or จิตอาสา member")


# The short names Thai staff write in registers and on cards.
PROGRAMME_ABBREVIATIONS = {
    Programme.APM: "อพม.",
    Programme.APS: "อผส.",
    Programme.APMK: "อพมก.",
    Programme.MINISTRY: "อาสาสมัครกระทรวงอื่น",
    Programme.FOREIGN: "อาสาสมัครต่างชาติ",
    Programme.NETWORK: "จิตอาสา",
}


class CentreOwnedQuerySet(ScopedQuerySet):
    """Rows owned by the centre at ``centre_path``: Registration, CentreRole, Event, Attendance."""


def _check_order(start, end, field: str, message) -> None:
    """Raise ``message`` on ``field`` when the end date comes before the start date."""
    if start and end and end < start:
        raise ValidationError({field: message})


# The code of the error an อพม. registration without the volunteer's birth date gets.
BIRTH_DATE_REQUIRED = "apm_birth_date_required"


def _name_contains(field: str, word: str) -> Q:
    """``field`` contains ``word``, whatever its case: through the trigram index when the word
    has no case (Thai, digits), where icontains would wrap the column in UPPER() and miss it."""
    if word.upper() == word.lower():
        return Q(**{f"{field}__contains": word})
    return Q(**{f"{field}__icontains": word})


# How many volunteers a name in the registrations' search may match and still be read as a list
# of ids (RegistrationQuerySet.search): a common Thai first name matches some 5,000 of 250,000.
NAME_MATCHES_READ = 20_000


class RegistrationQuerySet(CentreOwnedQuerySet):
    def active(self):
        return self.filter(status=Registration.Status.ACTIVE)

    def search(self, text: str):
        """The admin's search of registrations: every word (quoted words kept whole) is part
        of the number or of the volunteer's first or last name, in any case.

        A whole registration number in any typed form (``12/2562``, Thai digits) is looked up
        by equality on its index. Each word is the number's trigram index ORed with the
        volunteers found first by name: no OR across the join, which scans the whole table, nor
        a union of ids looked up again (a common name: 230 ms, then 65). Their ids are read
        first (up to NAME_MATCHES_READ) and passed as a list (any_of_ids): the list's count and
        page would each find them again, and PostgreSQL, knowing how many there are, walks the
        list's order for the page and estimates the count (EstimatedCountPaginator) rather than
        guessing a few dozen and counting 5,000 (the admin's search by a common name: 76 ms of
        queries, now 35). Past that many, the ids stay a subquery (``InArray``).
        """
        from cases.search import InArray, any_of_ids

        if number := _try(normalise_registration_number, str(text or "")):
            return self.filter(number=number)  # typed with spaces: ๑๒ / ๒๕๖๒
        condition = Q()
        for word in smart_split(str(text or "")):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            if number := _try(normalise_registration_number, word):
                condition &= Q(number=number)
                continue
            names = Volunteer.objects.filter(
                _name_contains("first_name", word) | _name_contains("last_name", word)
            ).order_by()
            ids = list(names.values_list("pk", flat=True)[: NAME_MATCHES_READ + 1])
            if len(ids) > NAME_MATCHES_READ:
                named = Q(InArray("volunteer_id", names.values("pk")))
            else:
                named = Q(any_of_ids('"volunteers_registration"."volunteer_id"', ids))
            condition &= Q(number__icontains=word) | named
        return self.filter(condition)


class Registration(models.Model):
    """A volunteer's enrolment in a programme at a centre. One person may hold several."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("registration", "active")
        SUSPENDED = "suspended", pgettext_lazy("registration", "suspended")
        ENDED = "ended", pgettext_lazy("registration", "ended")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("volunteer"),
    )
    programme = models.CharField(_("programme"), max_length=12, choices=Programme.choices)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("centre"),
        db_index=False,  # registration_centre_ids serves it
    )
    number = RegistrationNumberField(
        _("registration number"),
        max_length=20,
        blank=True,
        help_text=_("In the Thai form NNNN/BE year, e.g. 0012/2562."),
    )
    registered_on = models.DateField(_("registered on"), validators=[validate_registration_date])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, validators=[validate_registration_date]
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    # While suspended: since when and why (volunteers.services keeps every change of status,
    # with these, in RegistrationStatusChange; reinstating clears them here).
    suspended_on = models.DateField(
        _("suspended on"), null=True, blank=True, validators=[validate_registration_date]
    )
    suspension_reason = models.CharField(_("reason for suspension"), max_length=200, blank=True)
    other_ministry = models.CharField(_("ministry"), max_length=200, blank=True)
    # Foreign volunteers
    visa_type = models.CharField(_("visa type"), max_length=50, blank=True)
    visa_expires_on = models.DateField(
        _("visa expires on"), null=True, blank=True, validators=[validate_recorded_date]
    )
    work_permit_number = models.CharField(_("work permit number"), max_length=50, blank=True)
    host_organisation = models.CharField(_("host organisation"), max_length=200, blank=True)
    certifying_agency = models.CharField(_("certifying agency"), max_length=200, blank=True)
    service_starts_on = models.DateField(
        _("service starts on"), null=True, blank=True, validators=[validate_recorded_date]
    )
    service_ends_on = models.DateField(
        _("service ends on"), null=True, blank=True, validators=[validate_recorded_date]
    )

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
            # A suspension's date and reason belong to a suspended registration only. A
            # suspended one may lack them (imported as suspended, with no date given).
            models.CheckConstraint(
                condition=Q(status="suspended")
                | (Q(suspended_on__isnull=True) & Q(suspension_reason="")),
                name="registration_suspension_only_when_suspended",
            ),
            models.CheckConstraint(
                condition=Q(suspended_on__isnull=True)
                | Q(suspended_on__gte=models.F("registered_on")),
                name="registration_suspended_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "programme", "status"]),
            # A centre's registrations' ids without reading them: the scoped lists and counts
            # that join through registrations to their centres (a province's status changes
            # counted in 11 ms, not 30). It takes the place of the foreign key's own index.
            models.Index(fields=["centre", "id"], name="registration_centre_ids"),
            # Search by number without knowing the programme.
            models.Index(fields=["number"], name="registration_number_idx"),
            # The admin list's order (-registered_on, then -pk).
            models.Index(fields=["-registered_on", "-id"], name="registration_list_order"),
            # Part of a number typed in the admin's search (icontains compares UPPER(number)).
            GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"), name="registration_number_trgm"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.number}".strip()

    @property
    def programme_abbreviation(self) -> str:
        return PROGRAMME_ABBREVIATIONS.get(self.programme, self.programme)

    def clean(self):
        errors = {}
        if self.registered_on and self.ended_on and self.ended_on < self.registered_on:
            errors["ended_on"] = _("The end date is before the registration date.")
        elif self.status == self.Status.ENDED and not self.ended_on:
            errors["ended_on"] = _("Give the date the registration ended.")
        elif self.ended_on and self.status != self.Status.ENDED:
            errors["status"] = _("The registration has an end date: set its status to ended.")
        if self.registered_on and self.suspended_on and self.suspended_on < self.registered_on:
            errors["suspended_on"] = _("The suspension date is before the registration date.")
        elif self.status != self.Status.SUSPENDED and (self.suspended_on or self.suspension_reason):
            errors["suspended_on"] = _(
                "Only a suspended registration has a suspension date and reason: clear them, "
                "or set its status to suspended."
            )
        if (
            self.service_starts_on
            and self.service_ends_on
            and self.service_ends_on < self.service_starts_on
        ):
            errors["service_ends_on"] = _("The service ends before it starts.")
        if self.programme == Programme.MINISTRY and not self.other_ministry:
            errors["other_ministry"] = _("Name the ministry this volunteer serves.")
        try:
            volunteer = self.volunteer
        except ObjectDoesNotExist:
            volunteer = None
        if volunteer is not None:
            if self.programme == Programme.FOREIGN and not volunteer.passport_number:
                errors["programme"] = _(
                    "A foreign-volunteer registration needs a volunteer identified by passport."
                )
            birth, day = volunteer.birth_date, self.registered_on
            minimum = settings.VOLUNTEER_MIN_AGE
            if isinstance(birth, dt.date) and isinstance(day, dt.date):
                if day < birth:
                    errors["registered_on"] = _("The registration date is before the birth date.")
                elif self.programme == Programme.APM and age_on(birth, day) < minimum:
                    errors["registered_on"] = _(
                        "An อพม. is at least %(minimum)d years old on registration; this "
                        "volunteer was %(age)d."
                    ) % {"minimum": minimum, "age": age_on(birth, day)}
            elif self.programme == Programme.APM and not isinstance(birth, dt.date):
                # Without it the age rule could not be checked, and would be skipped.
                errors["programme"] = ValidationError(
                    _(
                        "An อพม. is at least %(minimum)d years old on registration: give the "
                        "volunteer's birth date."
                    ),
                    code=BIRTH_DATE_REQUIRED,
                    params={"minimum": minimum},
                )
            if isinstance(birth, dt.date):
                for name in ("service_starts_on", "visa_expires_on"):
                    value = getattr(self, name)
                    if isinstance(value, dt.date) and value < birth and name not in errors:
                        errors[name] = _("This date is before the volunteer's birth date.")
        if errors:
            raise ValidationError(errors)


class DateRange(models.Func):
    """PostgreSQL's daterange(start, end, bounds); a NULL end is an open-ended range."""

    function = "daterange"
    output_field = DateRangeField()


class CentreRoleQuerySet(CentreOwnedQuerySet):
    def current(self, day: dt.date | None = None):
        """Roles held on ``day`` (today by default): begun, and not ended before it."""
        day = day or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)

    def overlapping(self, starts_on: dt.date, ends_on: dt.date | None):
        """Roles whose term shares a day with ``starts_on``..``ends_on`` (both included)."""
        overlap = Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        if ends_on is not None:
            overlap &= Q(starts_on__lte=ends_on)
        return self.filter(overlap)


class CentreRole(models.Model):
    """A volunteer's office in a centre's committee. The chair terms of a centre never overlap,
    so a centre has at most one chair on any day (and so at most one current chair)."""

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
    # A successor's term may be recorded before it begins.
    starts_on = models.DateField(_("from"), validators=[validate_since_ministry])
    ends_on = models.DateField(
        _("until"), null=True, blank=True, validators=[validate_since_ministry]
    )

    objects = CentreRoleQuerySet.as_manager()

    class Meta:
        ordering = ["centre", "role", "-starts_on"]
        verbose_name = _("centre role")
        verbose_name_plural = _("centre roles")
        constraints = [
            # A chair ending next year and a new open-ended chair would both be "current" then:
            # compare whole terms, not open ends (needs btree_gist for centre's "=").
            ExclusionConstraint(
                name="chair_terms_do_not_overlap",
                expressions=[
                    ("centre", RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(role="chair"),
                violation_error_message=_(
                    "This centre already has a chair for these dates: the terms of two chairs "
                    "cannot overlap."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="centre_role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.centre}"

    def clean(self):
        _check_order(
            self.starts_on, self.ends_on, "ends_on", _("The end date is before the start date.")
        )
        birth = self.volunteer.birth_date if self.volunteer_id else None
        if self.starts_on and birth and self.starts_on < birth:
            raise ValidationError(
                {"starts_on": _("This date is before the volunteer's birth date.")}
            )
        if self.role == self.Role.CHAIR and self.centre_id and self.starts_on:
            # The constraint's check, beside the dates rather than at the top of the form.
            others = CentreRole.objects.filter(centre_id=self.centre_id, role=self.Role.CHAIR)
            if self.pk:
                others = others.exclude(pk=self.pk)
            other = others.overlapping(self.starts_on, self.ends_on).order_by("starts_on").first()
            if other is not None:
                raise ValidationError({"starts_on": chair_overlap_message(other)})


def chair_overlap_message(other: CentreRole) -> str:
    """Why a chair term cannot start: ``other`` chairs the same centre on some of its days."""
    from django.template.defaultfilters import date as date_filter

    if other.ends_on:
        return _(
            "This centre already has a chair from %(start)s to %(end)s: the terms of two chairs "
            "cannot overlap."
        ) % {"start": date_filter(other.starts_on), "end": date_filter(other.ends_on)}
    return _(
        "This centre already has a chair since %(start)s: end that term first (the terms of two "
        "chairs cannot overlap)."
    ) % {"start": date_filter(other.starts_on)}


# -- organisations --------------------------------------------------------------------------------


class OrganisationQuerySet(ScopedQuerySet):
    # Organisations are shared by every centre: anyone with a scope sees them all.
    centre_path = None


class Organisation(models.Model):
    """A volunteer organisation, network, civil-society group or ASEAN partner."""

    class Kind(models.TextChoices):
        VOLUNTEER_ORGANISATION = "volunteer_org", _("volunteer organisation")
        NETWORK = "network", _("network")
        CIVIL_SOCIETY = "civil_society", _("civil-society group")
        ASEAN_PARTNER = "asean_partner", _("ASEAN partner")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, db_collation=THAI_COLLATION)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), default="TH", countries=ThaiCountries)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = PhoneField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"],
                name="organisation_unique_name_in_country",
                violation_error_message=_("An organisation of this name already exists here."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet):
    def in_scope(self, scope: Scope, user) -> models.QuerySet:
        """Memberships of the volunteers of ``scope``."""
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(_in_scope(scope, "volunteer"))


class Membership(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("volunteer")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    since = models.DateField(_("since"), null=True, blank=True, validators=[validate_recorded_date])
    until = models.DateField(_("until"), null=True, blank=True, validators=[validate_recorded_date])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(until__gte=models.F("since")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "organisation"],
                condition=Q(until__isnull=True),
                name="one_current_membership_per_organisation",
                violation_error_message=_("This volunteer is already a member."),
            ),
        ]
        indexes = [
            # An organisation's members in the list's order (organisation, -since, -pk).
            models.Index(
                fields=["organisation", "-since", "-id"], name="membership_organisation_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.organisation}"

    def clean(self):
        _check_order(self.since, self.until, "until", _("The end date is before the start date."))
        birth = self.volunteer.birth_date if self.volunteer_id else None
        if self.since and birth and self.since < birth:
            raise ValidationError({"since": _("This date is before the volunteer's birth date.")})


# -- events ---------------------------------------------------------------------------------------


class EventQuerySet(CentreOwnedQuerySet):
    centre_path = "organiser"


class Event(models.Model):
    """A training, workshop, meeting or ceremony organised by a centre."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("training")
        WORKSHOP = "workshop", _("workshop")
        MEETING = "meeting", _("meeting")
        CEREMONY = "ceremony", _("ceremony")

    # Workshops are capacity building too (ประชุมเชิงปฏิบัติการพัฒนาศักยภาพ): their hours count.
    TRAINING_KINDS = (Kind.TRAINING, Kind.WORKSHOP)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(
        pgettext_lazy("event", "title"), max_length=300, db_collation=THAI_COLLATION
    )
    organiser = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="events", verbose_name=_("organiser")
    )
    starts_on = models.DateField(_("starts on"), validators=[validate_since_ministry])
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a one-day event."),
        validators=[validate_since_ministry],
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return ((self.ends_on or self.starts_on) - self.starts_on).days + 1

    def clean(self):
        _check_order(self.starts_on, self.ends_on, "ends_on", _("The event ends before it starts."))


class AttendanceQuerySet(CentreOwnedQuerySet):
    centre_path = "event__organiser"


class Attendance(models.Model):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker")
        ORGANISER = "organiser", _("organiser")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("event")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("volunteer")
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    attended = models.BooleanField(_("attended"), default=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["event", "volunteer"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "volunteer"],
                name="attendance_unique_volunteer_per_event",
                violation_error_message=_("This volunteer is already on the list of this event."),
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.event}"

    def clean(self):
        errors = {}
        try:
            event = self.event
        except ObjectDoesNotExist:
            event = None
        if self.hours and not self.attended:
            errors["hours"] = _("Hours count only for a volunteer who attended.")
        if event is not None and event.starts_on and self.hours and self.hours > 24 * event.days:
            errors["hours"] = _("This event lasted %(days)d day(s): at most %(hours)d hours.") % {
                "days": event.days,
                "hours": 24 * event.days,
            }
        full = event is not None and event.pk and event.capacity and self._state.adding
        if full and event.attendances.count() >= event.capacity:
            errors["event"] = _("This event is full (%(capacity)d places).") % {
                "capacity": event.capacity
            }
        if errors:
            raise ValidationError(errors)


# -- imports --------------------------------------------------------------------------------------


class VolunteerImportQuerySet(ScopedQuerySet):
    def in_scope(self, scope: Scope, user) -> models.QuerySet:
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


class RegistrationStatusChangeQuerySet(CentreOwnedQuerySet):
    centre_path = "registration__centre"


class RegistrationStatusChange(models.Model):
    """One change of a registration's status made on the staff pages (volunteers.services):
    from which status to which, on what date, why, by whom and when it was recorded. Never
    updated, never deleted: the registration keeps only its present state."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("registration"),
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=10, choices=Registration.Status.choices
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=10, choices=Registration.Status.choices
    )
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("status change", "by"),
    )
    at = models.DateTimeField(pgettext_lazy("status change", "recorded at"), default=timezone.now)

    objects = RegistrationStatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("registration status change")
        verbose_name_plural = _("registration status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="registration_status_change_changes",
            ),
        ]
        indexes = [
            models.Index(fields=["registration", "at"], name="registration_change_at"),
            # The admin's list, latest first: its first page reads 100 entries of the index,
            # not every change joined and sorted (120 ms at 41,000 changes).
            models.Index(fields=["-at", "-id"], name="registration_change_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} {self.from_status} → {self.to_status}"
