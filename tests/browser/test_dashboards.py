"""A supervisor drills from the nation down to Bang Khen in Chromium and reads the 2019
article's figure: 50 active อพม. (seeds/003), in the demo data that bin/run loads.

These tests load the reference and demo data the way bin/run does (the two management
commands), so they check what a person trying the site sees; the other dashboard tests build
their own data."""

import io
import re

import pytest
from django.core.management import call_command

from centres.demo import DEMO_PASSWORD
from centres.models import Centre
from tests.browser.conftest import has_sideways_scroll, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """The reference and demo data of bin/run; returns the Bang Khen centre."""
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    return Centre.objects.get(code="BKN")


def at(path: str):
    """The dashboard at ``path``, with or without the filters the links carry along."""
    return re.compile(rf"/dashboards/{re.escape(path)}(\?.*)?$")


def figure(page, row_key, column, table="volunteers"):
    return page.locator(
        f"table[data-table={table}] tr[data-row='{row_key}'] td[data-column={column}]"
    ).inner_text()


def test_supervisor_drills_from_the_nation_to_bang_khen(page, demo):
    log_in(page, "supervisor", DEMO_PASSWORD)  # the demo's national supervisor
    page.goto(f"{page.base}/dashboards/")
    page.wait_for_url(at("nation/"))
    assert page.locator("h1").inner_text() == "ทั่วประเทศ"

    page.click("table[data-table=volunteers] tr[data-row=BKK] a")  # the Bangkok region
    page.wait_for_url(at("region/BKK/"))
    page.click("table[data-table=volunteers] tr[data-row='10'] a")  # the province
    page.wait_for_url(at("province/10/"))
    assert figure(page, "1048", "active_apm") == "19"  # Thawi Watthana, the same article
    page.click("table[data-table=volunteers] a:text-is('เขตบางเขน')")
    page.wait_for_url(at("district/1005/"))

    assert page.locator("h1").inner_text() == "เขตบางเขน"
    assert figure(page, demo.pk, "active_apm") == "50"
    # A centre is the last level: its row is plain text, and the page says so.
    assert page.locator(f"table[data-table=volunteers] tr[data-row='{demo.pk}'] a").count() == 0
    assert page.locator(".centre-rows-note").is_visible()
    # The chart is drawn from the same figures, and the breadcrumb leads back up.
    assert page.locator("[data-chart=volunteers] canvas").bounding_box()["height"] > 100
    page.click("nav.breadcrumb a:text-is('ทั่วประเทศ')")
    page.wait_for_url(at("nation/"))


def test_dashboard_fits_a_phone_without_sideways_scroll(phone_page, demo):
    log_in(phone_page, "supervisor", DEMO_PASSWORD)
    phone_page.goto(f"{phone_page.base}/dashboards/province/10/")
    phone_page.wait_for_selector("[data-chart=volunteers] canvas")
    assert not has_sideways_scroll(phone_page)
    # The wide tables scroll inside their own box instead.
    box = phone_page.locator("table[data-table=cases]").bounding_box()
    assert box["width"] > 360
