"""A mistyped address in Chromium: the 404 page keeps the site's Thai menu and a way home."""

import pytest

from tests.browser.conftest import has_sideways_scroll, log_in

pytestmark = pytest.mark.browser


def test_a_chair_on_a_missing_page_sees_the_thai_menu_and_gets_home(page, chair_a):
    log_in(page, chair_a.username)
    response = page.goto(f"{page.base}/cases/no-such-page/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("h1").inner_text() == "ไม่พบหน้านี้"
    menu = page.locator("nav.main a")
    assert menu.all_inner_texts()[:1] == ["หน้าหลัก"]
    assert "รายกรณี" in menu.all_inner_texts()
    assert "อาสาสมัคร" in menu.all_inner_texts()
    assert not has_sideways_scroll(page)

    page.click("#error-home")
    page.wait_for_url(f"{page.base}/")
    assert page.locator("nav.main").is_visible()


def test_the_404_page_follows_the_language_switch(page, chair_a):
    log_in(page, chair_a.username)
    page.goto(f"{page.base}/no-such-page/")
    page.click(".language-switch button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Cases" in page.locator("nav.main").inner_text()
