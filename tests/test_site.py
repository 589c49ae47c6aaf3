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
    assert 'lang="en"' in english and "Provinces" in english


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
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VC_PG_PORT"}}
    env |= env_extra or {}
    return subprocess.run(  # noqa: S603 - a fixed command on a scratch copy
        ["bash", "-c", f"source bin/lib.sh && {call}"],  # noqa: S607
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


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
    (project / "requirements.txt").write_text("")
    shutil.rmtree(project / ".venv")
    path = {"PATH": f"{fakes}:{os.environ['PATH']}", "PYTHON": str(fakes / "fakepython")}
    done = _source_and_run(project, "ensure_venv", path)
    assert done.returncode == 0, done.stderr
    assert "install -y -qq python3-venv" in log.read_text()
    assert (project / ".venv" / "bin" / "python").stat().st_size > 0  # the second, working venv
