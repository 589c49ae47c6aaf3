"""Timing the requests: p50 and p95, queries, response size, and for the jobs rows per second
and peak memory; the table the command prints."""

from __future__ import annotations

import gc
import logging
import re
import resource
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.bench.pages import Request

# A page's budget (issue 12): above either, the table marks it.
BUDGET_P95_MS = 150
BUDGET_KB = 300
# Timed runs of one request take at most about this long: a page of several seconds is
# timed fewer times (at least MIN_RUNS), so that one slow page does not hold up the rest.
MAX_SECONDS_PER_REQUEST = 60
MIN_RUNS = 3
HEADERS = {"host": "localhost"}


@dataclass
class Result:
    user: str
    name: str
    url: str
    status: int
    queries: int
    size: int  # bytes
    times: list[float] = field(default_factory=list)  # ms, the timed runs
    rows: int = 0
    error: str = ""  # what the request's own check found wrong
    per_row: bool = False  # its queries grow with its rows by design
    peak_mb: float | None = None  # a job's peak resident memory
    growth_mb: float | None = None  # and how much it added to the process's

    @property
    def key(self) -> str:
        return f"{self.user}:{self.name}"

    @property
    def answered(self) -> bool:
        """200, or a redirect the page is meant to give (the dashboards' index, a saved form),
        and nothing wrong with what it did."""
        return self.status in (200, 302) and not self.error

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else 0.0

    @property
    def p95(self) -> float:
        if len(self.times) < 2:
            return self.times[0] if self.times else 0.0
        return statistics.quantiles(self.times, n=20, method="inclusive")[18]

    @property
    def kb(self) -> float:
        return self.size / 1024

    @property
    def rows_per_second(self) -> float:
        return self.rows / (self.p50 / 1000) if self.rows and self.p50 else 0.0

    @property
    def over(self) -> list[str]:
        """What is over budget: "time" (p95), "size"; jobs have no page budget."""
        if not self.answered or self.rows:
            return []
        return [
            what
            for what, over in (("time", self.p95 > BUDGET_P95_MS), ("size", self.kb > BUDGET_KB))
            if over
        ]


class _Counter:
    """Counts the statements a job runs without keeping them (CaptureQueriesContext would hold
    the SQL of hundreds of thousands of statements)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _peak_reset() -> float:
    """Reset the process's peak resident memory (Linux: /proc/self/clear_refs) and return the
    resident memory now, in MB."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or 0.0


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            match = re.search(rf"^{key}:\s+(\d+) kB", f.read(), re.MULTILINE)
    except OSError:
        match = None
    if match is None:
        if key == "VmHWM":  # elsewhere: the peak of the whole process, never reset
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return None
    return int(match[1]) / 1024


def _send(
    client: Client, request: Request, measure: AbstractContextManager
) -> tuple[int, int, float, str]:
    """Request once: (status, size in bytes, milliseconds, what its check found wrong).
    Streaming content is read inside the timing. A POST is rolled back (its ``prepare`` runs
    first and its ``verify`` last, both untimed)."""
    outer = transaction.atomic() if request.method == "POST" else nullcontext()
    with outer:
        url = request.prepare(client) if request.prepare else request.url
        # The body is the client's (a file of 100,000 rows to upload is made here): neither
        # its time nor its memory is the request's.
        body = request.body() if request.method == "POST" and request.body else {}
        with measure:
            start = time.perf_counter()
            if request.method == "POST":
                response = client.post(url, body, secure=True, headers=HEADERS)
            else:
                response = client.get(url, secure=True, headers=HEADERS)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            elapsed = (time.perf_counter() - start) * 1000
        error = request.verify() if request.verify else ""
        if request.method == "POST" and response.status_code in (200, 400):
            # A form shown again: the body was refused, and nothing was done to time.
            error = error or f"the form came back ({response.status_code}): the body was refused"
        if request.method == "POST":
            transaction.set_rollback(True)
    return response.status_code, size, elapsed, error


def bench_requests_run(
    client: Client,
    user: str,
    requests: Iterable[Request],
    *,
    runs: int,
    progress: Callable[[str], None] = print,
) -> list[Result]:
    """Request each page once counting its queries (and, with ``runs`` 0, timing that one),
    then ``runs`` times timed; a job once, counting its queries and its peak memory."""
    with quiet_refusals(), _heap_frozen():
        return [_request_run(client, user, request, runs, progress) for request in requests]


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """The process's heap as a worker's: a worker freezes what it holds once started
    (volunteer_centre/wsgi.py), so a full garbage collection walks only what requests made
    since. This process holds more (the data set's leftovers, the other user's jobs): what it
    holds now is frozen the same way, then thawed after the run."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def quiet_refusals() -> Iterator[None]:
    """Pages refused to a user (403, 404) are expected here and listed at the end: Django's
    request log would print a warning for each. Errors (500) are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _request_run(
    client: Client, user: str, request: Request, runs: int, progress: Callable[[str], None]
) -> Result:
    if request.is_job:
        result = _job(client, user, request)
    else:
        capture = CaptureQueriesContext(connection)
        status, size, first, error = _send(client, request, capture)
        result = Result(
            user,
            request.name,
            request.url,
            status,
            len(capture),
            size,
            error=error,
            per_row=request.per_row,
        )
        if result.answered and runs == 0:
            result.times = [first]
        elif result.answered:
            affordable = int(MAX_SECONDS_PER_REQUEST * 1000 / max(first, 1))
            for _ in range(min(runs, max(MIN_RUNS, affordable))):
                result.times.append(_send(client, request, nullcontext())[2])
    progress(line(result))
    return result


def _job(client: Client, user: str, request: Request) -> Result:
    counter = _Counter()
    before = _peak_reset()
    with connection.execute_wrapper(counter):
        status, size, elapsed, error = _send(client, request, nullcontext())
    peak = _status_mb("VmHWM")
    return Result(
        user,
        request.name,
        request.url,
        status,
        counter.count,
        size,
        [elapsed],
        rows=request.rows,
        error=error,
        per_row=request.per_row,
        peak_mb=peak,
        growth_mb=(peak - before) if peak is not None else None,
    )


# -- the table ---------------------------------------------------------------------------------


def _flags(result: Result) -> str:
    if result.error:
        return f"FAILED: {result.error}"
    if not result.answered:
        return f"refused ({result.status})"
    return " ".join(f"OVER {what}" for what in result.over)


def line(result: Result) -> str:
    """One result as a line of progress."""
    if result.error:
        return f"  {result.key}: FAILED: {result.error}"
    if not result.answered:
        return f"  {result.key}: {result.status}, not timed"
    text = (
        f"  {result.key}: {result.queries} queries, {result.kb:,.0f} KB, "
        f"p50 {result.p50:,.0f} ms, p95 {result.p95:,.0f} ms"
    )
    if result.rows:
        text += f", {result.rows_per_second:,.0f} rows/s, peak {result.peak_mb or 0:,.0f} MB"
    return text


def table(results: list[Result]) -> list[str]:
    """The results as an aligned table (pages, then the jobs), and the refused ones."""
    pages = [r for r in results if r.answered and not r.rows]
    jobs = [r for r in results if r.rows]
    refused = [r for r in results if not r.answered and not r.rows]
    width = max([len(r.name) for r in results] + [4])
    lines = [
        f"{'user':<8} {'page':<{width}} {'status':>6} {'queries':>7} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'KB':>8} {'runs':>4}  budget"
    ]
    lines.extend(
        f"{r.user:<8} {r.name:<{width}} {r.status:>6} {r.queries:>7} "
        f"{r.p50:>8,.0f} {r.p95:>8,.0f} {r.kb:>8,.0f} {len(r.times):>4}  "
        f"{_flags(r)}"
        for r in pages
    )
    if jobs:
        lines += [
            "",
            f"{'user':<8} {'job':<{width}} {'status':>6} {'queries':>9} {'seconds':>8} "
            f"{'rows':>8} {'rows/s':>8} {'KB':>9} {'peak MB':>8} {'+MB':>7}",
        ]
        for r in jobs:
            lines.append(
                f"{r.user:<8} {r.name:<{width}} {r.status:>6} {r.queries:>9,} "
                f"{r.p50 / 1000:>8,.1f} {r.rows:>8,} {r.rows_per_second:>8,.0f} "
                f"{r.kb:>9,.0f} {r.peak_mb or 0:>8,.0f} {r.growth_mb or 0:>7,.0f}  "
                f"{_flags(r) if r.error or not r.answered else ''}"
            )
    if refused:
        lines += [
            "",
            "Refused to the user (not timed): "
            + ", ".join(f"{r.key} ({r.status})" for r in refused),
        ]
    over = [r for r in pages if r.over]
    lines += [
        "",
        f"Over budget (p95 > {BUDGET_P95_MS} ms or > {BUDGET_KB} KB): {len(over)} of "
        f"{len(pages)} pages.",
    ]
    return lines


def markdown(results: list[Result]) -> list[str]:
    """The results as Markdown tables, for the README."""
    lines = [
        "| user | page | queries | p50 ms | p95 ms | KB | budget |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.answered and not r.rows:
            flags = ", ".join(f"**over: {w}**" for w in r.over)
            lines.append(
                f"| {r.user} | {r.name} | {r.queries} | {r.p50:,.0f} | {r.p95:,.0f} | "
                f"{r.kb:,.0f} | {flags} |"
            )
    jobs = [r for r in results if r.rows]
    if jobs:
        lines += [
            "",
            "| user | job | queries | seconds | rows | rows/s | KB | peak MB |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in jobs:
            lines.append(
                f"| {r.user} | {r.name} | {r.queries:,} | {r.p50 / 1000:,.1f} | "
                f"{r.rows:,} | {r.rows_per_second:,.0f} | {r.kb:,.0f} | "
                f"{r.peak_mb or 0:,.0f} |"
            )
    return lines
