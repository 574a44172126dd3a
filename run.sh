#!/usr/bin/env bash
# Runs the 12345 hotline on this machine: a local PostgreSQL (initialised the first time, data in .data/),
# the schema, one silo with its dashboard, Client.Api with the REST API, and the demo data.
# Ctrl-C stops everything.
#
#   ./run.sh                      # HOTLINE_DEMO_PASSWORD=... sets the demo accounts' password
#
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
data="$root/.data"
mkdir -p "$data/logs"

pg_port=${HOTLINE_PG_PORT:-55432}
api_url=${HOTLINE_API_URL:-http://localhost:5000}
silo_url=${HOTLINE_SILO_URL:-http://localhost:8080}
db="Host=127.0.0.1;Port=$pg_port;Database=hotline;Username=hotline;Password=hotline"

# The demo password: given, or generated once and kept, because accounts are created only once.
if [[ -z ${HOTLINE_DEMO_PASSWORD:-} ]]; then
    if [[ ! -s $data/demo-password ]]; then
        (umask 077 && head -c 12 /dev/urandom | base64 | tr -d '+/=' | cut -c1-12 > "$data/demo-password")
    fi
    HOTLINE_DEMO_PASSWORD=$(cat "$data/demo-password")
fi
export HOTLINE_DEMO_PASSWORD

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pids=()
stop() {
    local code=$1
    trap - INT TERM EXIT
    echo
    echo "Stopping the hotline..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pg_stop "$data/pg" || true
    exit "$code"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

pg_start "$data/pg" "$pg_port"

echo "Building (Release)..."
for project in Silo Client.Api; do
    dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$data/logs/build.log" 2>&1 \
        || { cat "$data/logs/build.log"; exit 1; }
done

wait_ready() {
    local name=$1 url=$2 pid=$3 log=$4
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

echo "Starting the silo (schema migrations run first)..."
dotnet Silo/bin/Release/net10.0/Hotline.Silo.dll \
    --urls "$silo_url" \
    --ConnectionStrings:Hotline="$db" \
    --Hotline:Grains:SimulatedTrunkEnabled=true \
    --Hotline:Silo:DashboardRequiresSignIn=false \
    >"$data/logs/silo.log" 2>&1 &
pids+=($!)
wait_ready "The silo" "$silo_url" "${pids[-1]}" "$data/logs/silo.log"

echo "Starting Client.Api..."
(cd Client.Api && dotnet bin/Release/net10.0/Hotline.Client.Api.dll \
    --urls "$api_url" \
    --ConnectionStrings:Hotline="$db" \
    --Hotline:SimulatedTrunk:Enabled=true \
    --Hotline:Demo:Seed=true) \
    >"$data/logs/api.log" 2>&1 &
pids+=($!)
wait_ready "Client.Api" "$api_url" "${pids[-1]}" "$data/logs/api.log"

cat <<MSG

  12345 hotline is running.

  API            $api_url/api          (reference page: $api_url/api/docs, OpenAPI: $api_url/openapi/v1.json)
  Live events    $api_url/api/events?topics=calls,seats,queues
  Dashboard      $silo_url/dashboard/     (open on this machine only)
  PostgreSQL     127.0.0.1:$pg_port, database hotline (data in .data/pg)
  Logs           .data/logs/

  Demo accounts (password: $HOTLINE_DEMO_PASSWORD)
    agents 1001-1010, supervisor 9001, admin 9000, integration 9900
  Demo queues: general, english, social-security, housing-fund

  Try it:  see "Take a call in two minutes" in README.md.   Ctrl-C stops everything.

MSG
wait -n "${pids[@]}" || true
echo "A hotline process stopped by itself; see .data/logs/." >&2
exit 1
