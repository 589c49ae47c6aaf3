"""Who did something, as the records keep it."""

from __future__ import annotations

from django.contrib.auth.models import User


def recorded_actor(actor: object) -> User | None:
    """The user to record as having done something: ``actor`` when it is a saved user, else
    None (an anonymous user, or a command run without one), which the ``*_by`` columns keep as
    empty."""
    return actor if isinstance(actor, User) and actor.pk else None
