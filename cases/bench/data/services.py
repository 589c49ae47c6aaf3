"""What the builder makes through the services: transfers, and earlier imports' records."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cases.bench.data.builder import _Place
from cases.bench.data.constants import BENCH_DISTRICT, CHAIR_USERNAME, MINISTRY_USERNAME
from cases.models import Case, CaseTransfer
from cases.services import case_transfer_request
from centres.models import Centre
from volunteers.models import VolunteerImport


class _Services:
    """Records made through the services, as the site makes them."""

    def transfers(self, places: list[_Place]) -> None:
        """One case of another centre waiting for Bang Khen's answer, and one Bang Khen sent
        (through the service, with its event), when there is no pending transfer yet."""
        bench = next((p for p in places if p.district == BENCH_DISTRICT), None)
        others = [p for p in places if p is not bench]
        if bench is None or not others:
            return
        User = get_user_model()
        pairs = ((others[0], bench), (bench, others[0]))
        for sender, receiver in pairs:
            pending = CaseTransfer.objects.pending().filter(from_centre_id=sender.centre_id)
            if pending.exists():
                continue
            case = Case.objects.filter(centre_id=sender.centre_id).open().order_by("pk").first()
            if case is not None:
                case_transfer_request(
                    actor=User.objects.get(pk=sender.chair_user),
                    case=case,
                    to_centre=Centre.objects.get(pk=receiver.centre_id),
                    reason="ผู้รับบริการย้ายที่อยู่ไปอยู่ในเขตของศูนย์",
                )

    def imports(self) -> None:
        """A record of an earlier import for each bench user (the admin's import list)."""
        User = get_user_model()
        for username in (MINISTRY_USERNAME, CHAIR_USERNAME):
            user = User.objects.filter(username=username).first()
            if user is not None and not VolunteerImport.objects.filter(created_by=user).exists():
                VolunteerImport.objects.create(
                    created_by=user,
                    file_name="อาสาสมัคร-2568.csv",
                    status=VolunteerImport.Status.DONE,
                    report={
                        "summary": "Imported 12 of 12 rows; 0 rejected.",
                        "rows": 12,
                        "valid": 12,
                        "rejected": 0,
                        "saved": 12,
                        "errors": [],
                        "preview": [],
                    },
                )
