"""manage.py bench --small in the test suite: every page of the site (staff pages, every
admin changelist, change and add form, every dashboard level and export, the volunteer import
and export), as a ministry administrator who is not a superuser and as a centre chair, on a
tiny data set and again on about twice the rows. A page's query count must not grow with the
rows and no page may be over the size budget."""

import pytest
from django.contrib import admin

from cases.bench.run import BUDGET_KB, Result
from cases.bench.small import SmallReport, bench_small

# Pages whose query count grows with the rows today (found by bench --small). Performance is
# other work, so they are listed here rather than fixed: a page that starts to grow fails the
# test, and one that is fixed fails it too, until it is taken off this list.
KNOWN_GROWING = {
    # Each inline row (registrations, centre roles, memberships, attendance) renders its
    # autocomplete widget, which looks up the chosen record: a query a row.
    "ministry:admin/volunteers.volunteer/change",
    "chair:admin/volunteers.volunteer/change",
}


_REPORTS: list[SmallReport] = []


@pytest.fixture
def report(db):
    """One --small run (about a minute) for the module's tests: made by the first of them, in
    its test transaction, and kept for the others (the report holds no database object)."""
    if not _REPORTS:
        _REPORTS.append(bench_small(progress=lambda line: None))
    return _REPORTS[0]


def test_no_page_queries_grow_with_the_rows_but_the_known_ones(report):
    growing = set(report.growing)
    assert growing - KNOWN_GROWING == set(), f"new pages whose queries grow: {report.growing}"
    assert KNOWN_GROWING - growing == set(), "fixed: take these off KNOWN_GROWING"


def test_no_page_is_over_the_size_budget_and_every_request_did_its_work(report):
    assert report.oversized == {}
    assert report.failed == {}
    assert report.changed_status == {}


def test_the_imports_queries_do_not_grow_with_its_rows_as_the_pages_do_not(report):
    # The import reads and writes a chunk of rows at a time (a few queries a chunk): it is
    # checked as the pages are, no longer set apart as working row by row.
    imports = {key for key in report.first if "jobs/volunteer import" in key}
    assert imports == {
        f"{user}:jobs/volunteer import: {step}"
        for user in ("ministry", "chair")
        for step in ("upload and check", "confirm and save")
    }
    assert report.grows_by_design == {}
    assert imports & set(report.growing) == set()


def test_every_admin_model_and_staff_page_was_requested_as_both_users(report):
    for model in admin.site._registry:
        key = f"ministry:admin/{model._meta.label_lower}/list"
        assert report.first[key].status == 200, key
    for user in ("ministry", "chair"):
        for page in (
            "staff/desk",
            "staff/cases/case",
            "staff/intake new case",
            "staff/volunteers/volunteer",
            "jobs/volunteer export all csv",
        ):
            assert report.second[f"{user}:{page}"].answered, (user, page)
    # The chair reaches its district's dashboards, not the nation's.
    assert report.first["chair:dashboards/district 1005"].status == 200
    assert report.first["chair:dashboards/nation"].status == 404


def _result(name: str, queries: int, size: int = 1000) -> Result:
    return Result("chair", name, "/", 200, queries, size)


def test_a_page_whose_queries_grow_with_the_rows_fails_the_check():
    report = SmallReport(
        first={"chair:staff/desk": _result("staff/desk", 9)},
        second={"chair:staff/desk": _result("staff/desk", 12)},
    )
    assert report.problems() == ["chair:staff/desk: 9 queries at N rows, 12 at 2N"]
    assert report.problems(known_growing={"chair:staff/desk"}) == []


def test_a_page_over_the_size_budget_fails_the_check():
    big = _result("staff/cases/list", 9, size=(BUDGET_KB + 1) * 1024)
    report = SmallReport(first={big.key: big}, second={big.key: big})
    assert report.problems() == ["chair:staff/cases/list: 301 KB"]


def test_bench_dashboards_is_bench_with_the_dashboards_only():
    from django.core.management import load_command_class

    command = load_command_class("cases", "bench_dashboards")
    assert command.default_only == "dashboards/"
    assert "--only" in command.create_parser("manage.py", "bench_dashboards").format_help()
