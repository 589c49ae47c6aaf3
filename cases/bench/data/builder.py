"""What every part of the builder shares: its report, the places it writes at, and its random
days, times and names (deterministic for the seed)."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.utils import timezone

from cases.bench.data.constants import FIRST_NAMES_FEMALE, FIRST_NAMES_MALE, LAST_NAMES
from cases.bench.data.loader import _Loader


@dataclass
class BuildReport:
    """Rows written per model and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Place:
    centre_id: int
    code: str
    district: str
    weight: int
    chair_user: int
    subdistricts: list[tuple[str, str]]


class _Base:
    """The builder's state; the subjects' parts (centres, volunteers, cases, services) build
    on it, and _Builder (build) is all of them."""

    def __init__(self, *, seed: int, districts: list[str] | None, fast: bool, progress):
        self.rng = random.Random(seed)  # noqa: S311 - made-up records, not secrets
        self.seed = seed
        self.fast = fast
        self.progress = progress
        self.started = time.perf_counter()
        self.today = timezone.localdate()
        self.first_day = self.today - dt.timedelta(days=5 * 365)
        self.districts = districts
        self.report = BuildReport()

    def say(self, text: str) -> None:
        self.progress(f"[{time.perf_counter() - self.started:6.1f} s] {text}")

    def day(self, start: dt.date, end: dt.date | None = None) -> dt.date:
        end = end or self.today
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def at(self, day: dt.date) -> str:
        """A time of the working day, Bangkok time, as COPY text."""
        minutes = self.rng.randrange(8 * 60, 17 * 60)
        return f"{day}T{minutes // 60:02d}:{minutes % 60:02d}:00+07:00"

    def name(self) -> tuple[str, str, str, str]:
        """(sex, title, first name, last name)."""
        rng = self.rng
        if rng.random() < 0.5:
            return "male", "นาย", rng.choice(FIRST_NAMES_MALE), rng.choice(LAST_NAMES)
        title = rng.choice(["นาง", "นางสาว"])
        return "female", title, rng.choice(FIRST_NAMES_FEMALE), rng.choice(LAST_NAMES)

    @staticmethod
    def written(loader: _Loader) -> str:
        return ", ".join(f"{label.split('.')[1]} {n:,}" for label, n in loader.counts().items())
