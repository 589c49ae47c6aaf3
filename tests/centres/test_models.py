"""Model rules of centres and staff assignments: refused beside the field by the model, and by
the database for writes that skip validation."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from centres.models import Centre, District, Province, Region, StaffAssignment
from tests.factories import UserFactory


def _assignment(role, **where):
    return StaffAssignment(user=UserFactory(), role=role, **where)


@pytest.mark.parametrize("role", ["chair", "staff"])
@pytest.mark.parametrize("area", ["province", "region"])
def test_chair_or_staff_cannot_be_assigned_a_whole_province_or_region(db, centre_a, role, area):
    where = (
        {"province": Province.objects.get(code="10")}
        if area == "province"
        else {"region": Region.objects.get(code="BKK")}
    )
    for extra in ({}, {"centre": centre_a}):
        assignment = _assignment(role, **where, **extra)
        with pytest.raises(ValidationError) as refused:
            assignment.full_clean()
        assert area in refused.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            assignment.save()


@pytest.mark.parametrize("role", ["chair", "staff"])
def test_chair_or_staff_needs_a_centre(db, role):
    assignment = _assignment(role)
    with pytest.raises(ValidationError) as refused:
        assignment.full_clean()
    assert "centre" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()


def test_ministry_administrator_is_given_no_area(db, centre_a):
    for where in ({"centre": centre_a}, {"region": Region.objects.get(code="N")}):
        assignment = _assignment("ministry_admin", **where)
        with pytest.raises(ValidationError) as refused:
            assignment.full_clean()
        assert set(refused.value.error_dict) == set(where)
        with translation.override("en"):  # the messages are translated when read
            assert "leave this empty" in refused.value.messages[0]
        with pytest.raises(IntegrityError), transaction.atomic():
            assignment.save()
    _assignment("ministry_admin").full_clean()


def test_supervisors_may_cover_a_centre_a_province_or_a_region(db, centre_a):
    for where in (
        {"centre": centre_a},
        {"province": Province.objects.get(code="50")},
        {"region": Region.objects.get(code="N")},
    ):
        assignment = _assignment("supervisor", **where)
        assignment.full_clean()
        assignment.save()
    with pytest.raises(ValidationError) as refused:
        _assignment("supervisor").full_clean()
    assert set(refused.value.error_dict) == {NON_FIELD_ERRORS}
    with translation.override("en"):
        assert "A supervisor needs a centre, a province or a region." in refused.value.messages


def test_chair_at_a_centre_is_valid(db, centre_a):
    assignment = _assignment("chair", centre=centre_a)
    assignment.full_clean()
    assignment.save()


def test_a_centres_province_follows_from_its_district(national_centre):
    centre = Centre(
        code="X1",
        level="district",
        parent=national_centre,
        name_th="ศูนย์ทดสอบ",
        district=District.objects.get(code="5001"),
    )
    centre.full_clean()
    assert centre.province_id == "50"


def test_a_centre_in_a_district_of_another_province_is_refused(national_centre):
    centre = Centre(
        code="X2",
        level="district",
        parent=national_centre,
        name_th="ศูนย์ทดสอบ",
        district=District.objects.get(code="5001"),
        province_id="10",
    )
    with pytest.raises(ValidationError) as refused:
        centre.full_clean()
    assert "district" in refused.value.message_dict


def test_a_centres_subdistrict_must_be_in_its_district(national_centre):
    centre = Centre(
        code="X3",
        level="district",
        parent=national_centre,
        name_th="ศูนย์ทดสอบ",
        district_id="1005",
        subdistrict_id="104802",
    )
    with pytest.raises(ValidationError) as refused:
        centre.full_clean()
    assert "subdistrict" in refused.value.message_dict


def test_admin_fills_a_new_centres_province_from_its_district(client, superuser, national_centre):
    from django.urls import reverse

    client.force_login(superuser)
    data = {
        "code": "CMX",
        "level": "district",
        "parent": national_centre.pk,
        "name_th": "ศูนย์ทดสอบ",
        "status": "active",
        "district": "5001",
    }
    response = client.post(reverse("admin:centres_centre_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Centre.objects.get(code="CMX").province_id == "50"
    elsewhere = data | {"code": "CMY", "province": "10"}
    response = client.post(reverse("admin:centres_centre_add"), elsewhere)
    assert response.status_code == 200
    assert "อำเภอ/เขตนี้ไม่อยู่ในจังหวัดที่เลือก" in response.content.decode()
    assert not Centre.objects.filter(code="CMY").exists()
