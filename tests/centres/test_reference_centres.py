import datetime as dt

from django.core.management import call_command

from centres.models import Centre

BANGKOK_CENTRES = {
    "KTY": "1033",
    "DMG": "1036",
    "KSW": "1046",
    "BBN": "1050",
    "TLC": "1019",
    "WTL": "1045",
    "LPR": "1038",
    "BKY": "1016",
    "NCK": "1003",
    "BKN": "1005",
    "TWT": "1048",
}


def test_reference_data_has_the_national_centre_and_eleven_bangkok_centres(db):
    call_command("load_reference_data", verbosity=0)
    national = Centre.objects.get(level=Centre.Level.NATIONAL)
    assert national.parent is None
    assert national.opened_on == dt.date(2017, 5, 25)
    assert "ปริ๊นซ์ พาเลซ" in national.opening_venue
    districts = dict(
        Centre.objects.filter(level=Centre.Level.DISTRICT).values_list("code", "district_id")
    )
    assert districts == BANGKOK_CENTRES
    assert Centre.objects.count() == 12
    assert set(Centre.objects.exclude(pk=national.pk).values_list("parent", flat=True)) == {
        national.pk
    }
    assert not Centre.objects.exclude(pk=national.pk).exclude(province_id="10").exists()


def test_opening_dates_are_those_of_the_sources_and_unknown_ones_stay_empty(reference_centres):
    opened = dict(Centre.objects.values_list("code", "opened_on"))
    assert opened["BKN"] == dt.date(2019, 3, 11)
    assert opened["TWT"] == dt.date(2019, 3, 12)
    assert opened["DMG"] == dt.date(2018, 5, 15)
    assert opened["WTL"] == dt.date(2018, 7, 5)
    assert {c for c, d in opened.items() if d is None} == {
        "KTY", "KSW", "BBN", "TLC", "LPR", "BKY", "NCK"
    }  # fmt: skip
    bang_khen = Centre.objects.get(code="BKN")
    assert bang_khen.name_th == "ศูนย์ประสานงาน อพม. เขตบางเขน"
    assert bang_khen.subdistrict.name_th == "อนุสาวรีย์"
    assert "พร้อมสุข" in bang_khen.address
    assert Centre.objects.get(code="TWT").subdistrict.name_th == "ศาลาธรรมสพน์"


def test_loading_reference_data_twice_creates_nothing_new(reference_centres):
    before = list(Centre.objects.order_by("code").values())
    call_command("load_reference_data", verbosity=0)
    assert list(Centre.objects.order_by("code").values()) == before
