import pytest
from django.contrib.auth import get_user_model

from centres.reference import centres_load, geography_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference geography is loaded once into the test database, as in production."""
    with django_db_blocker.unblock():
        geography_load()


@pytest.fixture(autouse=True)
def _geography_survives_flushes(request, django_db_blocker):
    """Transactional and browser tests end by truncating every table. Before each database
    test (autouse fixtures run before the test's own, so outside its transaction) the
    geography is put back if a flush took it."""
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        from centres.models import Province

        if not Province.objects.exists():
            geography_load()


@pytest.fixture
def reference_centres(db):
    centres_load()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw-Root-1234")


# The access matrix's cast (healthchecks' alice/bob/charlie): centre A in Bangkok (Bang Khen),
# centre B in Chiang Mai (the North), their chairs, a supervisor of the North, an administrator.
@pytest.fixture
def national_centre(db):
    from centres.models import Centre

    return Centre.objects.create(code="NAT", level=Centre.Level.NATIONAL, name_th="ศูนย์แห่งชาติ")


@pytest.fixture
def centre_a(national_centre):
    from tests.factories import CentreFactory

    return CentreFactory(code="BKN", parent=national_centre, district_id="1005")


@pytest.fixture
def centre_b(national_centre):
    from centres.models import District
    from tests.factories import CentreFactory

    return CentreFactory(
        code="CMI", parent=national_centre, district=District.objects.get(code="5001")
    )


def _assigned(role, username=None, **where):
    """A user with one assignment, given its role's group and staff status as the services
    give them (centres.roles)."""
    from centres.roles import roles_sync
    from tests.factories import StaffAssignmentFactory, UserFactory

    username = username or f"{role}-{'-'.join(str(v) for v in where.values())}"
    user = UserFactory(username=username)
    StaffAssignmentFactory(user=user, role=role, **where)
    roles_sync(user)
    return user


@pytest.fixture
def chair_a(centre_a):
    return _assigned("chair", centre=centre_a)


@pytest.fixture
def chair_b(centre_b):
    return _assigned("chair", centre=centre_b)


@pytest.fixture
def supervisor_north(db):
    from centres.models import Region

    return _assigned("supervisor", centre=None, region=Region.objects.get(code="N"))


@pytest.fixture
def ministry_admin(db):
    """A ministry administrator who is not a superuser: the role's group gives the rights."""
    return _assigned("ministry_admin", username="ministry-admin", centre=None)


# The longest test files, started first: pytest-xdist hands a file to a worker in collection
# order (--dist loadfile), and a long file handed out last would leave the other worker idle
# at the end of the run.
LONGEST_FIRST = (
    "tests/test_bench_plans.py",
    "tests/test_role_matrix.py",
    "tests/test_no_long_selects.py",
    "tests/test_bench_small.py",
    "tests/dashboards/test_exports.py",
    "tests/cases/test_admin.py",
    "tests/staff/test_corrections.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
