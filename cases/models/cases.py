"""The database of people facing social problems (ฐานข้อมูลผู้ประสบปัญหาทางสังคม).

Persons and households, partner agencies, and cases with their events, home visits,
assistance, referrals and consent. Status changes and every other write that matters go
through cases.services; the models only hold rows, constraints and read helpers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast, Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.fields import ChoiceArrayField
from centres.access import Scope, ScopedQuerySet, scope_for
from centres.models import THAI_COLLATION, Centre, District, Province, Subdistrict, ThaiAddress
from volunteer_centre.identity import (
    PersonDisplayMixin,
    format_national_id,
    format_phone,
    validate_national_id,
)
from volunteers.models import Sex, Volunteer  # Sex: one list for volunteers and persons

# An assistance amount above this is a typing slip (an extra zero), not a grant: the largest
# grant pays 3,000 baht per case (docs/domain.md).
MAX_ASSISTANCE_AMOUNT = Decimal("1000000")
# Likewise for the quantity of one line of goods (and the column is a 32-bit integer).
MAX_ITEM_QUANTITY = 100_000


def _trgm(field: str) -> OpClass:
    """A trigram index expression matching the SQL of ``field__icontains``.

    icontains compiles to UPPER(field::text) LIKE UPPER(%s); the admin's and the staff pages'
    name searches use it, and an index on the bare column would not serve them.
    """
    return OpClass(Upper(Cast(field, models.TextField())), name="gin_trgm_ops")


def _day(value: dt.date | None) -> str:
    """A date as the admin's titles show it: in the Buddhist Era while Thai is active."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# ---------------------------------------------------------------------------------------------
# Persons and households
# ---------------------------------------------------------------------------------------------


class TargetGroup(models.TextChoices):
    CHILDREN = "children", _("children")
    YOUTH = "youth", _("youth")
    WOMEN = "women", _("women")
    OLDER = "older", _("older people")
    DISABLED = "disabled", _("persons with disabilities")
    FAMILY = "family", _("families")
    DISADVANTAGED = "disadvantaged", _("disadvantaged or destitute people")


class NoIdReason(models.TextChoices):
    STATELESS = "stateless", _("stateless")
    NOT_REGISTERED = "not_registered", _("not yet registered")
    UNKNOWN = "unknown", _("unknown (not given or not at hand)")
    OTHER = "other", _("other")


class PersonQuerySet(ScopedQuerySet):
    def in_scope(self, scope: Scope, user) -> models.QuerySet:
        """Persons recorded by a centre in scope, or with a case at a centre in scope."""
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(
            scope.centre_q("centre__")
            | Exists(Case.objects.filter(person=OuterRef("pk")).filter(scope.centre_q("centre__")))
        )

    def national_id_holder(self, national_id: str, *, user, exclude_pk: int | None = None):
        """The person already recorded with ``national_id`` (other than ``exclude_pk``), and
        whether ``user`` may see them: ``(None, False)`` when nobody holds it. Forms name an
        unseen holder's centre as "another centre" and nothing more."""
        existing = self.filter(national_id=national_id).exclude(pk=exclude_pk).first()
        if existing is None or user is None:
            return existing, False
        return existing, self.visible_to(user).filter(pk=existing.pk).exists()

    def possible_duplicates(
        self,
        *,
        national_id: str | None = None,
        first_name: str = "",
        last_name: str = "",
        birth_date: dt.date | None = None,
        district_code: str | None = None,
        exclude_pk: int | None = None,
    ):
        """Persons that look like the one described: the same national ID, or the same first
        and last name, birth date and district (of the registered or the current address).

        Used to warn, never to block: two people may share a name and a birthday.
        """
        q = Q(pk__in=[])
        if national_id:
            q |= Q(national_id=national_id)
        if first_name and last_name and birth_date and district_code:
            q |= Q(
                Q(subdistrict__district_id=district_code)
                | Q(current_subdistrict__district_id=district_code),
                first_name__iexact=first_name.strip(),
                last_name__iexact=last_name.strip(),
                birth_date=birth_date,
            )
        qs = self.filter(q)
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        return qs


class Person(PersonDisplayMixin, ThaiAddress):
    """A person facing a social problem. The inherited address is the registered one
    (ที่อยู่ตามทะเบียนบ้าน); the current_* fields hold where the person lives now."""

    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, db_collation=THAI_COLLATION)
    last_name = models.CharField(
        _("last name"), max_length=100, blank=True, db_collation=THAI_COLLATION
    )
    national_id = models.CharField(
        _("national ID"),
        max_length=13,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    no_id_reason = models.CharField(
        _("reason for having no national ID"),
        max_length=20,
        choices=NoIdReason.choices,
        blank=True,
    )
    no_id_note = models.CharField(_("details"), max_length=200, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    target_groups = ChoiceArrayField(
        models.CharField(max_length=20, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    current_same_as_registered = models.BooleanField(
        _("lives at the registered address"), default=True
    )
    current_house_number = models.CharField(_("house number"), max_length=30, blank=True)
    current_moo = models.CharField(_("village no. (หมู่ที่)"), max_length=10, blank=True)
    current_village = models.CharField(_("village or building"), max_length=150, blank=True)
    current_soi = models.CharField(_("lane (ตรอก/ซอย)"), max_length=150, blank=True)
    current_road = models.CharField(_("road"), max_length=150, blank=True)
    current_subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    current_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("recorded by centre"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = pgettext_lazy("person helped", "person")
        verbose_name_plural = pgettext_lazy("person helped", "persons")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="person_unique_national_id",
                violation_error_message=_("A person with this national ID is already recorded."),
            ),
            # A national ID, or the reason there is none (and its details when "other").
            models.CheckConstraint(
                condition=Q(national_id__isnull=False, no_id_reason="")
                | (
                    Q(national_id__isnull=True)
                    & ~Q(no_id_reason="")
                    & (~Q(no_id_reason="other") | ~Q(no_id_note=""))
                ),
                name="person_has_id_or_reason",
                violation_error_message=_(
                    "Give the national ID, or the reason the person has none."
                ),
            ),
        ]
        indexes = [
            # The admin's list order (first name, last name, then the newest first).
            models.Index(fields=["first_name", "last_name", "-id"], name="person_name_order"),
            GinIndex(_trgm("first_name"), name="person_first_name_trgm"),
            GinIndex(_trgm("last_name"), name="person_last_name_trgm"),
            models.Index(fields=["birth_date", "last_name"], name="person_birth_last_name"),
            GinIndex(fields=["target_groups"], name="person_target_groups"),
        ]

    @property
    def district_code(self) -> str | None:
        """District of the registered address, else of the current one (for duplicates)."""
        sub = self.subdistrict_id or self.current_subdistrict_id
        return sub[:4] if sub else None

    def current_address_text(self) -> str:
        """Where the person lives now, on one line (select_related both subdistrict chains)."""
        if self.current_same_as_registered:
            return self.address_text()
        current = ThaiAddress(
            house_number=self.current_house_number,
            moo=self.current_moo,
            village=self.current_village,
            soi=self.current_soi,
            road=self.current_road,
            subdistrict=self.current_subdistrict,
            postcode=self.current_postcode,
        )
        return current.address_text()


class HouseholdQuerySet(ScopedQuerySet):
    """Households recorded by a centre in scope."""


class Household(models.Model):
    """A household (ครัวเรือน) of one or more persons, with its members' incomes."""

    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        db_collation=THAI_COLLATION,
        help_text=_("For example the family name of the head of household."),
    )
    house_registration_code = models.CharField(
        _("house registration code"),
        max_length=11,
        blank=True,
        help_text=_("The 11-digit code of the house registration (ทะเบียนบ้าน)."),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("recorded by centre"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["name", "id"], name="household_name_order"),
            GinIndex(_trgm("name"), name="household_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name or _("household %(pk)s") % {"pk": self.pk}


class Relation(models.TextChoices):
    HEAD = "head", pgettext_lazy("household relation", "head of household")
    SPOUSE = "spouse", pgettext_lazy("household relation", "spouse")
    CHILD = "child", pgettext_lazy("household relation", "child")
    PARENT = "parent", pgettext_lazy("household relation", "parent")
    GRANDCHILD = "grandchild", pgettext_lazy("household relation", "grandchild")
    GRANDPARENT = "grandparent", pgettext_lazy("household relation", "grandparent")
    SIBLING = "sibling", pgettext_lazy("household relation", "brother or sister")
    RELATIVE = "relative", pgettext_lazy("household relation", "other relative")
    OTHER = "other", pgettext_lazy("household relation", "not related")


class HouseholdMemberQuerySet(ScopedQuerySet):
    centre_path = "household__centre"


class HouseholdMember(models.Model):
    """A member of a household: a recorded person, or only a name for the others."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="household_memberships",
        verbose_name=pgettext_lazy("person helped", "person"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        db_collation=THAI_COLLATION,
        help_text=_("For a member who is not recorded as a person."),
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    monthly_income = models.DecimalField(
        _("monthly income (baht)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="household_member_has_person_or_name",
                violation_error_message=_("Choose a recorded person or type the member's name."),
            ),
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(person__isnull=False),
                name="household_member_once",
                violation_error_message=_("This person is already a member of the household."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__isnull=True) | Q(monthly_income__gte=0),
                name="household_member_income_not_negative",
            ),
        ]
        indexes = [GinIndex(_trgm("name"), name="household_member_name_trgm")]

    def __str__(self) -> str:
        return str(self.person) if self.person_id else self.name


# ---------------------------------------------------------------------------------------------
# Partner agencies
# ---------------------------------------------------------------------------------------------


class AgencyQuerySet(ScopedQuerySet):
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


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


class Problem(models.TextChoices):
    """The 1300 hotline's ten issues, then poverty and housing."""

    FAMILY_VIOLENCE = "family_violence", _("family violence")
    TEEN_PREGNANCY = "teen_pregnancy", _("teenage pregnancy")
    TRAFFICKING = "trafficking", _("human trafficking")
    DRUGS = "drugs", _("drugs")
    HOMELESS = "homeless", _("homeless and destitute people")
    CHILDREN_YOUTH = "children_youth", _("children and youth")
    MISSING = "missing", _("missing persons")
    OLDER_PEOPLE = "older_people", _("older people")
    DISABILITY = "disability", _("disability")
    BEGGING = "begging", _("beggars")
    POVERTY = "poverty", _("poverty")
    HOUSING = "housing", _("housing")


class IntakeChannel(models.TextChoices):
    HOTLINE = "hotline_1300", _("1300 hotline")
    WALK_IN = "walk_in", _("walk-in")
    FIELD_VISIT = "field_visit", _("volunteer field visit")
    REFERRAL_IN = "referral_in", _("referred by another agency")
    MEDIA = "media", _("media")
    ONLINE = "online", _("online (web, LINE, Facebook, email)")


class ReporterType(models.TextChoices):
    SELF = "self", _("the person")
    RELATIVE = "relative", _("a relative")
    PUBLIC = "public", _("a member of the public")
    AGENCY = "agency", _("an agency")
    VOLUNTEER = "volunteer", _("a volunteer")


class RiskFlag(models.TextChoices):
    SUICIDE = "suicide", _("suicide risk")
    TRAFFICKING = "trafficking", _("trafficking")
    REPEATED_ABUSE = "repeated_abuse", _("repeated abuse")
    CHILD_AT_RISK = "child_at_risk", _("child at risk")
    OTHER = "other", _("other risk")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal (ปกติ)")
    URGENT = "urgent", _("urgent (ด่วน)")
    MOST_URGENT = "most_urgent", _("most urgent (ด่วนที่สุด)")


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case status", "new")
    ASSESSING = "assessing", pgettext_lazy("case status", "assessing")
    ASSISTING = "assisting", pgettext_lazy("case status", "assisting")
    REFERRED = "referred", pgettext_lazy("case status", "referred")
    MONITORING = "monitoring", pgettext_lazy("case status", "monitoring")
    CLOSED = "closed", pgettext_lazy("case status", "closed")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("problem resolved")
    TRANSFERRED = "transferred", _("taken over by another agency")
    MOVED = "moved", _("moved out of the area")
    DECLINED = "declined", _("declined help")
    UNREACHABLE = "unreachable", _("could not be reached")
    DIED = "died", _("died")
    OTHER = "other", _("other")


# Days an open case may go without a visit before it counts as overdue, by urgency. There is no
# official figure (docs/domain.md), so settings.CASE_FIRST_VISIT_DAYS may replace these defaults.
DEFAULT_FIRST_VISIT_DAYS = {"normal": 7, "urgent": 3, "most_urgent": 1}


def first_visit_days() -> dict[str, int]:
    return {**DEFAULT_FIRST_VISIT_DAYS, **getattr(settings, "CASE_FIRST_VISIT_DAYS", {})}


class CaseQuerySet(ScopedQuerySet):
    """Cases of centres in the user's scope."""

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def with_next_follow_up(self):
        """Annotate ``next_follow_up_on`` (the follow-up date set by the latest visit) and
        ``has_visits``, which ``Case.next_follow_up`` and ``Case.is_overdue`` then use.

        Both are read from the case's own columns, which a trigger on the visits keeps equal
        to the latest visit (see ``Case.follow_up_on``), so no page asks the visits."""
        return self.annotate(next_follow_up_on=F("follow_up_on"), has_visits=F("visited"))

    def overdue(self, today: dt.date | None = None):
        """Open cases whose follow-up date has passed, or never visited past the first-visit
        allowance of their urgency."""
        today = today or timezone.localdate()
        return self.open().with_next_follow_up().filter(overdue_q(today))

    def not_yet_due(self, today: dt.date | None = None):
        """Open cases with a follow-up still to come: visited with a follow-up date from
        ``today`` on, or never visited and still inside the first-visit allowance. With the
        open cases that have no follow-up date at all, the complement of ``overdue``: the
        dashboards count these few (served by two small indexes) instead of the overdue."""
        today = today or timezone.localdate()
        return self.open().filter(not_yet_due_q(today))


def unvisited_q(today: dt.date, *, passed: bool) -> Q:
    """Never visited, and the first-visit allowance of the urgency over (or not yet)."""
    q = Q(pk__in=[])
    for urgency, days in first_visit_days().items():
        cutoff = today - dt.timedelta(days=days)
        dates = {"opened_on__lt" if passed else "opened_on__gte": cutoff}
        q |= Q(urgency=urgency, **dates)
    return Q(visited=False) & q


def overdue_q(today: dt.date) -> Q:
    """The overdue rule on an open case's columns: its latest visit's follow-up date has
    passed, or it was never visited and the first-visit allowance of its urgency is over."""
    return Q(follow_up_on__lt=today) | unvisited_q(today, passed=True)


def not_yet_due_q(today: dt.date) -> Q:
    """Open cases that are not overdue yet but will be unless visited (see ``overdue_q``)."""
    return Q(follow_up_on__gte=today) | unvisited_q(today, passed=False)


class Case(models.Model):
    """A case of a person facing a social problem, handled by one centre."""

    Status = CaseStatus

    number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="cases", verbose_name=_("centre")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=pgettext_lazy("person helped", "person"),
    )
    intake_channel = models.CharField(
        _("intake channel"), max_length=20, choices=IntakeChannel.choices
    )
    reporter_type = models.CharField(_("reported by"), max_length=12, choices=ReporterType.choices)
    reporter_anonymous = models.BooleanField(_("anonymous reporter"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    problems = ChoiceArrayField(
        models.CharField(max_length=20, choices=Problem.choices),
        verbose_name=_("problems"),
        default=list,
    )
    risk_flags = ChoiceArrayField(
        models.CharField(max_length=20, choices=RiskFlag.choices),
        verbose_name=_("risk flags"),
        default=list,
        blank=True,
    )
    risk_note = models.CharField(_("about the risk"), max_length=300, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.TextField(_("what happened"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CaseStatus.choices,
        default=CaseStatus.NEW,
        editable=False,
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    closure_reason = models.CharField(
        _("closure reason"), max_length=12, choices=ClosureReason.choices, blank=True,
        editable=False,
    )  # fmt: skip
    volunteers = models.ManyToManyField(
        Volunteer,
        through="CaseAssignment",
        related_name="cases",
        blank=True,
        verbose_name=_("assigned volunteers"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # The latest visit's follow-up date and whether there is any visit: what the overdue rule
    # reads. A trigger on cases_visit (migration 0150) sets both on every write of a visit,
    # bulk and raw writes included, so they equal the latest visit at every instant.
    follow_up_on = models.DateField(_("next follow-up on"), null=True, blank=True, editable=False)
    visited = models.BooleanField(_("visited"), default=False, db_default=False, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # No unique (centre, fiscal_year, sequence): a transferred case keeps the number its
        # first centre gave it (BKN-2562-0001 at another centre), so the receiving centre may
        # hold its own 2562-0001 too. The number is unique, and the counter of the centre that
        # gave it never gives it again.
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            ),
            models.CheckConstraint(condition=~Q(problems=[]), name="case_has_a_problem"),
        ]
        indexes = [
            models.Index(fields=["centre", "status"], name="case_centre_status"),
            models.Index(fields=["centre", "fiscal_year"], name="case_centre_fy"),
            models.Index(fields=["status", "opened_on"], name="case_status_opened"),
            GinIndex(_trgm("number"), name="case_number_trgm"),
            GinIndex(fields=["problems"], name="case_problems"),
            # The desk's lists and the dashboards' "not yet due" count (see
            # CaseQuerySet.not_yet_due) read open cases by follow-up or by opening date; the
            # included columns let the dashboards count them from the index alone.
            models.Index(
                fields=["follow_up_on"],
                include=["centre", "problems"],
                condition=~Q(status="closed") & Q(follow_up_on__isnull=False),
                name="case_open_follow_up",
            ),
            models.Index(
                fields=["opened_on"],
                include=["centre", "urgency", "problems"],
                condition=~Q(status="closed") & Q(visited=False),
                name="case_open_unvisited",
            ),
            models.Index(
                fields=["opened_on", "id"],
                condition=~Q(status="closed"),
                name="case_open_opened",
            ),
            # The lists' order (newest first), all cases and a centre's: the first page and
            # page 500 read their own rows from the index, not a sort of every case. With the
            # person: a name search walks the order checking persons, and a centre's persons
            # are gathered, from the index alone.
            models.Index(
                fields=["-opened_on", "-id"], include=["person"], name="case_opened_order"
            ),
            models.Index(
                fields=["centre", "-opened_on", "-id"],
                include=["person"],
                name="case_centre_opened_order",
            ),
            # The fiscal years that have cases, found by skipping from one year to the next.
            models.Index(fields=["fiscal_year", "centre"], name="case_fy_centre"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    def problem_labels(self) -> list[str]:
        """The problems in the user's language, in the order of the list."""
        return [str(Problem(p).label) for p in self.problems if p in Problem.values]

    def risk_labels(self) -> list[str]:
        return [str(RiskFlag(r).label) for r in self.risk_flags if r in RiskFlag.values]

    def next_follow_up(self) -> dt.date | None:
        """The follow-up date set by the latest visit (uses the ``with_next_follow_up``
        annotation or prefetched visits when present)."""
        if hasattr(self, "next_follow_up_on"):
            return self.next_follow_up_on
        visits = sorted(self.visits.all(), key=lambda v: (v.visited_on, v.pk))
        return visits[-1].next_follow_up_on if visits else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Open and past its follow-up date, or never visited past the first-visit allowance
        of its urgency (see ``first_visit_days``)."""
        if not self.is_open:
            return False
        today = today or timezone.localdate()
        follow_up = self.next_follow_up()
        if follow_up is not None:
            return follow_up < today
        if hasattr(self, "has_visits"):
            visited = self.has_visits
        elif "visits" in getattr(self, "_prefetched_objects_cache", {}):
            visited = bool(self.visits.all())
        else:
            visited = self.visits.exists()
        if visited:
            return False
        return self.opened_on < today - dt.timedelta(days=first_visit_days()[self.urgency])

    def timeline(self):
        """Events, visits, assistance and referrals in one ordered list (see services)."""
        from cases.services import case_timeline

        return case_timeline(self)


class CaseCounter(models.Model):
    """The last case number given per centre and fiscal year.

    case_open bumps it with INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which takes the
    row lock, so two simultaneous intakes wait for each other instead of sharing a number.
    """

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "fiscal_year"], name="case_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.fiscal_year}: {self.last_sequence}"


class CaseChildQuerySet(ScopedQuerySet):
    """Rows that belong to a case are visible when the case is."""

    centre_path = "case__centre"


class CaseAssignment(models.Model):
    """A volunteer assigned to a case. Only volunteers active at the case's centre."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("case")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        verbose_name=_("volunteer"),
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["case", "assigned_on", "pk"]
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [
            models.UniqueConstraint(fields=["case", "volunteer"], name="case_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.volunteer}"


def _shown(value, labels: dict) -> str:
    """A stored value as the user reads it: choice labels, yes or no, a dash for nothing."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value) or "–"
    if isinstance(value, dict):
        # A record named as it was when the change was made (a place, a person): see
        # cases.services._stored. Places carry their Thai and English names.
        thai = (get_language() or "th").startswith("th")
        return str(value.get("th" if thai else "en") or value.get("th") or value.get("name")
                   or "–")  # fmt: skip
    return str(labels.get(value, value)) if value not in ("", None) else "–"


# ---- Corrections on the timeline (issue 11) -------------------------------------------------


def _changed_model(kind: str):
    """The model whose fields a correction event's ``detail["changed"]`` names."""
    return {
        "person_updated": Person,
        "household_updated": Household,
        "consent_withdrawn": Consent,
    }.get(kind, Case)


_MEMBER_ACTIONS = {
    "added": pgettext_lazy("household member", "added"),
    "changed": pgettext_lazy("household member", "changed"),
    "removed": pgettext_lazy("household member", "removed"),
}
# The registered address is the one ThaiAddress gives a person; the current_* fields the other.
_REGISTERED_ADDRESS = _("registered address")
_CURRENT_ADDRESS = _("current address")
_HOUSEHOLD = _("household")
_HOUSEHOLD_MEMBER = _("household member")
_VOLUNTEERS = _("volunteers")
_ADDRESS_FIELDS = ("house_number", "moo", "village", "soi", "road", "subdistrict", "postcode")


def _field_label(model, name: str, field) -> str:
    """A field's name as a line of the timeline shows it; a person's two addresses apart."""
    if model is Person and name in _ADDRESS_FIELDS:
        return f"{_REGISTERED_ADDRESS} · {field.verbose_name}"
    if model is Person and name.startswith("current_") and name[8:] in _ADDRESS_FIELDS:
        return f"{_CURRENT_ADDRESS} · {field.verbose_name}"
    return str(field.verbose_name)


def _shown_change(field, value, labels: dict) -> str:
    """One stored value (as cases.services._stored keeps it) for the user to read."""
    if value in ("", None, []):
        return "–"
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return _day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(field, models.DecimalField) and isinstance(value, str):
        try:
            return f"{Decimal(value):,.2f}"
        except ArithmeticError:
            return value
    if field.name == "national_id":
        return format_national_id(value)
    if field.name == "phone":
        return format_phone(value)
    return _shown(value, labels)


def change_line(model, name: str, change: dict) -> str:
    """ "field: old → new" for one field of ``model`` changed, or "" for a field it lacks."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    labels = dict((getattr(field, "base_field", None) or field).flatchoices)
    old, new = (_shown_change(field, change.get(k), labels) for k in ("from", "to"))
    return f"{_field_label(model, name, field)}: {old} → {new}"


class CaseEvent(models.Model):
    """One appended line of a case's history. Never updated, never deleted."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("case opened")
        UPDATED = "updated", _("case details corrected")
        STATUS = "status", _("status changed")
        ASSIGNED = "assigned", _("volunteers assigned")
        UNASSIGNED = "unassigned", _("volunteers unassigned")
        VISIT = "visit", _("home visit recorded")
        ASSISTANCE = "assistance", _("assistance recorded")
        REFERRAL = "referral", _("referral sent")
        REFERRAL_STATUS = "referral_status", _("referral status changed")
        CONSENT = "consent", _("consent recorded")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")
        NOTE = "note", _("note")
        TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
        TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
        TRANSFER_DECLINED = "transfer_declined", _("transfer declined")
        TRANSFER_CANCELLED = "transfer_cancelled", _("transfer cancelled")
        # Corrections of the records a case hangs on (cases.services person_update,
        # household_update): one event on each case of the person or household concerned.
        PERSON_UPDATED = "person_updated", _("person's details corrected")
        HOUSEHOLD_UPDATED = "household_updated", _("household corrected")

    # PROTECT: the history outlives nothing it tells of. A case or a referral that has events
    # cannot be deleted, so no delete (in the admin, a shell or a cascade) erases its history.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Case statuses for kind=status, referral statuses for kind=referral_status.
    from_status = models.CharField(pgettext_lazy("case event", "from"), max_length=12, blank=True)
    to_status = models.CharField(pgettext_lazy("case event", "to"), max_length=12, blank=True)
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("referral"),
    )
    # For the transfer kinds: the transfer the event tells of (its centres, from and to).
    transfer = models.ForeignKey(
        "CaseTransfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("transfer"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("case event", "by"),
    )
    at = models.DateTimeField(pgettext_lazy("case event", "at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What the change carried that the row it touched may later lose: the closure reason of a
    # case that is reopened, the volunteers assigned, the outcome of a referral.
    detail = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            # With the id: the desk reads a scope's latest events from this index alone.
            models.Index(fields=["case", "at"], include=["id"], name="case_event_case_at"),
            # The desk's recent activity of a ministry administrator: the latest of all.
            models.Index(fields=["at"], name="case_event_at"),
            # The person page's corrections (services.person_corrections): the events of a
            # person's and of their households' corrections, found by the ids they keep.
            models.Index(
                KeyTransform("person", "detail"),
                condition=Q(kind="person_updated"),
                name="case_event_person_updated",
            ),
            models.Index(
                KeyTransform("household", "detail"),
                condition=Q(kind="household_updated"),
                name="case_event_household_updated",
            ),
        ]

    def __str__(self) -> str:
        at = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{self.case_id} {self.get_kind_display()} {at}"

    def change_lines(self) -> list[str]:
        """For a correction: "urgency: normal → urgent", one line a field, in the user's
        language (dates in the Buddhist Era while Thai is active). Corrections of a case, of
        its person, of a household and its members, and a consent's withdrawal."""
        detail = self.detail or {}
        model = _changed_model(self.kind)
        lines = [f"{_HOUSEHOLD}: {detail['household_name']}"] if "household_name" in detail else []
        lines += [
            line
            for name, change in detail.get("changed", {}).items()
            if (line := change_line(model, name, change))
        ]
        for member in detail.get("members", []):
            action = _MEMBER_ACTIONS.get(member.get("action"), "")
            head = f"{_HOUSEHOLD_MEMBER} {member.get('member', '')} ({action})"
            changes = [
                line
                for name, change in member.get("changed", {}).items()
                if (line := change_line(HouseholdMember, name, change))
            ]
            lines.append(f"{head}: {'; '.join(changes)}" if changes else head)
        if self.kind == self.Kind.UNASSIGNED and detail.get("names"):
            lines.append(f"{_VOLUNTEERS}: {', '.join(detail['names'])}")
        return lines

    def status_change_text(self) -> str:
        """ "assessing → assisting" in the user's language (referral statuses for referrals)."""
        choices = ReferralStatus if self.referral_id else CaseStatus
        labels = dict(choices.choices)
        return " → ".join(str(labels.get(s, s)) for s in (self.from_status, self.to_status) if s)


class Visit(models.Model):
    """A home visit (ลงพื้นที่) by volunteers."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("case")
    )
    visited_on = models.DateField(_("visited on"))
    volunteers = models.ManyToManyField(
        Volunteer, related_name="visits", blank=True, verbose_name=_("volunteers")
    )
    findings = models.TextField(_("findings"))
    next_follow_up_on = models.DateField(_("next follow-up on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["visited_on", "recorded_at"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up_on__isnull=True)
                | Q(next_follow_up_on__gte=F("visited_on")),
                name="visit_follow_up_after_visit",
            ),
        ]
        indexes = [
            # The latest visit of each case and its follow-up date, read from the index alone:
            # the desk's and the dashboards' overdue counts ask it for every open case.
            models.Index(
                fields=["case", "-visited_on", "-id"],
                include=["next_follow_up_on"],
                name="visit_case_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {_day(self.visited_on)}"


class AssistanceKind(models.TextChoices):
    MONEY = "money", _("money")
    GOODS = "goods", _("goods")
    OTHER = "other", _("other help")


class AssistanceProgramme(models.TextChoices):
    LOW_INCOME_GRANT = "low_income_grant", _("grant for low-income families and destitute people")
    NEWBORN_GRANT = "newborn_grant", _("newborn child support grant")
    FUNERAL_GRANT = "funeral_grant", _("funeral grant for low-income older people")
    OTHER = "other", _("other")


class Assistance(models.Model):
    """Help given: money, goods or other, from an agency or the centre, and the programme it was
    paid under when it was (empty otherwise: goods are not a grant)."""

    Kind = AssistanceKind
    Programme = AssistanceProgramme

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="assistance", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssistanceKind.choices)
    programme = models.CharField(
        pgettext_lazy("assistance", "programme"), max_length=20,
        choices=AssistanceProgramme.choices, blank=True, default="",
        help_text=_("Only for help given under one of these programmes; otherwise leave it empty."),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount (baht)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_ASSISTANCE_AMOUNT)],
        help_text=_("Money given, or the value of the goods."),
    )
    given_on = models.DateField(_("given on"))
    provider_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name=_("provided by agency"),
    )
    provider_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_given",
        verbose_name=_("provided by centre"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["given_on", "recorded_at"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_ASSISTANCE_AMOUNT),
                name="assistance_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(provider_agency__isnull=False) | Q(provider_centre__isnull=False),
                name="assistance_has_provider",
            ),
        ]
        indexes = [models.Index(fields=["case", "given_on"], name="assistance_case_date")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()} · {_day(self.given_on)}"

    @property
    def provider(self):
        return self.provider_agency or self.provider_centre


class AssistanceItemQuerySet(ScopedQuerySet):
    centre_path = "assistance__case__centre"


class AssistanceItem(models.Model):
    """One line of goods given: a bicycle, a bag of consumer goods."""

    assistance = models.ForeignKey(
        Assistance, on_delete=models.CASCADE, related_name="items", verbose_name=_("assistance")
    )
    name = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)

    objects = AssistanceItemQuerySet.as_manager()

    class Meta:
        ordering = ["assistance", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="assistance_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity} {self.unit}".strip()


class ConsentGiver(models.TextChoices):
    SELF = "self", _("the person")
    GUARDIAN = "guardian", _("a guardian")


class Consent(models.Model):
    """Consent to share the person's data for a purpose (usually a referral)."""

    GivenBy = ConsentGiver

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="consents", verbose_name=_("case")
    )
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=100, blank=True)
    purpose = models.TextField(_("purpose"))
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["given_on", "recorded_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="self") | ~Q(guardian_name=""),
                name="consent_guardian_named",
                violation_error_message=_("Give the guardian's name."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]
        indexes = [
            # The admin's list order (its tie-breaker, the newest first, included).
            models.Index(fields=["given_on", "recorded_at", "-id"], name="consent_order"),
            GinIndex(_trgm("guardian_name"), name="consent_guardian_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.get_given_by_display()} · {_day(self.given_on)}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("consent")
    VITAL_INTEREST = "vital_interest", _("vital interest (danger to life or health)")
    LEGAL_DUTY = "legal_duty", _("legal duty or statute")


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral status", "sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "accepted")
    REJECTED = "rejected", pgettext_lazy("referral status", "rejected")
    DONE = "done", pgettext_lazy("referral status", "done")
    REVOKED = "revoked", pgettext_lazy("referral status", "revoked")


class Referral(models.Model):
    """A referral (ประสานส่งต่อ) of the case to a partner agency."""

    Status = ReferralStatus
    Basis = LawfulBasis

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    referred_on = models.DateField(_("referred on"))
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    basis_note = models.TextField(_("about the lawful basis"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SENT,
        editable=False,
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    finished_on = models.DateField(_("finished on"), null=True, blank=True, editable=False)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["referred_on", "recorded_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis="consent", consent__isnull=False)
                | (~Q(basis="consent") & ~Q(basis_note="")),
                name="referral_has_consent_or_basis",
                violation_error_message=_(
                    "A referral needs the person's consent or a recorded lawful basis."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["case", "referred_on"], name="referral_case_date"),
            # The admin's list order (its tie-breaker, the newest first, included).
            models.Index(fields=["referred_on", "recorded_at", "-id"], name="referral_order"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.agency}"


# ---------------------------------------------------------------------------------------------
# Transfers of a case to another centre
# ---------------------------------------------------------------------------------------------


class TransferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("transfer status", "waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("transfer status", "accepted")
    DECLINED = "declined", pgettext_lazy("transfer status", "declined")
    CANCELLED = "cancelled", pgettext_lazy("transfer status", "cancelled")


class CaseTransferQuerySet(ScopedQuerySet):
    """Transfers are seen at both ends: by the sending and by the receiving centre."""

    def in_scope(self, scope: Scope, user) -> models.QuerySet:
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(scope.centre_q("from_centre__") | scope.centre_q("to_centre__"))

    def pending(self):
        return self.filter(status=TransferStatus.PENDING)

    def _written_at(self, user, end: str) -> models.QuerySet:
        scope = scope_for(user)
        if not scope.can_write:
            return self.none()
        writable = scope.writable
        if writable.sees_all:
            return self
        if writable.is_empty:
            return self.none()
        return self.filter(writable.centre_q(f"{end}__"))

    def receivable_by(self, user) -> models.QuerySet:
        """Transfers to a centre ``user`` writes at: theirs to accept or decline."""
        return self._written_at(user, "to_centre")

    def sent_by(self, user) -> models.QuerySet:
        """Transfers from a centre ``user`` writes at: theirs to cancel."""
        return self._written_at(user, "from_centre")


class CaseTransfer(models.Model):
    """A case handed over to another centre: requested by a writer of the sending centre,
    accepted or declined by one of the receiving centre, or cancelled by the sender.

    While it is pending the case stays at the sending centre and nothing is recorded on it;
    on acceptance the case's centre becomes the receiving one (see cases.services)."""

    Status = TransferStatus

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("case")
    )
    from_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name=_("from centre"),
    )
    to_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("to centre"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
        editable=False,
    )
    reason = models.TextField(_("reason for the transfer"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="case_transfer_one_pending",
                violation_error_message=_(
                    "This case already has a transfer waiting for an answer."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(from_centre=F("to_centre")), name="case_transfer_to_another_centre"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="case_transfer_has_reason"),
            # Answered (accepted, declined, cancelled) exactly when it has an answer's time.
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="case_transfer_decided_at_iff_answered",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_note=""),
                name="case_transfer_decline_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["to_centre", "status"], name="case_transfer_to_status"),
            models.Index(fields=["from_centre", "status"], name="case_transfer_from_status"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.from_centre} → {self.to_centre}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING


# ---------------------------------------------------------------------------------------------
# Summary tables of the dashboards and the desk (issue 12)
# ---------------------------------------------------------------------------------------------


class DashboardTallyQuerySet(ScopedQuerySet):
    """Tallies of centres in the user's scope: the same centres as their cases."""


class DashboardTally(models.Model):
    """One figure of one centre: a count (and a sum of baht) that PostgreSQL triggers keep
    equal to the live rule in the same transaction as every write (migration 0150).

    ``facet`` is "" for all records, else a problem (case figures: the case and its visits,
    assistance and referrals counted under each problem of the case) or a programme
    (registration figures). ``fiscal_year`` is 0 for figures as they stand today (open cases
    by status and urgency, open cases visited with no follow-up date, active volunteers),
    else the Thai fiscal year of the figure's date. ``active`` counts distinct persons at the
    centre; ``ActiveVolunteer`` corrects the sums over several centres."""

    # No index of its own: the key's index, (facet, fiscal year, figure, centre), serves every
    # read, and the table is written in that order (see cases.tallies) so a page's slice is a
    # few contiguous pages.
    centre = models.ForeignKey(
        Centre, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    facet = models.CharField(max_length=20, blank=True)
    figure = models.CharField(max_length=30)
    fiscal_year = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    objects = DashboardTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "fiscal_year", "figure", "centre"], name="dashboard_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.facet} {self.figure} {self.fiscal_year}: {self.n}"


class ActiveVolunteer(models.Model):
    """The active registrations of one volunteer as "centre:programme" strings, kept by the
    registration trigger (migration 0150). The trigger counts a person once per centre from
    it, and those active at two centres or more (``centre_count``) are the only ones the
    dashboards must not count twice in a row or total spanning both."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    placements = ArrayField(models.CharField(max_length=40), default=list)
    centre_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["centre_count"],
                condition=Q(centre_count__gte=2),
                name="active_volunteer_multi",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {', '.join(self.placements)}"
