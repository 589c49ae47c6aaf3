"""Who did something, as the records keep it."""

from __future__ import annotations

from typing import Any


def recorded_actor(actor: Any) -> Any:
    """The user to record as having done something: ``actor`` when it is a saved user, else
    None (an anonymous user, or a command run without one), which the ``*_by`` columns keep as
    empty."""
    return actor if getattr(actor, "pk", None) else None
