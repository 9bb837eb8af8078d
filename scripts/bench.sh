#!/usr/bin/env bash
# Benchmarks on the consortium (brought up first if needed): each domain
# scenario runs in the same run as the baseline chaincode, the yardstick.
# BENCH_DURATION (default 20s) and BENCH_IN_FLIGHT (default 100) tune it;
# BENCH_OUTPUT=json prints one JSON object per scenario.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/carenet.sh" up >/dev/null
go build -o bin/carebench ./test/bench/cmd/carebench
go build -o bin/carectl ./client/cmd/carectl
d=${BENCH_DURATION:-20s}
n=${BENCH_IN_FLIGHT:-100}
out=${BENCH_OUTPUT:-text}
bench() { bin/carebench --duration "$d" --output "$out" "$@"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go env GOVERSION); ${d} per scenario"
bench --name "baseline Put (1 in flight)" --in-flight 1 --fn Put --arg 'b1-{run}-{n}' --arg value
bench --name "baseline Put" --in-flight "$n" --fn Put --arg 'b-{run}-{n}' --arg value
bin/carectl --org provider --user physician1 submit baseline Put bench-key value >/dev/null
bench --name "baseline Get" --in-flight 20 --evaluate --fn Get --arg bench-key
