#!/usr/bin/env bash
# The chaos suite (test/chaos, build tag chaos): brings up a consortium of
# its own (state in CARECHAIN_CHAOS_HOME, default /tmp/cc-chaos-suite; ports
# from CARECHAIN_CHAOS_PORT_BASE, default 30000: below the kernel's ephemeral range, 32768-60999, so that no client socket can hold a node's port), writes unique keys through
# the client library while it kills orderers and peers, takes the
# consortium down and up, and resets and blacks out the client's link to
# its gateway; checks every peer's ledger against what the client reported,
# prints the table and removes the consortium. Knobs: CHAOS_TX (writes per
# fault, default 400), CHAOS_WORKERS (16), CHAOS_FAULTS (comma-separated
# parts of fault names), CHAOS_EVENTS (200), CHAOS_MAX_LEADER_STALL (e.g.
# 3s: fail above it), CHAOS_MAX_FAILOVER (default 2.25s: the worst call
# while the gateway peer is killed), CHAOS_KEEP, CHAOS_REUSE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
FABRIC_BIN=$(scripts/fabric-bins.sh)
export FABRIC_BIN
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if go test -tags chaos -count=1 -timeout 20m -v ./test/chaos/ "$@" 2>&1 | tee "$out"; then
	exit 0
fi
# The nodes' log tails come last in go test's output: repeat what failed
# after them, so that the end of the output says why.
echo "==== chaos: what failed"
grep -E -- '--- FAIL|FINDING|chaos: set-up|_test\.go:[0-9]+:|panic:' "$out" | grep -v '^\s*$' | tail -40
exit 1
