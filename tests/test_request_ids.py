"""Every answer carries the id of its request, so the history, the read log and the server's
log can be joined on it."""

import pytest

from volunteer_centre.request_ids import HEADER, current_request_id, request_id_from

pytestmark = pytest.mark.django_db


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz").headers[HEADER]
    second = client.get("/healthz").headers[HEADER]
    assert len(first) == 32
    assert first != second


def test_the_proxys_id_is_kept_when_well_formed(client):
    response = client.get("/healthz", headers={HEADER: "proxy-4f2a_01"})
    assert response.headers[HEADER] == "proxy-4f2a_01"


@pytest.mark.parametrize("forged", ["a b", "x" * 65, "<script>", "id\u0e01", ""])
def test_a_malformed_id_is_replaced_never_trusted(forged):
    replaced = request_id_from(forged)
    assert replaced != forged
    assert len(replaced) == 32


def test_no_id_outside_a_request():
    assert current_request_id() == ""
