#!/usr/bin/env bash
# End-to-end tests: builds what is missing, then `go test -tags e2e`, whose
# TestMain starts a consortium of its own (a temporary state folder, ports
# from CARECHAIN_E2E_PORT_BASE, default 27000) and whose last test removes it.
# Then the several-hosts test (test/netns): a consortium of its own across
# network namespaces it makes and removes (as root; skipped otherwise).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
FABRIC_BIN=$(scripts/fabric-bins.sh)
export FABRIC_BIN
go test -tags e2e -count=1 -timeout 40m -v ./test/e2e/... "$@"
go test -tags e2e -count=1 -timeout 15m -v ./test/netns/... "$@"
