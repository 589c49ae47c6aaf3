from django.core.management import call_command
from django.db.models import Count

from centres.models import District, Province, Region, Subdistrict
from centres.reference import geography_load


def test_geography_has_all_of_thailand(db):
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert Subdistrict.objects.count() == 7436


def test_every_subdistrict_has_a_five_digit_postcode(db):
    assert not Subdistrict.objects.exclude(postcode__regex=r"^\d{5}$").exists()
    anusawari = Subdistrict.objects.select_related("district__province").get(code="100502")
    assert (anusawari.name_th, anusawari.name_en, anusawari.postcode) == (
        "อนุสาวรีย์",
        "Anusawari",
        "10220",
    )
    assert anusawari.district.name_en == "Bang Khen"
    assert anusawari.district.province.name_th == "กรุงเทพมหานคร"


def test_loading_geography_twice_changes_nothing(db):
    before = list(Subdistrict.objects.order_by("code").values_list())
    result = geography_load()
    assert all(counts == (0, 0) for counts in result.values())
    call_command("load_geography", verbosity=0)
    assert list(Subdistrict.objects.order_by("code").values_list()) == before


def test_loading_geography_repairs_an_edited_name(db):
    Province.objects.filter(code="50").update(name_th="แก้ไขผิด")
    result = geography_load()
    assert result["provinces"] == (0, 1)
    assert Province.objects.get(code="50").name_th == "เชียงใหม่"


def test_provinces_fall_into_bangkok_and_the_four_regions(db):
    counts = dict(Region.objects.annotate(n=Count("provinces")).values_list("name_en", "n"))
    assert counts == {"Bangkok": 1, "Central": 25, "North": 17, "Northeast": 20, "South": 14}
    assert Province.objects.get(code="10").region.name_en == "Bangkok"
    assert Province.objects.get(name_en="Chiang Mai").region.name_en == "North"


def test_thai_names_sort_in_dictionary_order(db):
    region = Region.objects.create(code="T", name_th="ทดสอบ", name_en="Test", sort_order=9)
    words = ["กา", "เกาะ", "แก้ว", "โกง", "ไก่", "ขวด"]
    for i, word in enumerate(reversed(words)):
        Province.objects.create(code=f"Z{i}", name_th=word, name_en=word, region=region)
    assert list(region.provinces.values_list("name_th", flat=True)) == words


def test_province_list_is_in_thai_dictionary_order_not_code_point_order(db):
    names = list(Province.objects.values_list("name_th", flat=True))
    # A leading vowel does not send a name to the end: เชียงใหม่ files under ช, before ตรัง.
    assert names.index("เชียงใหม่") < names.index("ตรัง")
    # And a consonant after ช comes before a vowel: ชลบุรี, ชัยนาท, ชุมพร, then เชียงราย.
    order = ["ขอนแก่น", "ชลบุรี", "ชัยนาท", "ชุมพร", "เชียงราย", "เชียงใหม่", "ตรัง"]
    assert sorted(order, key=names.index) == order
    assert names[-1] == "อุบลราชธานี"
