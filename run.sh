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
sip_port=${HOTLINE_SIP_PORT:-5060}
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
# shellcheck source=scripts/stack.sh
source scripts/stack.sh
stack_init "$data"

pg_start "$data/pg" "$pg_port"

echo "Building (Release)..."
stack_build Silo Client.Api

echo "Starting the silo (schema migrations run first)..."
stack_start "The silo" "$data/logs/silo.log" dotnet Silo/bin/Release/net10.0/Hotline.Silo.dll \
    --urls "$silo_url" \
    --ConnectionStrings:Hotline="$db" \
    --Hotline:Grains:SimulatedTrunkEnabled=true \
    --Hotline:Silo:DashboardRequiresSignIn=false \
    --Hotline:Telephony:SipPort="$sip_port" \
    --Hotline:Telephony:RecordingsPath="$data/recordings" \
    --Hotline:Ivr:ServiceHours:0=00:00-24:00 --Hotline:Ivr:ServiceOnDaysOff=true
stack_wait_ready "The silo" "$silo_url"

echo "Starting Client.Api..."
stack_start "Client.Api" "$data/logs/api.log" env -C "$root/Client.Api" dotnet bin/Release/net10.0/Hotline.Client.Api.dll \
    --urls "$api_url" \
    --ConnectionStrings:Hotline="$db" \
    --Hotline:SimulatedTrunk:Enabled=true \
    --Hotline:Demo:Seed=true \
    --Hotline:Demo:History=true \
    --Hotline:RecordingsPath="$data/recordings"
stack_wait_ready "Client.Api" "$api_url"

# The demo's Open311 key for the integration account 9900: issued once through the admin API and kept in
# .data/open311-key (only its hash is in the database); issued again if that key no longer works.
open311_key=$(cat "$data/open311-key" 2>/dev/null || true)
if [[ -z $open311_key ]] || [[ $(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "api_key=$open311_key" \
        "$api_url/open311/v2/requests.json") == 403 ]]; then
    open311_key=""
    for _ in $(seq 1 60); do  # the demo accounts are seeded in the background
        admin_token=$(curl -s -H 'Content-Type: application/json' "$api_url/api/auth/login" \
            -d "{\"jobNumber\":\"9000\",\"password\":\"$HOTLINE_DEMO_PASSWORD\"}" | grep -o '"token":"[^"]*"' | cut -d'"' -f4 || true)
        if [[ -n $admin_token ]]; then
            open311_key=$(curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $admin_token" "$api_url/api/integrations/keys" \
                -d '{"account":"9900","name":"demo Open311","scopes":["open311:write","tickets:submit","tickets:read"]}' \
                | grep -o 'hk_[0-9a-f]\{12\}_[A-Za-z0-9_-]*' || true)
            curl -s -o /dev/null -X POST -H "Authorization: Bearer $admin_token" "$api_url/api/auth/logout" || true
            break
        fi
        sleep 1
    done
    if [[ -n $open311_key ]]; then (umask 077 && echo "$open311_key" > "$data/open311-key"); fi
fi

cat <<MSG

  12345 hotline is running.

  Web UI         $api_url/          (sign in with a job number below; citizen portal: $api_url/portal)
  API            $api_url/api          (reference page: $api_url/api/docs, OpenAPI: $api_url/openapi/v1.json)
  Live events    $api_url/api/events?topics=calls,seats,queues
  Phone line     sip:12345@127.0.0.1:$sip_port  (UDP/TCP; agents' phones register as sip:<job number>@127.0.0.1:$sip_port)
  Dashboard      $silo_url/dashboard/     (open on this machine only)
  PostgreSQL     127.0.0.1:$pg_port, database hotline (data in .data/pg)
  Logs           .data/logs/

  Demo accounts (password: $HOTLINE_DEMO_PASSWORD)
    agents 1001-1010, supervisor 9001, admin 9000, integration 9900
  Demo queues: general, english, social-security, housing-fund
  Open311        $api_url/open311/v2/discovery.json   (key for POSTs, account 9900: ${open311_key:-not issued, see .data/logs/api.log}; kept in .data/open311-key)

  Try it:  see "Take a call in two minutes" in README.md.   Ctrl-C stops everything.

MSG
stack_wait
