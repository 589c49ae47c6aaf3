"""The cases admin's clients: a ministry administrator and the chair of centre A, each made
staff with the cases' permissions (tests.cases.test_admin.staff)."""

import pytest

from tests.cases.test_admin import staff


@pytest.fixture
def admin_client(client, ministry_admin):
    client.force_login(staff(ministry_admin))
    return client


@pytest.fixture
def chair_a_client(client, chair_a):
    client.force_login(staff(chair_a))
    return client
