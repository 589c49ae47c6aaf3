# Shared set-up for bin/run and bin/test: a virtualenv with the pinned requirements, and a
# database (DATABASE_URL when set, else a project-local PostgreSQL 15 cluster in .pg/).
# Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
PG_DIR="$ROOT/.pg"
PG_PORT="${VC_PG_PORT:-54329}"
PG_DB="${VC_PG_DB:-volunteer_centre}"
# bin/test's own cluster, beside the development one: nothing the tests do touches its data.
TEST_PG_DIR="$ROOT/.pg-test"
TEST_PG_PORT="${VC_TEST_PG_PORT:-54330}"
# A crash may lose a test cluster's data (it holds nothing but the tests' scratch databases),
# so it never waits for the disk: no fsync, no waiting for the WAL at commit, no full pages.
TEST_PG_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "Creating the virtualenv in .venv"
        if ! "$PYTHON" -m venv "$VENV"; then
            # A failed venv leaves .venv/bin/python behind without pip, which the next run would
            # take for a finished virtualenv: start again from nothing.
            rm -rf "$VENV"
            # Debian and Ubuntu ship venv's ensurepip in a separate package; as root, install it
            # the way PostgreSQL is installed below.
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
                say "Installing python3-venv (apt-get install python3-venv)"
                apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null || true
                "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; die "python3 -m venv failed even with python3-venv installed"; }
            else
                die "python3 -m venv failed: install python3-venv (Debian/Ubuntu: sudo apt-get install python3-venv)"
            fi
        fi
    fi
    # Reinstall only when a requirements file or constraints.txt changed since the last install.
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        say "Installing requirements"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
        echo "$want" >"$stamp"
    fi
}

pg_bindir() {
    local d
    for d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

ensure_pg_binaries() {
    if pg_bindir >/dev/null; then return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing PostgreSQL server (apt-get install postgresql)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    pg_bindir >/dev/null || die "no PostgreSQL server binaries found (initdb, pg_ctl).
Install PostgreSQL 15 or newer, e.g. on Debian/Ubuntu: sudo apt-get install postgresql
or set DATABASE_URL to an existing PostgreSQL database."
}

# Run a PostgreSQL binary as the owner of the cluster: initdb and postgres refuse root.
as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The server's settings (README, "PostgreSQL settings"): bitmap scans read ahead on
# solid-state storage; and JIT compilation, which PostgreSQL starts for any query it expects to
# be costly, adds tens of milliseconds to a page's query to save less than that.
PG_SETTINGS="-c effective_io_concurrency=200 -c jit=off"

pg_start() {
    ensure_pg_binaries
    local bin
    bin="$(pg_bindir)"
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user (it comes with the postgresql package)"
        chown postgres: "$PG_DIR"
        # The server runs as postgres and must be able to reach .pg/ through every parent.
        if ! runuser -u postgres -- test -x "$PG_DIR"; then
            local d="$ROOT"
            while [ "$d" != "/" ]; do chmod o+x "$d"; d="$(dirname "$d")"; done
        fi
    fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        say "Creating a PostgreSQL cluster in ${PG_DIR#"$ROOT"/}/data (UTF8, C.UTF-8)"
        # Under the plain C locale pg_trgm extracts no trigrams from Thai text.
        as_pg_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth=trust >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    if ! as_pg_owner "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_pg_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$PG_DIR' $PG_SETTINGS" start >/dev/null \
            || { tail -20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start (see .pg/server.log)"; }
    fi
    if ! as_pg_owner "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
        as_pg_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB"
    fi
}

pg_stop() {
    local bin
    bin="$(pg_bindir)" || return 0
    if [ -f "$PG_DIR/data/PG_VERSION" ]; then
        as_pg_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop || true
    fi
}

ensure_database() {
    # The environment first, then .env (as Django reads them); the project-local cluster when
    # neither names a database or when they name that cluster itself.
    local url="${DATABASE_URL:-}" local_url="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
    if [ -z "$url" ] && [ -f .env ]; then
        url="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)"
    fi
    if [ -z "$url" ] || [ "$url" = "$local_url" ]; then
        pg_start
        url="$local_url"
    fi
    export DATABASE_URL="$url"
}

ensure_test_database() {
    # As ensure_database, but a database the environment or .env names on another server is
    # the only one that is not replaced: the project-local cluster gives way to the tests' own
    # (.pg-test/, port 54330, no fsync), started the same way.
    local url="${DATABASE_URL:-}" local_url="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
    if [ -z "$url" ] && [ -f .env ]; then
        url="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)"
    fi
    if [ -n "$url" ] && [ "$url" != "$local_url" ]; then
        export DATABASE_URL="$url"
        return 0
    fi
    local PG_DIR="$TEST_PG_DIR" PG_PORT="$TEST_PG_PORT" PG_SETTINGS="$PG_SETTINGS $TEST_PG_SETTINGS"
    pg_start
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
}

ensure_env_file() {
    # A development .env with a random SECRET_KEY and DEBUG on, made once from .env.example.
    if [ ! -f .env ]; then
        say "Writing a development .env (DEBUG on, random SECRET_KEY)"
        local key
        key="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
        sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$key|" -e "s|^DEBUG=.*|DEBUG=on|" .env.example >.env
    fi
    # The README's own manage.py commands (makemessages, import_volunteers) run outside bin/run
    # and read only .env: point them at the project-local cluster, unless the database is given
    # in the environment. An older .env without the line gets it too.
    if [ -z "${DATABASE_URL:-}" ] && ! grep -q '^DATABASE_URL=' .env; then
        say "Adding the project-local cluster's DATABASE_URL to .env"
        if [ -s .env ] && [ -n "$(tail -c1 .env)" ]; then echo >>.env; fi
        printf 'DATABASE_URL=postgres://postgres@127.0.0.1:%s/%s\n' "$PG_PORT" "$PG_DB" >>.env
    fi
}

thai_fonts_installed() {
    # grep reads all of fc-list's output (no -q): under pipefail, a grep that stops at the first
    # match would let fc-list die of SIGPIPE and the check fail on a machine that has the fonts.
    fc-list 2>/dev/null | grep -i -e garuda -e loma -e tlwg >/dev/null
}

ensure_chromium() {
    # Debian's package installs /usr/bin/chromium; Ubuntu's is chromium-browser. CHROMIUM, if
    # set, names the binary the browser tests drive.
    local found="${CHROMIUM:-}"
    if [ -z "$found" ]; then
        found="$(command -v chromium || command -v chromium-browser || true)"
    fi
    if [ -z "$found" ] || ! thai_fonts_installed; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "Installing Chromium and Thai fonts for the browser tests"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null \
                || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-browser fonts-thai-tlwg >/dev/null \
                || true
        fi
        found="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
    fi
    [ -n "$found" ] && [ -x "$found" ] || die "Chromium is needed for the browser tests: sudo apt-get install chromium fonts-thai-tlwg (Ubuntu: chromium-browser)"
    export CHROMIUM="$found"
}
