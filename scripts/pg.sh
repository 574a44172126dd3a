#!/usr/bin/env bash
# A private PostgreSQL 15 server for development and tests, listening on 127.0.0.1 only.
#
#   source scripts/pg.sh; pg_start .data/pg 55432; pg_stop .data/pg
#   scripts/pg.sh start|stop|status DATA_DIR [PORT]
#
# The server has a role and database `hotline` (password `hotline`, role may CREATEDB), and the role
# `hotline_audit` (password `hotline_audit`, development only) that owns the audit trail (schema `audit`, from
# Client.Api/Audit/audit-schema.sql, in the hotline database and in template1 so every new database has it; the
# hotline role may only insert and read there). Reached with
#   Host=127.0.0.1;Port=PORT;Database=hotline;Username=hotline;Password=hotline
# TCP connections need that password (scram-sha-256); the superuser `postgres` is reachable only through
# the unix socket, which lives in the data folder (or /tmp when that path is too long for a socket).
#
# initdb refuses to run as root, so under root the cluster belongs to the `postgres` system user and
# every server command runs through `runuser -u postgres`. If postgres cannot reach DATA_DIR because a
# parent folder is private (for example a clone under /root, which is 700), the cluster is kept under
# /var/tmp instead and DATA_DIR becomes a symlink to it.
#
# Sourcing this file defines functions only; it changes no shell options.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SUPERUSER=postgres

# Runs a command as the cluster owner: the postgres system user under root, the caller otherwise.
_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_pg_fail() {
    echo "pg.sh: $*" >&2
    return 1
}

# Prints the absolute folder that holds the cluster for DATA_DIR, creating it (owned by the cluster
# owner) if needed.
_pg_prepare_dir() {
    local requested=$1 dir
    dir=$(realpath -m -- "$requested") || return 1
    (umask 022 && mkdir -p -- "$dir") || { _pg_fail "cannot create $dir"; return 1; }

    if [[ $EUID -ne 0 ]]; then
        printf '%s\n' "$dir"
        return 0
    fi

    id -u postgres >/dev/null 2>&1 \
        || { _pg_fail "running as root needs the 'postgres' system user (apt-get install postgresql-15)"; return 1; }
    # A folder root just made (or left from an earlier run) is handed to postgres; anyone else's stays theirs.
    if [[ -O $dir ]]; then chown postgres:postgres -- "$dir" || return 1; fi
    if _pg_as_owner test -w "$dir" -a -x "$dir"; then
        printf '%s\n' "$dir"
        return 0
    fi

    # postgres cannot traverse a parent of $dir: keep the cluster where it can, and leave a symlink.
    local fallback
    fallback="/var/tmp/hotline-pg-$(printf '%s' "$dir" | sha256sum | cut -c1-12)"
    if [[ -n $(ls -A -- "$dir") ]]; then
        _pg_fail "the postgres user cannot reach $dir (a parent folder is not traversable) and it is not empty; choose a data folder under /tmp or /var/tmp"
        return 1
    fi
    (umask 022 && mkdir -p -- "$fallback") && chown postgres:postgres -- "$fallback" \
        || { _pg_fail "cannot create $fallback"; return 1; }
    rmdir -- "$dir" && ln -s -- "$fallback" "$dir" \
        || { _pg_fail "cannot replace $dir with a symlink to $fallback"; return 1; }
    echo "pg.sh: postgres cannot reach $dir (a parent folder is private); the cluster lives in $fallback" >&2
    printf '%s\n' "$fallback"
}

# Unix socket folder: inside the cluster when the socket path fits the 107-byte limit, else /tmp.
_pg_socket_dir() {
    local dir=$1 port=$2
    if (( ${#dir} + ${#port} + 10 < 100 )); then printf '%s\n' "$dir"; else printf '/tmp\n'; fi
}

# Port of the server running on DIR, empty when none runs.
_pg_running_port() {
    local dir=$1
    _pg_as_owner "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1 || return 0
    sed -n 4p "$dir/postmaster.pid" 2>/dev/null
}

_pg_initdb() {
    local dir=$1
    local log
    log=$(_pg_as_owner "$PG_BIN/initdb" -D "$dir" -U "$PG_SUPERUSER" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 2>&1) \
        || { printf '%s\n' "$log" >&2; _pg_fail "initdb failed in $dir"; return 1; }
    # Settings that depend on the port and the folder are rewritten at every start (hotline.conf).
    _pg_as_owner sh -c 'printf "\n# Written by scripts/pg.sh\ninclude_if_exists = '"'"'hotline.conf'"'"'\n" >> "$1/postgresql.conf"' sh "$dir"
}

_pg_write_settings() {
    local dir=$1 port=$2 socket_dir=$3
    _pg_as_owner sh -c 'cat > "$1/hotline.conf"' sh "$dir" <<EOF
# Written by scripts/pg.sh at every start; edits here are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
# Acknowledged work must be on disk: the hotline promises it (and the failure drills check it).
synchronous_commit = on
max_connections = 200
shared_buffers = 128MB
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

# Creates the hotline role and database when missing.
_pg_bootstrap() {
    local socket_dir=$1 port=$2
    _pg_as_owner "$PG_BIN/psql" -h "$socket_dir" -p "$port" -U "$PG_SUPERUSER" -d postgres \
        -v ON_ERROR_STOP=1 -q -X >/dev/null <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hotline') THEN
        CREATE ROLE hotline LOGIN CREATEDB PASSWORD 'hotline';
    END IF;
END
$$;
SELECT 'CREATE DATABASE hotline OWNER hotline'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'hotline') \gexec
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hotline_audit') THEN
        CREATE ROLE hotline_audit LOGIN NOCREATEDB NOCREATEROLE PASSWORD 'hotline_audit';
    END IF;
END
$$;
SQL
    local schema db
    schema=$(realpath -m -- "$(dirname -- "${BASH_SOURCE[0]}")/../Client.Api/Audit/audit-schema.sql")
    [[ -r $schema ]] || { _pg_fail "no $schema"; return 1; }
    for db in template1 hotline; do
        # The script hands the schema and the table to hotline_audit itself.
        _pg_as_owner "$PG_BIN/psql" -h "$socket_dir" -p "$port" \
            -U "$PG_SUPERUSER" -d "$db" -v ON_ERROR_STOP=1 -q -X >/dev/null < "$schema" || return 1
    done
}

# pg_start DATA_DIR PORT: initialises the cluster on first use, starts it, makes sure the hotline role
# and database exist. Does nothing when a server already runs on DATA_DIR.
pg_start() {
    local requested=${1:?usage: pg_start DATA_DIR PORT} port=${2:?usage: pg_start DATA_DIR PORT}
    [[ -x $PG_BIN/pg_ctl ]] || { _pg_fail "PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15)"; return 1; }
    [[ $port =~ ^[0-9]+$ ]] || { _pg_fail "port must be a number, got '$port'"; return 1; }

    local dir socket_dir running
    dir=$(_pg_prepare_dir "$requested") || return 1
    running=$(_pg_running_port "$dir")
    if [[ -n $running ]]; then
        if [[ $running != "$port" ]]; then
            _pg_fail "a server already runs on $dir but on port $running, not $port; stop it first"
            return 1
        fi
        echo "PostgreSQL already running: $dir on 127.0.0.1:$port"
        return 0
    fi

    if [[ ! -s $dir/PG_VERSION ]]; then
        _pg_initdb "$dir" || return 1
    fi
    socket_dir=$(_pg_socket_dir "$dir" "$port")
    _pg_write_settings "$dir" "$port" "$socket_dir" || return 1

    if ! _pg_as_owner "$PG_BIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t 60 >/dev/null; then
        tail -n 20 "$dir/server.log" >&2 2>/dev/null
        _pg_fail "PostgreSQL did not start on port $port (log: $dir/server.log)"
        return 1
    fi
    _pg_bootstrap "$socket_dir" "$port" \
        || { _pg_fail "could not create the hotline role and database"; return 1; }
    echo "PostgreSQL started: $dir on 127.0.0.1:$port (database hotline, user hotline)"
}

# pg_stop DATA_DIR: stops the server running on DATA_DIR, if any.
pg_stop() {
    local requested=${1:?usage: pg_stop DATA_DIR} dir
    dir=$(realpath -m -- "$requested")
    if [[ -z $(_pg_running_port "$dir") ]]; then
        echo "PostgreSQL not running: $dir"
        return 0
    fi
    _pg_as_owner "$PG_BIN/pg_ctl" stop -D "$dir" -m fast -w -t 60 >/dev/null \
        || { _pg_fail "could not stop the server on $dir"; return 1; }
    echo "PostgreSQL stopped: $dir"
}

# pg_status DATA_DIR: prints whether a server runs on DATA_DIR; non-zero when it does not.
pg_status() {
    local requested=${1:?usage: pg_status DATA_DIR} dir port
    dir=$(realpath -m -- "$requested")
    port=$(_pg_running_port "$dir")
    if [[ -n $port ]]; then
        echo "PostgreSQL running: $dir on 127.0.0.1:$port"
    else
        echo "PostgreSQL not running: $dir"
        return 3
    fi
}

# pg_connection_string PORT [DATABASE]: the connection string the services use.
pg_connection_string() {
    local port=${1:?usage: pg_connection_string PORT [DATABASE]}
    printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=hotline;Password=hotline\n' "$port" "${2:-hotline}"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    case ${1:-} in
        start) pg_start "${2:?usage: $0 start DATA_DIR PORT}" "${3:?usage: $0 start DATA_DIR PORT}" ;;
        stop) pg_stop "${2:?usage: $0 stop DATA_DIR}" ;;
        status) pg_status "${2:?usage: $0 status DATA_DIR}" ;;
        *) echo "usage: $0 start DATA_DIR PORT | stop DATA_DIR | status DATA_DIR" >&2; exit 2 ;;
    esac
fi
