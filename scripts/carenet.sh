#!/usr/bin/env bash
# Runs carenet (network/cmd/carenet) with the Fabric binaries: builds what
# is missing first. Usage: scripts/carenet.sh up|deploy|down|clean|status|logs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FABRIC_BIN=$("$root/scripts/fabric-bins.sh")
export FABRIC_BIN
mkdir -p "$root/bin"
(cd "$root" && go build -o bin/carenet ./network/cmd/carenet)
exec "$root/bin/carenet" --repo "$root" "$@"
