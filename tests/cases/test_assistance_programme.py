"""The assistance programme is optional: help is recorded under no programme unless someone
picks one, so goods are not filed under a cash grant because a select started on it."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Assistance
from cases.services import assistance_record
from tests import clock
from tests.cases.factories import open_case
from tests.cases.test_admin import change_post, staff
from tests.staff.posts import be


@pytest.fixture
def case(chair_a, centre_a):
    return open_case(chair_a, centre_a)


def test_goods_recorded_without_a_programme_have_none(chair_a, case):
    goods = assistance_record(
        actor=chair_a,
        case=case,
        kind="goods",
        given_on=clock.today(),
        items=[{"name": "จักรยาน", "quantity": 1, "unit": "คัน"}],
    )
    assert goods.programme == ""
    assert Assistance(case=case, kind="goods", given_on=clock.today()).programme == ""


def test_a_grant_keeps_the_programme_it_was_given_under(chair_a, case):
    grant = assistance_record(
        actor=chair_a,
        case=case,
        kind="money",
        amount=3000,
        given_on=clock.today(),
        programme="low_income_grant",
    )
    grant.refresh_from_db()
    assert grant.programme == "low_income_grant"


def test_an_unknown_programme_is_refused_on_the_programme_field(chair_a, case):
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a,
            case=case,
            kind="money",
            amount=3000,
            given_on=clock.today(),
            programme="lottery",
        )
    assert "programme" in refused.value.message_dict
    assert not case.assistance.exists()


def test_the_staff_assistance_form_starts_on_no_programme(client, chair_a, case):
    client.force_login(chair_a)
    url = reverse("cases:assistance-create", args=[case.pk])
    page = client.get(url).content.decode()
    select = page[page.index('name="programme"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>' in select
    assert select.count("selected") == 1


def test_goods_posted_on_the_staff_page_show_no_programme_on_the_timeline(client, chair_a, case):
    client.force_login(chair_a)
    url = reverse("cases:assistance-create", args=[case.pk])
    response = client.post(
        url,
        {
            "kind": "goods",
            "programme": "",
            "given_on": be(clock.today()),
            "item_1_name": "ถุงยังชีพ",
            "item_1_quantity": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert case.assistance.get().programme == ""
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    line = next(x for x in page[page.index('id="timeline"') :].splitlines() if "สิ่งของ" in x)
    assert "เงินอุดหนุน" not in line
    assert "อื่น ๆ" not in line
    assert "สิ่งของ ·" not in line  # no separator left before a missing programme


def test_a_grant_posted_from_the_staff_page_shows_its_programme(client, chair_a, case):
    client.force_login(chair_a)
    url = reverse("cases:assistance-create", args=[case.pk])
    response = client.post(
        url,
        {
            "kind": "money",
            "programme": "newborn_grant",
            "given_on": be(clock.today()),
            "amount": "600",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "เงิน · เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด" in page


def test_goods_added_in_the_admin_without_a_programme_have_none(client, chair_a, case):
    client.force_login(staff(chair_a))
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    select = page[page.index('name="assistance-__prefix__-programme"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>' in select
    response = change_post(
        client,
        case,
        **{
            "assistance-TOTAL_FORMS": 1,
            "assistance-0-kind": "goods",
            "assistance-0-programme": "",
            "assistance-0-amount": "0",
            "assistance-0-given_on": be(clock.today()),
            "assistance-0-items_text": "ข้าวสาร 2 ถุง",
        },
    )
    assert response.status_code == 302
    assert case.assistance.get().programme == ""


def test_the_migration_clears_only_programmes_that_were_defaults(chair_a, case):
    """Rows written as before 0006 (the model's default "other", or the staff select's first
    option) lose a programme only where they are not money; a grant picked on purpose stays.
    The data migration's own function runs on today's model (rewinding the schema under a
    test's transaction would collide with the later migrations of the case tables)."""
    from django.apps import apps

    migration = importlib.import_module(
        "cases.migrations.0007_assistance_programme_defaults_cleared"
    )
    day = case.opened_on + dt.timedelta(days=1)

    def row(kind, **fields):
        return Assistance.objects.create(
            case=case, kind=kind, given_on=day, provider_centre_id=case.centre_id, **fields
        ).pk

    money_defaulted = row("money", amount=Decimal(500), programme="other")
    money_grant = row("money", amount=Decimal(3000), programme="low_income_grant")
    goods_defaulted = row("goods", description="ถุงยังชีพ", programme="other")
    goods_first_option = row("goods", description="จักรยาน", programme="low_income_grant")
    other_help = row("other", description="พาไปโรงพยาบาล", programme="other")
    goods_chosen = row("goods", description="ชุดเด็กแรกเกิด", programme="newborn_grant")

    migration.clear_defaulted_programmes(apps, None)
    programmes = dict(Assistance.objects.values_list("pk", "programme"))
    assert programmes == {
        money_defaulted: "other",
        money_grant: "low_income_grant",
        goods_defaulted: "",
        goods_first_option: "",
        other_help: "",
        goods_chosen: "newborn_grant",
    }


def test_the_dashboards_count_goods_without_a_programme_as_assistance(superuser):
    from tests.dashboards.factories import AssistanceFactory, CaseFactory
    from tests.dashboards.test_figures import dashboard_values
    from tests.factories import CentreFactory

    centre = CentreFactory(district_id="1005")
    case = CaseFactory(centre=centre)
    AssistanceFactory(case=case, kind="money", programme="low_income_grant", amount=3000)
    AssistanceFactory(case=case, kind="goods", amount=Decimal("450.00"), description="ข้าวสาร")
    _dashboard, figures, _total = dashboard_values(superuser, "district", "1005")
    assert figures[centre.pk]["assistance"] == 2
    assert figures[centre.pk]["baht"] == Decimal("3450.00")
    assert Assistance.objects.filter(programme="").count() == 1
