"""Who the records keep as having done something (volunteer_centre.actors)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from volunteer_centre.actors import recorded_actor


@pytest.mark.django_db
def test_a_saved_user_is_recorded_and_anyone_else_is_kept_as_nobody():
    user = User.objects.create_user("somchai")
    assert recorded_actor(user) is user
    assert recorded_actor(AnonymousUser()) is None
    assert recorded_actor(User(username="unsaved")) is None
    assert recorded_actor(None) is None
