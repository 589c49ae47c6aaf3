"""manage.py import_volunteers: the same service, with exit codes for scripts."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.volunteers.helpers import csv_file, good_row, xlsx_file
from volunteers.importing import read_table
from volunteers.models import Volunteer


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.django_db
def test_a_good_file_imports_and_says_so(tmp_path, centre_a, capsys):
    path = write(tmp_path, "good.xlsx", xlsx_file([good_row(1), good_row(2)]))
    call_command("import_volunteers", path, language="en")
    assert Volunteer.objects.count() == 2
    assert "Imported 2 of 2 rows; 0 rejected." in capsys.readouterr().out


@pytest.mark.django_db
def test_a_rejected_row_fails_the_command_and_saves_nothing(tmp_path, centre_a, capsys):
    path = write(tmp_path, "mixed.csv", csv_file([good_row(1), good_row(2, centre_code="XYZ")]))
    with pytest.raises(CommandError) as error:
        call_command("import_volunteers", path, language="en")
    assert error.value.returncode == 1
    assert "Nothing saved: 1 of 2 rows were rejected." in str(error.value)
    assert "Row 3, centre_code: No centre has the code «XYZ»." in capsys.readouterr().err
    assert Volunteer.objects.count() == 0


@pytest.mark.django_db
def test_partial_saves_the_valid_rows_writes_the_rejects_and_still_fails(tmp_path, centre_a):
    path = write(tmp_path, "mixed.csv", csv_file([good_row(1), good_row(2, centre_code="XYZ")]))
    rejects = tmp_path / "rejected.csv"
    with pytest.raises(CommandError) as error:
        call_command("import_volunteers", path, partial=True, rejects=str(rejects), language="en")
    assert error.value.returncode == 1
    assert Volunteer.objects.count() == 1
    table = read_table(rejects.read_bytes(), rejects.name)
    assert [row[table.headers.index("centre_code")] for row in table.rows] == ["XYZ"]


@pytest.mark.django_db
def test_a_dry_run_of_a_good_file_succeeds_and_saves_nothing(tmp_path, centre_a, capsys):
    path = write(tmp_path, "good.csv", csv_file([good_row(1)]))
    call_command("import_volunteers", path, dry_run=True, language="en")
    assert Volunteer.objects.count() == 0
    assert "Checked 1 rows: 1 valid, 0 rejected; nothing saved." in capsys.readouterr().out


@pytest.mark.django_db
def test_a_file_that_cannot_be_imported_exits_2(tmp_path, centre_a):
    path = write(tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n")
    with pytest.raises(CommandError) as error:
        call_command("import_volunteers", path, language="en")
    assert error.value.returncode == 2
    with pytest.raises(CommandError) as missing:
        call_command("import_volunteers", str(tmp_path / "nowhere.csv"))
    assert missing.value.returncode == 2


def run_command(*args):
    """Run manage.py in a real process against the test database (committed data only)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "DEBUG": "on"}
    return subprocess.run(  # noqa: S603 - our own manage.py with test arguments
        [sys.executable, "manage.py", "import_volunteers", *args, "--language", "en"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_the_process_exit_status_is_0_then_1(tmp_path, centre_a):
    good = write(tmp_path, "good.csv", csv_file([good_row(1)]))
    done = run_command(good)
    assert done.returncode == 0, done.stderr
    assert "Imported 1 of 1 rows" in done.stdout
    again = run_command(good)  # the same person again: a duplicate
    assert again.returncode == 1
    assert "already registered" in again.stderr
    assert Volunteer.objects.count() == 1


@pytest.mark.django_db
def test_a_rejects_file_that_cannot_be_written_exits_2_with_a_message(tmp_path, centre_a):
    path = write(tmp_path, "mixed.csv", csv_file([good_row(1), good_row(2, centre_code="XYZ")]))
    nowhere = tmp_path / "no-such-folder" / "rejected.csv"
    with pytest.raises(CommandError) as error:
        call_command("import_volunteers", path, partial=True, rejects=str(nowhere), language="en")
    assert error.value.returncode == 2
    message = str(error.value)
    assert "Imported 1 of 2 rows; 1 rejected." in message  # the saved row is not hidden
    assert f"could not be written to {nowhere}" in message
    assert "No such file" in message


@pytest.mark.django_db
def test_an_over_long_year_is_a_row_error_not_a_traceback(tmp_path, centre_a, capsys):
    rows = [
        good_row(1, birth_date="01/01/99999999999999999999"),
        good_row(2, registered_on="1/1/10000"),
    ]
    path = write(tmp_path, "years.csv", csv_file(rows))
    with pytest.raises(CommandError) as error:
        call_command("import_volunteers", path, language="en")
    assert error.value.returncode == 1
    err = capsys.readouterr().err
    assert "Row 2, birth_date: Write the year with four digits" in err
    assert (
        "Row 3, registered_on: Write the year with four digits (2535 or 1992), not «10000»." in err
    )
    assert Volunteer.objects.count() == 0
