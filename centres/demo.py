"""Demo logins for bin/run. Deterministic: running it again resets the same accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from centres.models import StaffAssignment

DEMO_PASSWORD = "demo-1234"  # noqa: S105 - demo data only, printed by bin/run


@transaction.atomic
def demo_users_load() -> list[str]:
    """Create the ministry administrator login; returns the lines bin/run prints."""
    user_model = get_user_model()
    admin, _ = user_model.objects.update_or_create(
        username="admin",
        defaults={
            "first_name": "ผู้ดูแลระบบ",
            "last_name": "กระทรวง",
            "is_staff": True,
            "is_superuser": True,
            "is_active": True,
        },
    )
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    StaffAssignment.objects.get_or_create(user=admin, role=StaffAssignment.Role.MINISTRY_ADMIN)
    return [f"ministry administrator: admin / {DEMO_PASSWORD}"]
