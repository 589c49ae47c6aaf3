"""Volunteers: one real person each, identified by a Thai national ID or by a passport, and
how they are searched and scoped."""

from decimal import Decimal
from typing import Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from centres.access import Scope, ScopedQuerySet
from centres.models import THAI_COLLATION, ThaiAddress
from volunteer_centre.identity import (
    PersonDisplayMixin,
    normalise_national_id,
    validate_national_id,
)
from volunteer_centre.thai import to_arabic_digits
from volunteers import rules
from volunteers.countries import ThaiCountries
from volunteers.models._common import _try
from volunteers.validation import (
    NationalIDField,
    PassportNumberField,
    PersonNameField,
    PhoneField,
    normalise_passport_number,
    normalise_registration_number,
    validate_birth_date,
    validate_latin_name,
    validate_person_name,
)


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")
    OTHER = "other", _("other")


def _in_scope(scope, volunteer_ref: str = "pk") -> Exists:
    """True for rows whose volunteer (``volunteer_ref``) has a registration in ``scope``."""
    from volunteers.models.registrations import Registration

    return Exists(
        Registration.objects.filter(volunteer=OuterRef(volunteer_ref)).filter(
            scope.centre_q("centre__")
        )
    )


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


class VolunteerQuerySet(ScopedQuerySet["Volunteer"]):
    def in_scope(self, scope: Scope, user) -> Self:
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
        from volunteers.models.registrations import Registration

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
        from volunteers.models.events import Attendance, Event

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
        from volunteers.models.events import Event

        if hasattr(self, "total_training_hours"):
            return self.total_training_hours
        return self.attendances.filter(
            attended=True, event__kind__in=Event.TRAINING_KINDS
        ).aggregate(total=Coalesce(Sum("hours"), Decimal("0")))["total"]

    def clean(self):
        self.postcode = rules.typed_postcode(self)
        errors = rules.errors_of(self, rules.VOLUNTEER_RULES)
        if not self.postcode and self.subdistrict_id:
            # Left blank: the subdistrict's postcode.
            self.postcode = self.subdistrict.postcode
        if errors:
            raise ValidationError(errors)
