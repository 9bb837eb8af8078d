#!/usr/bin/env bash
# make bench-readme: make bench (scripts/bench.sh), which keeps the run's
# JSON in bench/last.json and regenerates the README's table from it, with
# the machine it ran on, so that no figure is copied by hand. Run it on a
# quiet machine; make bench with BENCH_README=0 leaves the README alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BENCH_README=1 exec "$root/scripts/bench.sh"
