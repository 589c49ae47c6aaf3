"""Demo logins for bin/run. Deterministic: running it again resets the same accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from centres.models import Centre, Region, StaffAssignment

DEMO_PASSWORD = "demo-1234"  # noqa: S105 - demo data only, printed by bin/run

Role = StaffAssignment.Role

# username, first name, last name, role, where (centre code, or region code), superuser
DEMO_USERS = [
    ("admin", "ผู้ดูแลระบบ", "กระทรวง", Role.MINISTRY_ADMIN, None, True),
    ("supervisor", "ผู้กำกับดูแล", "ระดับประเทศ", Role.SUPERVISOR, "centre:NAT", False),
    ("supervisor_bkk", "ผู้กำกับดูแล", "กรุงเทพมหานคร", Role.SUPERVISOR, "region:BKK", False),
    ("chair_bkn", "ประธานศูนย์", "บางเขน", Role.CHAIR, "centre:BKN", False),
    ("chair_twt", "ประธานศูนย์", "ทวีวัฒนา", Role.CHAIR, "centre:TWT", False),
]

LABELS = {
    "admin": "ministry administrator",
    "supervisor": "national supervisor (read-only)",
    "supervisor_bkk": "Bangkok supervisor (read-only)",
    "chair_bkn": "chair, Bang Khen centre",
    "chair_twt": "chair, Thawi Watthana centre",
}


@transaction.atomic
def demo_users_load() -> list[str]:
    """Create the demo logins and their assignments; returns the lines bin/run prints."""
    user_model = get_user_model()
    lines = []
    for username, first, last, role, where, superuser in DEMO_USERS:
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                # Supervisors read the dashboards and staff pages; the admin is for the ministry.
                "is_staff": role == Role.MINISTRY_ADMIN or superuser,
                "is_superuser": superuser,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        target = {}
        if where and where.startswith("centre:"):
            target["centre"] = Centre.objects.get(code=where.split(":", 1)[1])
        elif where and where.startswith("region:"):
            target["region"] = Region.objects.get(code=where.split(":", 1)[1])
        StaffAssignment.objects.filter(user=user).exclude(role=role, **target).delete()
        StaffAssignment.objects.get_or_create(user=user, role=role, **target)
        lines.append(f"{LABELS[username]}: {username} / {DEMO_PASSWORD}")
    return lines
