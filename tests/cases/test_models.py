import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cases.models import Agency, Case, Household, HouseholdMember, Person
from cases.services import person_possible_duplicates
from centres.models import Subdistrict
from tests.cases.factories import PersonFactory, open_case
from tests.factories import CentreFactory


def test_a_person_has_a_national_id_or_a_reason_for_none(centre_a):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Person.objects.create(first_name="ไร้", centre=centre_a)
    with transaction.atomic(), pytest.raises(IntegrityError):
        # "other" needs its details.
        Person.objects.create(first_name="ไร้", centre=centre_a, no_id_reason="other")
    Person.objects.create(first_name="ไร้", centre=centre_a, no_id_reason="stateless")
    Person.objects.create(
        first_name="ไร้", centre=centre_a, no_id_reason="other", no_id_note="เอกสารสูญหาย"
    )


def test_a_national_id_is_unique_when_given_and_many_may_have_none(centre_a):
    PersonFactory(centre=centre_a, national_id="1101700230708")
    with transaction.atomic(), pytest.raises(IntegrityError):
        PersonFactory(centre=centre_a, national_id="1101700230708")
    for _ in range(2):
        PersonFactory(centre=centre_a, national_id=None, no_id_reason="unknown")
    assert Person.objects.filter(national_id__isnull=True).count() == 2


def test_model_validation_refuses_an_invalid_national_id(centre_a):
    person = PersonFactory.build(centre=centre_a, national_id="1101700230705")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "national_id" in refused.value.message_dict


def test_persons_are_visible_through_their_centre_and_through_cases_in_scope(
    centre_a, centre_b, chair_a, chair_b, superuser
):
    at_a = PersonFactory(centre=centre_a)
    at_b = PersonFactory(centre=centre_b)
    # Recorded by B, but with a case at A too (the person moved): A sees them.
    moved = PersonFactory(centre=centre_b)
    open_case(superuser, centre_a, person=moved)
    assert set(Person.objects.visible_to(chair_a)) == {at_a, moved}
    assert set(Person.objects.visible_to(chair_b)) == {at_b, moved}
    assert set(Case.objects.visible_to(chair_b)) == set()


def test_households_and_members_follow_their_centre(centre_a, centre_b, chair_b):
    household = Household.objects.create(name="ครอบครัวทดสอบ", centre=centre_a)
    HouseholdMember.objects.create(household=household, name="นายสมปอง", relation="head")
    assert not Household.objects.visible_to(chair_b).exists()
    assert not HouseholdMember.objects.visible_to(chair_b).exists()
    with transaction.atomic(), pytest.raises(IntegrityError):
        HouseholdMember.objects.create(household=household, relation="child")  # nobody


def test_agencies_are_shared_reference_data_for_anyone_with_a_scope(chair_b, django_user_model):
    Agency.objects.create(name_th="มูลนิธิ", type="foundation")
    assert Agency.objects.visible_to(chair_b).count() == 1
    nobody = django_user_model.objects.create_user("nobody")
    assert Agency.objects.visible_to(nobody).count() == 0


def test_possible_duplicates_by_id_or_by_name_birth_date_and_district(centre_a, chair_a):
    bang_khen = Subdistrict.objects.filter(district_id="1005").order_by("code")
    first, second = bang_khen[0], bang_khen[1]
    existing = PersonFactory(
        centre=centre_a,
        first_name="สมศรี",
        last_name="มีสุข",
        birth_date=dt.date(1965, 7, 5),
        subdistrict=first,
        national_id="1101700230708",
    )

    def look(**fields):
        return list(person_possible_duplicates(user=chair_a, **fields))

    assert look(national_id="1101700230708") == [existing]
    same = {"first_name": "สมศรี", "last_name": "มีสุข", "birth_date": dt.date(1965, 7, 5)}
    assert look(**same, district_code=second.district_id) == [existing]
    assert look(**same, district_code="1033") == []  # Khlong Toei
    assert look(**{**same, "birth_date": dt.date(1965, 7, 6)}, district_code="1005") == []
    assert look(**same) == []  # without a district nothing is compared
    # A person never matches themself.
    assert list(person_possible_duplicates(user=chair_a, person=existing)) == []


def test_possible_duplicates_outside_the_users_centres_are_not_shown(centre_a, chair_b):
    PersonFactory(centre=centre_a, national_id="1101700230708")
    assert list(person_possible_duplicates(user=chair_b, national_id="1101700230708")) == []


def test_names_sort_in_thai_dictionary_order(centre_a):
    for name in ["ไก่", "ขวด", "กา", "โกง", "เกาะ", "แก้ว"]:
        PersonFactory(centre=centre_a, first_name=name)
    names = list(Person.objects.values_list("first_name", flat=True))
    assert names == ["กา", "เกาะ", "แก้ว", "โกง", "ไก่", "ขวด"]


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Person.objects.filter(first_name__icontains="เรือน"), "person_first_name_trgm"),
        (lambda: Person.objects.filter(last_name__icontains="แสงท"), "person_last_name_trgm"),
        (lambda: Case.objects.filter(number__icontains="BKN-25"), "case_number_trgm"),
        (lambda: Agency.objects.filter(name_th__icontains="คุ้มครอง"), "agency_name_th_trgm"),
    ],
)
def test_substring_searches_can_use_the_trigram_indexes(queryset, index, centre_a):
    with connection.cursor() as cursor:
        # With a handful of rows the planner prefers a scan; forbid it to see the index used.
        # A whole walk of another index (the statistics other tests' ANALYZE left behind can
        # make it look cheap) is forbidden too: a trigram index is read by a bitmap scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = queryset().explain()
    assert index in plan, plan


def test_case_number_is_unique_whatever_the_counter_says(centre_a, superuser):
    case = open_case(superuser, centre_a)
    clone = Case.objects.filter(pk=case.pk).values().get()
    clone.pop("id")
    clone["sequence"] += 1
    with transaction.atomic(), pytest.raises(IntegrityError):
        Case.objects.create(**clone)


def test_ended_centres_take_no_new_cases(superuser):
    closed = CentreFactory(code="OLD", status="closed")
    with pytest.raises(ValidationError) as refused:
        open_case(superuser, closed)
    assert refused.value.error_dict["centre"][0].code == "centre_closed"
