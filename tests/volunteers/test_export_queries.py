"""The volunteer export's queries: two a chunk of volunteers (the chunk, their latest
registrations), however many volunteers and registrations there are."""

import datetime as dt
import io
import threading

import openpyxl
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import national_id
from volunteers.models import Programme, Registration, Volunteer

pytestmark = pytest.mark.django_db

URL = "admin:volunteers_volunteer_export_file"


def volunteers_with_registrations(count: int, centre, start: int) -> None:
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            national_id=national_id(500 + n),
            first_name=f"อาสา{n}",
            phone="+66812345678",
            birth_date=dt.date(1980, 1, 1 + n % 28),
        )
        for n in range(start, start + count)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre,
            programme=programme,
            registered_on=on,
            number=f"{start + n:04d}/{be}",
        )
        for n, v in enumerate(volunteers)
        for programme, on, be in (
            (Programme.APM, dt.date(2019, 1, 1), 2562),
            (Programme.APS, dt.date(2020, 1, 1), 2563),
        )
    )


def export_rows(client, file_format) -> tuple[int, list[list]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(URL, args=[file_format]))
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    if file_format == "csv":
        rows = content.decode("utf-8-sig").splitlines()
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return len(queries), rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@override_settings(VOLUNTEER_EXPORT_CHUNK_SIZE=4)
def test_a_ministry_export_adds_two_queries_a_chunk_and_none_a_row(
    client, ministry_admin, centre_a, file_format
):
    client.force_login(ministry_admin)
    volunteers_with_registrations(6, centre_a, start=0)  # two chunks
    small, rows = export_rows(client, file_format)
    assert len(rows) == 1 + 6
    volunteers_with_registrations(12, centre_a, start=6)  # five chunks
    large, rows = export_rows(client, file_format)
    assert len(rows) == 1 + 18
    # Three more chunks: three more of (the chunk's volunteers, their registrations), and
    # nothing for each of the 12 more volunteers or their 24 registrations.
    assert large - small == 2 * 3


def reading_ahead() -> list:
    return [t for t in threading.enumerate() if t.name == "export-read-ahead"]


@override_settings(VOLUNTEER_EXPORT_CHUNK_SIZE=4)
def test_a_download_abandoned_half_way_stops_reading_the_registry(client, ministry_admin, centre_a):
    client.force_login(ministry_admin)
    volunteers_with_registrations(18, centre_a, start=0)
    response = client.get(reverse(URL, args=["csv"]))
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)  # the headers and the first chunk
    assert reading_ahead()
    response.close()  # as a server closes it
    assert not reading_ahead()
