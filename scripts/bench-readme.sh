#!/usr/bin/env bash
# make bench-readme: runs every benchmark scenario (scripts/bench.sh) with
# JSON output, keeps the run's reports in bench/last.json, and regenerates
# the README's table between its bench markers from them, with the machine
# and its load, so that no figure is copied by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p bench
load_before=$(cut -d' ' -f1 /proc/loadavg)
BENCH_OUTPUT=json scripts/bench.sh | tee bench/last.json
load_after=$(cut -d' ' -f1 /proc/loadavg)
machine="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go env GOVERSION), ${BENCH_DURATION:-20s} per scenario, $(date -u +%Y-%m-%d), load average ${load_before} before and ${load_after} after"
go run ./test/bench/cmd/benchtable --machine "$machine" --doc README.md < bench/last.json
echo "README.md: table regenerated from bench/last.json"
