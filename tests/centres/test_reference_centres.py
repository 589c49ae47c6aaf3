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
        "KTY",
        "KSW",
        "BBN",
        "TLC",
        "LPR",
        "BKY",
        "NCK",
    }
    bang_khen = Centre.objects.get(code="BKN")
    assert bang_khen.name_th == "ศูนย์ประสานงาน อพม. เขตบางเขน"
    assert bang_khen.subdistrict.name_th == "อนุสาวรีย์"
    assert "พร้อมสุข" in bang_khen.opening_venue
    assert Centre.objects.get(code="TWT").subdistrict.name_th == "ศาลาธรรมสพน์"


def test_opening_places_quote_the_sources_in_one_field(reference_centres):
    venues = dict(Centre.objects.exclude(opening_venue="").values_list("code", "opening_venue"))
    assert venues == {
        "NAT": "โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร",
        "BKN": "ที่ทำการชุมชน หมู่บ้านพร้อมสุข (ซ. รามอินทรา ๘) แขวงอนุสาวรีย์ เขตบางเขน กรุงเทพมหานคร",
        "TWT": "ทำการสุขภาพ เลียบคลองทวีวัฒนา แขวงศาลาธรรมสพน์ เขตทวีวัฒนา กรุงเทพมหานคร",
    }
    # Nothing the sources do not give is made up as an address.
    assert not Centre.objects.exclude(address="").exists()


def test_reloading_reference_data_keeps_what_an_administrator_changed(reference_centres):
    bang_khen = Centre.objects.get(code="BKN")
    bang_khen.opened_on = dt.date(2019, 3, 18)
    bang_khen.address = "99 ซอยรามอินทรา 8 แขวงอนุสาวรีย์ เขตบางเขน กรุงเทพมหานคร 10220"
    bang_khen.opening_venue = "ศาลาประชาคม"
    bang_khen.name_en = "Bang Khen Centre"
    bang_khen.save()
    national = Centre.objects.get(code="NAT")
    national.opened_on = None  # cleared by mistake: the source's date comes back
    national.save()
    call_command("load_reference_data", verbosity=0)
    bang_khen.refresh_from_db()
    assert bang_khen.opened_on == dt.date(2019, 3, 18)
    assert bang_khen.address.startswith("99 ซอยรามอินทรา 8")
    assert bang_khen.opening_venue == "ศาลาประชาคม"
    assert bang_khen.name_en == "Bang Khen Centre"
    assert Centre.objects.get(code="NAT").opened_on == dt.date(2017, 5, 25)
    assert Centre.objects.count() == 12


def test_a_deleted_reference_centre_comes_back_whole(reference_centres):
    Centre.objects.filter(code="TWT").delete()
    call_command("load_reference_data", verbosity=0)
    twt = Centre.objects.get(code="TWT")
    assert twt.opened_on == dt.date(2019, 3, 12)
    assert twt.parent.code == "NAT"
    assert (twt.province_id, twt.district_id, twt.subdistrict_id) == ("10", "1048", "104802")
    assert twt.opening_venue.startswith("ทำการสุขภาพ")


def test_loading_reference_data_twice_creates_nothing_new(reference_centres):
    before = list(Centre.objects.order_by("code").values())
    call_command("load_reference_data", verbosity=0)
    assert list(Centre.objects.order_by("code").values()) == before
