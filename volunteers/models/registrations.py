"""Registrations: a volunteer's enrolment in a programme at a centre, how they are searched,
and the record of their changes of status."""

from typing import Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import Centre
from volunteers import rules
from volunteers.models._common import CentreOwnedQuerySet, _try
from volunteers.models.programmes import PROGRAMME_ABBREVIATIONS, Programme
from volunteers.models.volunteers import Volunteer
from volunteers.validation import (
    RegistrationNumberField,
    normalise_registration_number,
    validate_recorded_date,
    validate_registration_date,
)


def _name_contains(field: str, word: str) -> Q:
    """``field`` contains ``word``, whatever its case: through the trigram index when the word
    has no case (Thai, digits), where icontains would wrap the column in UPPER() and miss it."""
    if word.upper() == word.lower():
        return Q(**{f"{field}__contains": word})
    return Q(**{f"{field}__icontains": word})


# How many volunteers a name in the registrations' search may match and still be read as a list
# of ids (RegistrationQuerySet.search): a common Thai first name matches some 5,000 of 250,000.
NAME_MATCHES_READ = 20_000


class RegistrationQuerySet(CentreOwnedQuerySet["Registration"]):
    def active(self) -> Self:
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
        rules.check_all(self, rules.REGISTRATION_RULES)


class RegistrationStatusChangeQuerySet(CentreOwnedQuerySet["RegistrationStatusChange"]):
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
