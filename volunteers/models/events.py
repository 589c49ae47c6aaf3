"""Events organised by a centre (trainings, workshops, meetings, ceremonies) and who attended."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import THAI_COLLATION, Centre
from volunteers import rules
from volunteers.models._common import CentreOwnedQuerySet
from volunteers.models.volunteers import Volunteer
from volunteers.validation import validate_since_ministry


class EventQuerySet(CentreOwnedQuerySet["Event"]):
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
        rules.check_first(self, rules.EVENT_RULES)


class AttendanceQuerySet(CentreOwnedQuerySet["Attendance"]):
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
        rules.check_all(self, rules.ATTENDANCE_RULES)
