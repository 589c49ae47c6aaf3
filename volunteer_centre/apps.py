import datetime as dt
from typing import cast

from django.apps import AppConfig
from django.utils import dateformat


class VolunteerCentreConfig(AppConfig):
    name = "volunteer_centre"
    verbose_name = "Volunteer Centre"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from volunteer_centre.sessions import mark_signed_in

        _show_years_in_buddhist_era()
        user_logged_in.connect(mark_signed_in, dispatch_uid="vc-session-limits")


def _show_years_in_buddhist_era() -> None:
    """Make Django's date formatting print BE years while Thai is active.

    Every date the site shows (templates' |date, the admin, localized output) goes through
    DateFormat, so patching its two year letters here is the one chokepoint; the alternative,
    a custom filter in every template, would miss the admin and third-party pages.
    """
    from volunteer_centre.thai import be_year, uses_buddhist_era

    # data is a date or a datetime for these date letters (on a time, Django's own fail alike).
    def year_4(self: dateformat.DateFormat) -> str:
        year = cast(dt.date, self.data).year
        return f"{be_year(year) if uses_buddhist_era() else year:04d}"

    def year_2(self: dateformat.DateFormat) -> str:
        year = cast(dt.date, self.data).year
        return f"{(be_year(year) if uses_buddhist_era() else year) % 100:02d}"

    # setattr, since mypy refuses an assignment to a method (and django-stubs has Y return an
    # int, where Django's returns a str, as this one does).
    setattr(dateformat.DateFormat, "Y", year_4)  # noqa: B010 - a deliberate monkeypatch
    setattr(dateformat.DateFormat, "y", year_2)  # noqa: B010 - a deliberate monkeypatch
