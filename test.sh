#!/usr/bin/env bash
# Installs what the tests need, starts a throw-away PostgreSQL, runs every test, stops it.
# The last line is the total: "N passed, N failed, N skipped".
#
#   ./test.sh          the whole suite, as CI runs it
#   ./test.sh --fast   the pure tier: no PostgreSQL, no SIP peers, no browser, no package installs (the plain
#                      classes, the in-process cluster with fake time, the SIP/RTP library against itself)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

if [[ ${1:-} == --fast ]]; then
    results=$(mktemp -d /tmp/hotline-test-results.XXXXXX)
    fast=(tests/Grains.Interfaces.Tests tests/Grains.Tests tests/Edge.Tests tests/Telephony.Tests tests/LoadTest.Tests)
    for project in "${fast[@]}"; do dotnet build "$project" -c Release -nologo -clp:ErrorsOnly; done
    status=0
    for project in "${fast[@]}"; do
        # Real sipp/baresip peers and the kill drill's PostgreSQL belong to the full suite.
        dotnet test "$project" -c Release --no-build -nologo --logger "trx" --results-directory "$results" \
            --filter "FullyQualifiedName!~EndToEnd&FullyQualifiedName!~KillDrill" || status=$?
    done
    read -r passed failed skipped < <(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
        | sed -E 's/.* total="([0-9]+)" executed="([0-9]+)" passed="([0-9]+)" failed="([0-9]+)".*/\1 \2 \3 \4/' \
        | awk '{p+=$3; f+=$4; s+=$1-$2} END {print p+0, f+0, s+0}')
    echo "fast tier: $passed passed, $failed failed, $skipped skipped"
    [[ $status -eq 0 && $failed -eq 0 && $passed -gt 0 ]]
    exit
fi

# System packages the suites use (run as root, as CI does; a developer without root installs them once).
need=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql-15)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)       # the independent Open311 client (standard library only)
command -v sipp >/dev/null || need+=(sip-tester)          # SIP peer for the telephony tests
command -v baresip >/dev/null || need+=(baresip-core)     # an agent's softphone (auto-answer)
command -v linphonec >/dev/null || need+=(linphone-cli)    # a second softphone stack (liblinphone), registering over UDP and TCP
command -v espeak-ng >/dev/null || need+=(espeak-ng)      # prompt generation check
command -v sox >/dev/null || need+=(sox)                  # audio files for the SIP peers
command -v chromium >/dev/null || need+=(chromium)        # the browser the UI tests drive
[[ -d /usr/share/fonts/truetype/wqy ]] || need+=(fonts-wqy-microhei)  # Chinese text in the browser's screenshots
command -v kamailio >/dev/null || need+=(kamailio)        # the SIP load balancer of deploy/, in its failover test
command -v kubectl >/dev/null || need+=(kubernetes-client) # kubectl: renders deploy/k8s offline (kubectl kustomize)
command -v yamllint >/dev/null || need+=(yamllint)        # lints deploy/k8s
if ((${#need[@]})); then
    if [[ $EUID -eq 0 ]]; then
        # Packages with a daemon (kamailio) must not start it here: the tests start their own, on ports of their own.
        made_policy=false
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=true
        fi
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
        if $made_policy; then rm -f /usr/sbin/policy-rc.d; fi
    else
        echo "test.sh: please install: ${need[*]}" >&2
        exit 1
    fi
fi

# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_port=${HOTLINE_TEST_PG_PORT:-55433}
pg_dir=$(mktemp -d /tmp/hotline-test-pg.XXXXXX)
results=$(mktemp -d /tmp/hotline-test-results.XXXXXX)
cleanup() {
    pg_stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
trap cleanup EXIT
pg_start "$pg_dir" "$pg_port"
export HOTLINE_TEST_DB="Host=127.0.0.1;Port=$pg_port;Database=postgres;Username=hotline;Password=hotline"

dotnet build Orleans.sln -c Release -nologo -clp:ErrorsOnly

status=0
dotnet test Orleans.sln -c Release --no-build -nologo \
    --logger "trx" --results-directory "$results" \
    --logger "console;verbosity=normal" 2>&1 | tee "$results/console.log" || status=$?

# Totals over every test project, from the result files (one <Counters .../> per project). A skipped test is
# counted in total but not in executed (its notExecuted counter stays 0).
read -r projects passed failed skipped < <(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
    | sed -E 's/.* total="([0-9]+)" executed="([0-9]+)" passed="([0-9]+)" failed="([0-9]+)".*/\1 \2 \3 \4/' \
    | awk '{n++; p+=$3; f+=$4; s+=$1-$2} END {print n+0, p+0, f+0, s+0}')
echo
echo "Test projects run: $projects (results in $results)"
# The failed tests again, with the start of their message: a CI log is often cut to its tail.
perl -0777 -ne 'while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="Failed".*?<Message>(.*?)<\/Message>/gs) {
    my ($name, $message) = ($1, $2); my @lines = split /\n/, $message;
    print "FAILED $name\n", map({ "    $_\n" } @lines[0 .. ($#lines < 11 ? $#lines : 11)]);
}' "$results"/*.trx 2>/dev/null || true
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; echo "dotnet test failed outside any test (exit $status)"; fi
echo "$passed passed, $failed failed, $skipped skipped"
[[ $status -eq 0 && $failed -eq 0 && $passed -gt 0 ]]
