#!/usr/bin/env bash
# Two silos on this machine behind Kamailio, as a provincial hotline runs several machines behind one number:
# PostgreSQL (the same .data/pg as ./run.sh: run one or the other), silo A (SIP 5070, dashboard :8080),
# silo B (SIP 5071, dashboard :8081), Client.Api (:5000) and Kamailio on 5060 spreading calls over the two edges
# and failing over when one stops (deploy/kamailio/kamailio.cfg). Ctrl-C stops everything.
#
#   deploy/two-silos.sh      then dial sip:12345@127.0.0.1:5060; kill one silo and dial again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/.data"
pg_port=${HOTLINE_PG_PORT:-55432}
db="Host=127.0.0.1;Port=$pg_port;Database=hotline;Username=hotline;Password=hotline"
command -v kamailio >/dev/null || { echo "two-silos.sh: please install kamailio (apt-get install kamailio)" >&2; exit 1; }

if [[ -z ${HOTLINE_DEMO_PASSWORD:-} && -s $data/demo-password ]]; then HOTLINE_DEMO_PASSWORD=$(cat "$data/demo-password"); fi
export HOTLINE_DEMO_PASSWORD=${HOTLINE_DEMO_PASSWORD:-demo-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')}

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
# shellcheck source=scripts/stack.sh
source scripts/stack.sh
stack_init "$data"
pg_start "$data/pg" "$pg_port"
echo "Building (Release)..."
stack_build Silo Client.Api

start_silo() {
    local name=$1 http=$2 silo_port=$3 gateway_port=$4 sip_port=$5 rtp_min=$6
    stack_start "Silo $name" "$data/logs/silo-$name.log" dotnet Silo/bin/Release/net10.0/Hotline.Silo.dll \
        --urls "http://localhost:$http" \
        --ConnectionStrings:Hotline="$db" \
        --Hotline:Silo:SiloPort="$silo_port" --Hotline:Silo:GatewayPort="$gateway_port" \
        --Hotline:Silo:DashboardRequiresSignIn=false \
        --Hotline:Telephony:SipPort="$sip_port" \
        --Hotline:Telephony:RtpPortMin="$rtp_min" --Hotline:Telephony:RtpPortMax=$((rtp_min + 4999)) \
        --Hotline:Telephony:RecordingsPath="$data/recordings"
    stack_wait_ready "Silo $name" "http://localhost:$http"
}
echo "Starting silo A and silo B..."
start_silo a 8080 11111 30000 5070 20000
start_silo b 8081 11112 30001 5071 25000

echo "Starting Client.Api..."
stack_start "Client.Api" "$data/logs/api.log" env -C "$root/Client.Api" dotnet bin/Release/net10.0/Hotline.Client.Api.dll \
    --urls "http://localhost:5000" --ConnectionStrings:Hotline="$db" --Hotline:Demo:Seed=true \
    --Hotline:RecordingsPath="$data/recordings"
stack_wait_ready "Client.Api" "http://localhost:5000"

echo "Starting Kamailio on 127.0.0.1:5060..."
stack_start "Kamailio" "$data/logs/kamailio.log" kamailio -DD -E -f deploy/kamailio/kamailio.cfg \
    -A "DISPATCHER_LIST=\"$root/deploy/kamailio/dispatcher.list\"" -A "RUN_DIR=\"$data\""

cat <<MSG

  Two silos behind Kamailio.

  Phone line     sip:12345@127.0.0.1:5060   (Kamailio: round robin over the edges at 5070 and 5071)
  Silo A         http://localhost:8080/dashboard/   SIP 127.0.0.1:5070   pid ${stack_pids[1]}
  Silo B         http://localhost:8081/dashboard/   SIP 127.0.0.1:5071   pid ${stack_pids[2]}
  API            http://localhost:5000/api   (demo password: $HOTLINE_DEMO_PASSWORD)
  Logs           .data/logs/   (kamailio.log shows each call's edge and edges going down or up)

  Try failover:  kill -9 ${stack_pids[1]}; calls keep being answered by silo B within 10 s (two missed probes).
  Ctrl-C stops everything.

MSG
stack_wait
