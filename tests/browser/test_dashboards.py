"""A supervisor drills from the nation down to Bang Khen in Chromium and reads the 2019
article's figure: 50 active อพม. (seeds/003). The data is built here, not taken from the demo."""

import re

import pytest

from centres.models import Centre, District
from tests.browser.conftest import has_sideways_scroll, log_in
from tests.factories import CentreFactory, RegistrationFactory, StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def bangkok(db):
    national = Centre.objects.create(
        code="NAT", level=Centre.Level.NATIONAL, name_th="ศูนย์ประสานงานอาสาสมัครแห่งชาติ"
    )
    bang_khen = CentreFactory(
        code="BKN", parent=national, district=District.objects.get(code="1005")
    )
    thawi_watthana = CentreFactory(
        code="TWT", parent=national, district=District.objects.get(code="1048")
    )
    RegistrationFactory.create_batch(50, centre=bang_khen, programme="apm")
    # Not active อพม.: ended or suspended ones, and other programmes, at the same centre.
    RegistrationFactory.create_batch(3, centre=bang_khen, programme="apm", status="ended")
    RegistrationFactory.create_batch(2, centre=bang_khen, programme="apm", status="suspended")
    RegistrationFactory.create_batch(4, centre=bang_khen, programme="aps")
    RegistrationFactory.create_batch(19, centre=thawi_watthana, programme="apm")
    supervisor = UserFactory(username="supervisor")
    StaffAssignmentFactory(user=supervisor, role="supervisor", centre=national)
    return bang_khen


def at(path: str):
    """The dashboard at ``path``, with or without the filters the links carry along."""
    return re.compile(rf"/dashboards/{re.escape(path)}(\?.*)?$")


def figure(page, row_key, column, table="volunteers"):
    return page.locator(
        f"table[data-table={table}] tr[data-row='{row_key}'] td[data-column={column}]"
    ).inner_text()


def test_supervisor_drills_from_the_nation_to_bang_khen(page, bangkok):
    log_in(page, "supervisor")
    page.goto(f"{page.base}/dashboards/")
    page.wait_for_url(at("nation/"))
    assert figure(page, "BKK", "active_apm") == "69"
    assert figure(page, "total", "active_apm") == "69"

    page.click("table[data-table=volunteers] tr[data-row=BKK] a")  # the Bangkok region
    page.wait_for_url(at("region/BKK/"))
    page.click("table[data-table=volunteers] tr[data-row='10'] a")  # the province
    page.wait_for_url(at("province/10/"))
    assert figure(page, "1048", "active_apm") == "19"
    page.click("table[data-table=volunteers] a:text-is('เขตบางเขน')")
    page.wait_for_url(at("district/1005/"))

    assert page.locator("h1").inner_text() == "เขตบางเขน"
    assert figure(page, bangkok.pk, "active_apm") == "50"
    assert figure(page, bangkok.pk, "active_aps") == "4"
    assert figure(page, bangkok.pk, "active") == "54"
    # The chart is drawn from the same figures, and the breadcrumb leads back up.
    assert page.locator("[data-chart=volunteers] canvas").bounding_box()["height"] > 100
    page.click("nav.breadcrumb a:text-is('ทั่วประเทศ')")
    page.wait_for_url(at("nation/"))


def test_dashboard_fits_a_phone_without_sideways_scroll(phone_page, bangkok):
    log_in(phone_page, "supervisor")
    phone_page.goto(f"{phone_page.base}/dashboards/province/10/")
    phone_page.wait_for_selector("[data-chart=volunteers] canvas")
    assert not has_sideways_scroll(phone_page)
    # The wide tables scroll inside their own box instead.
    box = phone_page.locator("table[data-table=cases]").bounding_box()
    assert box["width"] > 360
