#!/usr/bin/env bash
# make demo: from a fresh machine to a running consortium and a short story
# through it, printed step by step. The network stays up afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "Build what is missing and bring the consortium up"
scripts/carenet.sh up
go build -o bin/carectl ./client/cmd/carectl
export PATH="$root/bin:$PATH"

say "Who is in the consortium"
show scripts/carenet.sh status
show carectl identities

say "A physician of ProviderOrg writes through ProviderOrg's gateway"
tx=$(carectl --org provider --user physician1 submit baseline Put demo-key "hello from the hospital" -o json | sed -n 's/.*"txId": "\(.*\)".*/\1/p')
echo "committed tx $tx"

say "The ledger says which orgs' peers endorsed it (the care policy needs 2 of 3)"
show carectl --org regulator --user auditor1 tx "$tx"

say "InsurerOrg (payer) and RegulatorOrg read it back through their own peers"
show carectl --org payer --user adjudicator1 evaluate baseline Get demo-key
show carectl --org regulator --user auditor1 evaluate baseline Get demo-key

say "A patient (PatientsOrg has no peer) acts through a member's gateway with their own identity"
show carectl --org patients --user patient1 submit baseline Put patient-key "a patient's own entry"

say "ManufacturerOrg is not on the care channel: refused"
show carectl --org manufacturer --user logistics1 --gateway peer0.provider evaluate baseline Get demo-key || true

say "Done. The consortium keeps running; try:"
cat <<'TRY'
  bin/carectl identities
  bin/carectl --org provider --user physician1 submit baseline Put k1 v1
  bin/carectl --org payer --user adjudicator1 evaluate baseline Get k1 -o json
  bin/carectl --org distributor --user logistics1 --channel supply submit baseline Put lot-1 shipped
  make status     # nodes and block heights
  make bench      # throughput and latency against the baseline
  make down       # stop, keep data;  make up  restarts with the ledgers intact
  make clean      # remove everything
TRY
