#!/usr/bin/env bash
# The hotline's load, scale-out and failure harness: a thin wrapper over `dotnet run --project loadtest -c Release`.
#
#   ./loadtest.sh calls --rate 20 --duration 20s --agents 30 --out artifacts/load/calls
#   ./loadtest.sh calls --silos 3 --kill-silo 30s --duration 60s --out artifacts/load/kill
#   ./loadtest.sh calls --silos 3 --rolling-restart 15s --duration 120s --out artifacts/load/rolling
#   ./loadtest.sh baseline --out artifacts/load/baseline
#   ./loadtest.sh calls --target postgresql://hotline:hotline@127.0.0.1:55432/hotline   # a hotline already up
#   ./loadtest.sh --help; ./loadtest.sh calls --help
#
# By default the driver starts what it needs (a private PostgreSQL on port 55443, the silos, Client.Api) and
# stops all of it at the end, on failure and on Ctrl-C. It needs the silo and Client.Api built in Release: done here.
set -euo pipefail
cd "$(dirname "$0")"

if [[ ${1:-} != "" && ${1:-} != -* && " $* " != *" --target "* && " $* " != *" --help "* ]]; then
    log=$(mktemp /tmp/hotline-loadtest-build.XXXXXX)
    echo "Building the silo and Client.Api (Release)..."
    for project in Silo Client.Api; do
        dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >"$log" 2>&1 || { cat "$log"; rm -f "$log"; exit 1; }
    done
    rm -f "$log"
fi
exec dotnet run --project loadtest -c Release -- "$@"
