"""Two intakes at once, on two real database connections: they never share a case number.

Django gives every thread its own connection, so each thread below is a separate PostgreSQL
session with its own transaction, as two staff members submitting at the same moment are. The
tests ask for ``transactional_db`` by name: conftest reloads the geography after them.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from cases.models import Case
from tests.cases.factories import PersonFactory, open_case
from tests.factories import CentreFactory, UserFactory


def _in_thread(target, results, errors):
    def run():
        try:
            results.append(target())
        except Exception as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def _backend_waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_a_second_intake_waits_for_the_first_and_takes_the_next_number(transactional_db):
    centre = CentreFactory(code="BKN")
    actor = UserFactory(is_superuser=True)
    first_person, second_person = PersonFactory(centre=centre), PersonFactory(centre=centre)
    first_holds_its_number = threading.Event()
    release_first = threading.Event()
    second_pid = []
    results, errors = [], []

    def first():
        with transaction.atomic():
            case = open_case(actor, centre, person=first_person)
            first_holds_its_number.set()
            # Stay uncommitted, holding the counter row, until the second intake is blocked.
            release_first.wait(timeout=30)
        return case.number

    def second():
        first_holds_its_number.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            second_pid.append(cursor.fetchone()[0])
        return open_case(actor, centre, person=second_person).number

    threads = [_in_thread(first, results, errors), _in_thread(second, results, errors)]
    for thread in threads:
        thread.start()
    try:
        assert first_holds_its_number.wait(timeout=30)
        # Poll until PostgreSQL itself reports the second session waiting on the lock.
        for _ in range(3000):
            if second_pid and _backend_waits_on_a_lock(second_pid[0]):
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the second intake never waited for the first one's lock")
    finally:
        release_first.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    fy = Case.objects.values_list("fiscal_year", flat=True).first()
    # The first transaction committed 0001; the second, having waited, read it and took 0002.
    assert sorted(results) == [f"BKN-{fy}-0001", f"BKN-{fy}-0002"]
    assert Case.objects.count() == 2


def test_many_simultaneous_intakes_get_distinct_consecutive_numbers(transactional_db):
    centre = CentreFactory(code="TWT")
    actor = UserFactory(is_superuser=True)
    persons = [PersonFactory(centre=centre) for _ in range(8)]
    start = threading.Barrier(len(persons))
    results, errors = [], []

    def intake(person):
        def run():
            start.wait(timeout=30)
            return open_case(actor, centre, person=person).sequence

        return run

    threads = [_in_thread(intake(p), results, errors) for p in persons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == list(range(1, len(persons) + 1))
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == len(persons)
