#!/usr/bin/env bash
# Shared by ./run.sh and deploy/two-silos.sh: start the hotline's processes in the background, wait until each
# is ready, and stop them all (PostgreSQL last) on Ctrl-C or when one of them fails.
#
#   source scripts/stack.sh; stack_init DATA_DIR; stack_start NAME LOG cmd...; stack_wait_ready NAME URL

stack_pids=()
stack_names=()

# stack_init DATA_DIR: stop everything started here (and the PostgreSQL in DATA_DIR/pg) when the script ends.
stack_init() {
    _stack_data=$1
    mkdir -p "$_stack_data/logs"
    trap '_stack_stop 0' INT TERM
    trap '_stack_stop $?' EXIT
}

_stack_stop() {
    local code=$1
    trap - INT TERM EXIT
    echo
    echo "Stopping the hotline..."
    local pid
    for pid in "${stack_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${stack_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pg_stop "$_stack_data/pg" || true
    exit "$code"
}

# stack_start NAME LOG command...: runs the command in the background, its output in LOG.
stack_start() {
    local name=$1 log=$2
    shift 2
    "$@" >"$log" 2>&1 &
    stack_pids+=($!)
    stack_names+=("$name:$log")
}

# stack_wait_ready NAME URL: waits for URL/health/ready of the process started last under NAME.
stack_wait_ready() {
    local name=$1 url=$2 pid=${stack_pids[-1]} log=${stack_names[-1]#*:}
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null "$url/health/ready" 2>/dev/null; then return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$name stopped during start-up; its log ($log) ends with:" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "$name was not ready within 120 s; see $log" >&2
    exit 1
}

# stack_build PROJECT...: Release builds, quiet unless they fail.
stack_build() {
    local project
    for project in "$@"; do
        dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$_stack_data/logs/build.log" 2>&1 \
            || { cat "$_stack_data/logs/build.log"; exit 1; }
    done
}

# stack_wait: returns when any process stops by itself (the caller then reports it).
stack_wait() {
    wait -n "${stack_pids[@]}" || true
    echo "A hotline process stopped by itself; see $_stack_data/logs/." >&2
    exit 1
}
