"""What a dashboard is filtered by: the fiscal year, a programme, a problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from volunteer_centre.thai import fiscal_year, fiscal_year_bounds


@dataclass(frozen=True)
class Filters:
    fiscal_year: int
    programme: str = ""
    problem: str = ""

    @classmethod
    def default(cls, today: dt.date | None = None) -> Filters:
        return cls(fiscal_year(today or timezone.localdate()))

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_bounds(self.fiscal_year)

    def as_query(self) -> dict[str, str]:
        return {
            k: str(v)
            for k, v in (
                ("fy", self.fiscal_year),
                ("programme", self.programme),
                ("problem", self.problem),
            )
            if v
        }
