import pytest
from django.contrib.auth import get_user_model

from centres.services import centres_load, geography_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference geography is loaded once into the test database, as in production."""
    with django_db_blocker.unblock():
        geography_load()


@pytest.fixture(autouse=True)
def _reload_geography_after_flush(request, django_db_blocker):
    """Transactional tests end by truncating every table; put the geography back for the rest."""
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        with django_db_blocker.unblock():
            geography_load()


@pytest.fixture
def reference_centres(db):
    centres_load()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-Root-1234")
