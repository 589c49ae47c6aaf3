import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

ADMIN_PAGES = [
    "admin:index",
    "admin:centres_region_changelist",
    "admin:centres_province_changelist",
    "admin:centres_district_changelist",
    "admin:centres_subdistrict_changelist",
    "admin:centres_centre_changelist",
    "admin:centres_centre_add",
    "admin:centres_staffassignment_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_answer_a_superuser(client, superuser, reference_centres, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_send_an_anonymous_user_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_is_thai_by_default_with_english_on_request(client, superuser):
    client.force_login(superuser)
    thai = client.get(reverse("admin:index")).content.decode()
    assert 'lang="th"' in thai
    assert "จังหวัด" in thai
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = client.get(reverse("admin:index")).content.decode()
    assert 'lang="en"' in english
    assert "Provinces" in english


def test_centre_page_shows_dates_in_buddhist_era(client, superuser, reference_centres):
    client.force_login(superuser)
    page = client.get(reverse("admin:centres_centre_changelist")).content.decode()
    assert "11 มี.ค. 2562" in page
    from centres.models import Centre

    bkn = Centre.objects.get(code="BKN")
    form = client.get(reverse("admin:centres_centre_change", args=[bkn.pk])).content.decode()
    assert 'value="11/03/2562"' in form


def test_admin_saves_a_centre_with_a_be_date(client, superuser, reference_centres):
    from centres.models import Centre

    client.force_login(superuser)
    national = Centre.objects.get(code="NAT")
    response = client.post(
        reverse("admin:centres_centre_add"),
        {
            "code": "BKK-X",
            "level": "district",
            "parent": national.pk,
            "name_th": "ศูนย์ทดสอบ",
            "status": "active",
            "district": "1005",
            "province": "10",
            "opened_on": "๐๑/๐๔/๒๕๖๒",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(Centre.objects.get(code="BKK-X").opened_on) == "2019-04-01"


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, transactional_db):
    # Point the connection at a port where no server listens: a real refused connection.
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.connect()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_answers_a_plain_http_probe_when_https_is_enforced(db):
    """Production redirects HTTP to HTTPS; the load balancer's plain-HTTP probe of /healthz
    must still get its 200, not a 301 it would count as a failure."""
    from django.test import Client, override_settings

    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()  # the middleware reads the setting when the client first loads it
        assert client.get("/accounts/login/").status_code == 301
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


# -- bin/lib.sh, sourced in a copy of the project's bin/ so that nothing here is touched --------

ROOT = Path(__file__).resolve().parent.parent


def _shell_project(tmp_path):
    """A scratch project: bin/lib.sh, .env.example, and a .venv whose python is this one."""
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "lib.sh", tmp_path / "bin" / "lib.sh")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env.example")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return tmp_path


def _source_and_run(project, call, env_extra=None):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VC_PG_PORT", "CHROMIUM"}
    }
    env |= env_extra or {}
    return subprocess.run(  # noqa: S603 - a fixed command on a scratch copy
        ["bash", "-c", f"source bin/lib.sh && {call}"],  # noqa: S607
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


LOCAL_URL = "DATABASE_URL=postgres://postgres@127.0.0.1:54329/volunteer_centre"


def test_env_example_gives_no_usable_secret_key():
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert "SECRET_KEY=" in lines
    assert not any(line.startswith("SECRET_KEY=") and line != "SECRET_KEY=" for line in lines)


def test_development_env_file_carries_the_local_clusters_database_url(tmp_path):
    project = _shell_project(tmp_path)
    done = _source_and_run(project, "ensure_env_file")
    assert done.returncode == 0, done.stderr
    env_file = (project / ".env").read_text().splitlines()
    assert LOCAL_URL in env_file
    key = next(line for line in env_file if line.startswith("SECRET_KEY="))
    assert len(key) > len("SECRET_KEY=") + 40
    assert "DEBUG=on" in env_file
    # Running it again adds nothing.
    _source_and_run(project, "ensure_env_file")
    assert (project / ".env").read_text().splitlines() == env_file


def test_an_older_env_file_without_a_database_url_gets_one(tmp_path):
    project = _shell_project(tmp_path)
    (project / ".env").write_text("SECRET_KEY=kept\nDEBUG=on")  # no final newline
    assert _source_and_run(project, "ensure_env_file").returncode == 0
    assert (project / ".env").read_text().splitlines() == ["SECRET_KEY=kept", "DEBUG=on", LOCAL_URL]


def test_a_database_url_from_the_environment_is_not_written_to_env(tmp_path):
    project = _shell_project(tmp_path)
    elsewhere = {"DATABASE_URL": "postgres://u@db.example:5432/vc"}
    assert _source_and_run(project, "ensure_env_file", elsewhere).returncode == 0
    lines = (project / ".env").read_text().splitlines()
    assert not any(line.startswith("DATABASE_URL=") for line in lines)


def test_a_database_url_written_in_env_is_used_and_no_local_cluster_is_started(tmp_path):
    project = _shell_project(tmp_path)
    (project / ".env").write_text("SECRET_KEY=kept\nDATABASE_URL=postgres://u@db.example:5432/vc\n")
    # pg_start would die here: the scratch project has no PostgreSQL of its own.
    done = _source_and_run(project, "pg_start() { exit 9; }; ensure_database; echo $DATABASE_URL")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "postgres://u@db.example:5432/vc"


def test_the_local_clusters_url_in_env_starts_the_local_cluster(tmp_path):
    project = _shell_project(tmp_path)
    (project / ".env").write_text(f"SECRET_KEY=kept\n{LOCAL_URL}\n")
    done = _source_and_run(
        project, "pg_start() { echo started; }; ensure_database; echo $DATABASE_URL"
    )
    assert done.stdout.split() == ["started", LOCAL_URL.removeprefix("DATABASE_URL=")]


def test_as_root_a_failing_venv_installs_python3_venv_and_tries_again(tmp_path):
    """Fakes on PATH stand for root's id, apt-get and a python whose venv works only once
    python3-venv is installed; nothing is installed for real."""
    project = _shell_project(tmp_path)
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    log = tmp_path / "log"
    scripts = {
        "id": "echo 0",
        "apt-get": f'echo "apt-get $*" >>{log}; [ "$1" != install ] || touch {tmp_path}/installed',
        "fakepython": (
            f"[ -f {tmp_path}/installed ] || "
            f'{{ mkdir -p "$3/bin"; touch "$3/bin/python"; exit 1; }}\n'
            f'mkdir -p "$3/bin"; printf "#!/bin/sh\\nexit 0\\n" >"$3/bin/python"; '
            f'chmod +x "$3/bin/python"'
        ),
    }
    for name, body in scripts.items():
        (fakes / name).write_text(f"#!/bin/sh\n{body}\n")
        (fakes / name).chmod(0o755)
    for requirements in ("requirements.txt", "requirements-dev.txt", "constraints.txt"):
        (project / requirements).write_text("")
    shutil.rmtree(project / ".venv")
    path = {"PATH": f"{fakes}:{os.environ['PATH']}", "PYTHON": str(fakes / "fakepython")}
    done = _source_and_run(project, "ensure_venv", path)
    assert done.returncode == 0, done.stderr
    assert "install -y -qq python3-venv" in log.read_text()
    assert (project / ".venv" / "bin" / "python").stat().st_size > 0  # the second, working venv


# -- admin: change pages, read-only geography, dates in BE ---------------------------------------


def _change_pages(user):
    from centres.models import Centre, District, Province, Region, Subdistrict

    return {
        "admin:centres_region_change": Region.objects.get(code="BKK").pk,
        "admin:centres_province_change": Province.objects.get(code="10").pk,
        "admin:centres_district_change": District.objects.get(code="1005").pk,
        "admin:centres_subdistrict_change": Subdistrict.objects.get(code="100502").pk,
        "admin:centres_centre_change": Centre.objects.get(code="BKN").pk,
        "admin:auth_user_change": user.pk,
    }


def test_admin_change_pages_answer_a_superuser(client, superuser, reference_centres):
    client.force_login(superuser)
    for name, pk in _change_pages(superuser).items():
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name


GEOGRAPHY = ["region", "province", "district", "subdistrict"]


@pytest.mark.parametrize("model", GEOGRAPHY)
def test_geography_is_read_only_in_the_admin(client, superuser, model):
    from django.apps import apps

    record = apps.get_model("centres", model).objects.order_by("pk").first()
    client.force_login(superuser)
    change = reverse(f"admin:centres_{model}_change", args=[record.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert client.get(reverse(f"admin:centres_{model}_add")).status_code == 403
    posted = {"code": "99", "name_th": "แก้แล้ว", "name_en": "Changed"}
    assert client.post(reverse(f"admin:centres_{model}_add"), posted).status_code == 403
    assert client.post(change, posted).status_code == 403
    delete = reverse(f"admin:centres_{model}_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.name_th != "แก้แล้ว"


def test_admin_date_inputs_in_thai_have_no_gregorian_calendar(client, superuser, reference_centres):
    """Django's calendar and "Today" shortcuts read and write Gregorian years; in Thai the date
    is typed in BE with an example instead."""
    import re

    from centres.models import Centre

    client.force_login(superuser)
    url = reverse("admin:centres_centre_change", args=[Centre.objects.get(code="BKN").pk])
    page = client.get(url).content.decode()
    opened_on = re.search(r'<input[^>]*name="opened_on"[^>]*>', page).group(0)
    assert 'value="11/03/2562"' in opened_on
    assert 'placeholder="25/05/2560"' in opened_on
    assert "vDateField" not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = client.get(url).content.decode()
    opened_on = re.search(r'<input[^>]*name="opened_on"[^>]*>', english).group(0)
    assert 'value="11/03/2019"' in opened_on
    assert "vDateField" in opened_on


def test_user_admin_shows_login_and_joining_dates_in_be_and_never_saves_them(client, superuser):
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    user = User.objects.create_user("somchai", password="pw-Test-1234")
    joined = dt.datetime(2025, 12, 1, 9, 30, tzinfo=timezone.get_current_timezone())
    User.objects.filter(pk=user.pk).update(date_joined=joined, last_login=joined)
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = client.get(url).content.decode()
    assert "1 ธ.ค. 2568 09:30" in page
    assert 'name="date_joined_0"' not in page
    assert 'name="last_login_0"' not in page
    response = client.post(
        url,
        {
            "username": "somchai",
            "is_active": "on",
            "date_joined_0": "01/12/2568",
            "date_joined_1": "09:30:00",
            "last_login_0": "01/12/2568",
            "last_login_1": "09:30:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.date_joined == joined
    assert user.last_login == joined


def test_no_admin_add_form_offers_the_gregorian_calendar_in_thai(client, superuser):
    from django.contrib import admin

    client.force_login(superuser)
    offered = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = client.get(url)
        if response.status_code == 200 and "vDateField" in response.content.decode():
            offered.append(url)
    assert not offered, f"date inputs with the Gregorian calendar shortcut: {offered}"


def test_ubuntus_chromium_browser_is_found_and_named_for_the_browser_tests(tmp_path):
    """Ubuntu calls the package and the binary chromium-browser; with the Thai fonts present
    nothing is installed and the tests are told which binary to drive."""
    project = _shell_project(tmp_path)
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    for name, body in {
        "chromium-browser": "exit 0",
        "apt-get": "exit 7",
        "fc-list": "seq 1 20000; echo 'Garuda:style=Regular'",
    }.items():
        (fakes / name).write_text(f"#!/bin/sh\n{body}\n")
        (fakes / name).chmod(0o755)
    # Only the fakes and the shell's own tools: no real chromium on this PATH.
    path = f"{fakes}:{_tools_without_chromium(tmp_path)}"
    done = _source_and_run(project, "ensure_chromium; echo $CHROMIUM", {"PATH": path})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(fakes / "chromium-browser")


def _tools_without_chromium(tmp_path) -> str:
    """A folder of links to the commands lib.sh uses, without /usr/bin/chromium."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ["bash", "sh", "grep", "sed", "id", "cat", "seq", "dirname", "sha256sum", "cut"]:
        target = shutil.which(name)
        if target:
            (tools / name).symlink_to(target)
    return str(tools)


def test_manage_py_without_a_secret_key_says_what_to_set():
    """Without SECRET_KEY every command stops with the settings' own message, not Django's
    "Models aren't loaded yet" traceback."""
    env = {**os.environ, "SECRET_KEY": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Set SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_tests_use_their_own_cluster_without_fsync_in_place_of_the_local_one(tmp_path):
    project = _shell_project(tmp_path)
    (project / ".env").write_text(f"SECRET_KEY=kept\n{LOCAL_URL}\n")
    done = _source_and_run(
        project,
        'pg_start() { echo "$PG_DIR $PG_PORT $PG_SETTINGS"; }; ensure_test_database; '
        'echo "$DATABASE_URL $PG_DIR $PG_PORT"',
    )
    assert done.returncode == 0, done.stderr
    started, after = done.stdout.strip().splitlines()
    assert started.startswith(f"{project}/.pg-test 54330 ")
    assert "-c fsync=off" in started
    assert "-c jit=off" in started
    # The development cluster's settings are left as they were for bin/run.
    assert after == f"postgres://postgres@127.0.0.1:54330/volunteer_centre {project}/.pg 54329"


def test_the_tests_use_a_database_on_another_server_when_one_is_named(tmp_path):
    project = _shell_project(tmp_path)
    (project / ".env").write_text("SECRET_KEY=kept\nDATABASE_URL=postgres://u@db.example:5432/vc\n")
    done = _source_and_run(
        project, "pg_start() { exit 9; }; ensure_test_database; echo $DATABASE_URL"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "postgres://u@db.example:5432/vc"
