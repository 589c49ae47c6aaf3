"""Demo logins for bin/run. Deterministic: running it again resets the same accounts."""

from django.contrib.auth import get_user_model
from django.db import transaction

from centres.models import Account, Centre, Region, StaffAssignment
from centres.roles import SYSTEM, roles_sync, staff_assignment_create, staff_assignment_delete

DEMO_PASSWORD = "demo-1234"  # noqa: S105 - demo data only, printed by bin/run

Role = StaffAssignment.Role

# username, first name, last name, role, where (centre code, or region code). None of them is
# a superuser: the administrator does the whole job through the ministry administrator's role,
# as one would in production (the operator's superuser comes from createsuperuser).
DEMO_USERS = [
    ("admin", "ผู้ดูแลระบบ", "กระทรวง", Role.MINISTRY_ADMIN, None),
    ("supervisor", "ผู้กำกับดูแล", "ระดับประเทศ", Role.SUPERVISOR, "centre:NAT"),
    ("supervisor_bkk", "ผู้กำกับดูแล", "กรุงเทพมหานคร", Role.SUPERVISOR, "region:BKK"),
    ("chair_bkn", "ประธานศูนย์", "บางเขน", Role.CHAIR, "centre:BKN"),
    ("chair_twt", "ประธานศูนย์", "ทวีวัฒนา", Role.CHAIR, "centre:TWT"),
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
    """Create the demo logins and their assignments (through the role services, so each gets
    its role's group and staff status); returns the lines bin/run prints."""
    user_model = get_user_model()
    lines = []
    for username, first, last, role, where in DEMO_USERS:
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_superuser": False,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        # The printed password stays valid: nobody is sent to change it.
        Account.objects.filter(user=user).update(must_change_password=False)
        target = {}
        if where and where.startswith("centre:"):
            target["centre"] = Centre.objects.get(code=where.split(":", 1)[1])
        elif where and where.startswith("region:"):
            target["region"] = Region.objects.get(code=where.split(":", 1)[1])
        for other in StaffAssignment.objects.filter(user=user).exclude(role=role, **target):
            staff_assignment_delete(actor=SYSTEM, assignment=other)
        kept = StaffAssignment.objects.filter(user=user, role=role, **target)
        if not kept.exists():
            staff_assignment_create(actor=SYSTEM, user=user, role=role, **target)
        # Undated demo assignments: today's dates never end them.
        kept.update(starts_on=None, ends_on=None)
        roles_sync(user)
        lines.append(f"{LABELS[username]}: {username} / {DEMO_PASSWORD}")
    return lines
