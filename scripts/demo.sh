#!/usr/bin/env bash
# make demo: from a fresh machine to a running consortium and a short story
# through it, printed step by step. The network stays up afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

state=${CARECHAIN_HOME:-$root/.carechain}
# A demo run before this one added a second insurer: keep it (the reference
# topology has one payer; carenet up with it would take the insurer out).
with_payer2=$state/demo-with-payer2.yaml
topology_args=()
[ -f "$with_payer2" ] && topology_args=(--topology "$with_payer2")

say "Build what is missing and bring the consortium up"
scripts/carenet.sh "${topology_args[@]}" up
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

# ---- a patient -------------------------------------------------------------
# No patient is declared in the topology, and no patient's key is in the
# consortium's state folder: the patients' registrar registers the patient
# (a random enrollment id, a one-time secret, a private link on chain to the
# pseudonym), and the patient enrolls with a key made where they are, kept in
# their wallet ($CARECTL_WALLET, default ~/.carechain/wallet).
patient=pt-4c1e9a07d2b35f6e8a91c0d4e7f2b6a3
wallet=${CARECTL_WALLET:-$HOME/.carechain/wallet}
json_field() { sed -n 's/.*"'$1'": "\(.*\)".*/\1/p'; }
if carectl --org patients --user patient1 whoami >/dev/null 2>&1; then
  say "The demo patient is already enrolled in $wallet as patient1"
else
  say "PatientsOrg's registrar registers a patient: an enrollment id that names no one, a one-time secret, a private link to $patient"
  reg=$(carectl --org patients --user registrar1 users register --role patient --subject $patient -o json)
  echo "$reg"
  say "The patient enrolls on their own machine: the key is made there and kept in their wallet, as patient1"
  show carectl --org patients enroll --name "$(echo "$reg" | json_field enrollmentId)" --secret "$(echo "$reg" | json_field secret)" --as patient1
fi
show carectl --org patients --user patient1 whoami

say "A patient (PatientsOrg has no peer) acts through a member's gateway with their own identity"
show carectl --org patients --user patient1 submit baseline Put patient-key "a patient's own entry"

say "ManufacturerOrg is not on the care channel: refused"
show carectl --org manufacturer --user logistics1 --gateway peer0.provider evaluate baseline Get demo-key || true

# ---- consent -------------------------------------------------------------
start=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
until=$(date -u -d '+1 year' +%Y-%m-%dT%H:%M:%SZ)
cid=demo-consent-$(date +%s)

say "Consent: patient1 lets ProviderOrg's physicians access their labs for treatment, for a year"
show carectl --org patients --user patient1 consent grant \
  '{"id":"'$cid'","subject":"'$patient'","decision":"permit","period":{"start":"'$start'","end":"'$until'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs"]}}'

say "The physician checks through ProviderOrg's gateway; the auditor through RegulatorOrg's"
show carectl --org provider --user physician1 consent check --patient $patient --class labs
show carectl --org regulator --user auditor1 consent check --patient $patient --requester ProviderMSP/physician/physician1 --class labs
show carectl --org provider --user physician1 consent check --patient $patient --class psychiatry

say "A physician cannot grant consent on the patient's behalf"
show carectl --org provider --user physician1 consent grant \
  '{"subject":"'$patient'","decision":"permit","period":{"start":"'$start'"},"provision":{"actor":[{"org":"ProviderMSP"}],"action":["access"],"purpose":["treatment"],"class":["psychiatry"]}}' || true

say "The patient revokes; from that transaction on, the answer is deny"
show carectl --org patients --user patient1 consent revoke $cid
show carectl --org provider --user physician1 consent check --patient $patient --class labs

say "Emergency: the physician breaks the glass (a reason, here 1 minute, an event); the patient sees it"
show carectl --org provider --user physician1 consent break-glass --patient $patient --reason "unconscious on arrival" --minutes 1 --class labs
show carectl --org provider --user physician1 consent check --patient $patient --class labs
show carectl --org patients --user patient1 consent break-glass list
show carectl --org patients --user patient1 consent history $cid

# ---- records -------------------------------------------------------------
rec=demo-rec-$(date +%s)
doc=$(mktemp --suffix=.txt)
printf 'Lab report for the demo patient.\nHaemoglobin 13.1 g/dL, leucocytes 6.2 G/L.\n' > "$doc"

say "Records: ProviderOrg's admin publishes its key-encryption key; a clerk anchors a lab report"
show carectl --org provider --user admin records register-key
show carectl --org provider --user clerk1 records put "$doc" --id $rec --patient $patient --type DiagnosticReport --class labs
echo "(the report is encrypted in .carechain/documents; on chain: hashes, metadata in a private collection, the key wrapped)"

say "Without consent the physician gets nothing; with the patient's consent the report comes back, verified"
show carectl --org provider --user physician2 records get $rec -O /tmp/carechain-demo-report.txt || true
show carectl --org patients --user patient1 consent grant \
  '{"id":"'$rec'-consent","subject":"'$patient'","decision":"permit","period":{"start":"'$start'","end":"'$until'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician","id":"physician2"}],"action":["access"],"purpose":["treatment"],"class":["labs"]}}'
got=$(show carectl --org provider --user physician2 records get $rec -O /tmp/carechain-demo-report.txt)
echo "$got"
salt=$(sed -n 's/^salt for verifying a copy[^:]*: //p' <<<"$got")
show cmp "$doc" /tmp/carechain-demo-report.txt

say "Anyone on the channel can verify a copy with the salt its sender hands on: the insurer checks the report it was sent"
show carectl --org payer --user adjudicator1 records verify $rec "$doc" --salt "$salt"

say "The patient reads who accessed their records, when and why"
show carectl --org patients --user patient1 records access-log

say "Erasure: the custodian shreds the key; the history still verifies"
show carectl --org provider --user privacy1 records erase $rec
show carectl --org provider --user physician2 records get $rec -O /tmp/carechain-demo-report.txt || true
show carectl --org patients --user patient1 records history $rec
carectl --org patients --user patient1 consent revoke $rec-consent >/dev/null
rm -f "$doc"

# ---- claims --------------------------------------------------------------
# Each party's claims system follows its claims' events (checkpointed):
# each insurer screens every new claim of its own across payers, the
# hospital forwards every claim the primary adjudicated to the secondary.
# They run until the demo ends.
say "Each party's claims system follows its claims: the insurer screens every new claim across payers, the hospital forwards to secondary payers"
followers=()
stop_followers() { for p in "${followers[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_followers EXIT
follow() { # org user flag
  local cp="$state/demo-follow-$1.checkpoint"
  rm -f "$cp"
  echo "\$ carectl --org $1 --user $2 claims follow $3 --checkpoint $cp &"
  carectl --org "$1" --user "$2" claims follow "$3" --checkpoint "$cp" > "$state/demo-follow-$1.log" 2>&1 &
  followers+=($!)
  for _ in $(seq 100); do grep -q '"blockNumber":[1-9]' "$cp" 2>/dev/null && return; sleep 0.2; done
  echo "the follower of $1 did not start:"; cat "$state/demo-follow-$1.log"; exit 1
}
# until CMD...: runs CMD quietly until it succeeds (60 s at most), then shows it.
until_ok() { for _ in $(seq 120); do "$@" >/dev/null 2>&1 && { show "$@"; return; }; sleep 0.5; done; show "$@"; }
flagged() { carectl --org "$1" --user adjudicator1 claims flags --page-size 100 | grep -q "^$2 line"; }
# flags_of ORG: the org's flags on this run's claims (earlier runs' are there too).
flags_of() {
  echo "\$ carectl --org $1 --user adjudicator1 claims flags --page-size 100 | grep clm-$ts"
  carectl --org "$1" --user adjudicator1 claims flags --page-size 100 | grep "clm-$ts" || true
}

follow payer intake1 --screen
follow provider billing1 --forward

ts=$(date +%s)
today=$(date -u +%Y-%m-%d)
# A duplicate is the same patient, day, codes, modifiers and units — not the
# same charge: each run bills its own day of the past 300, so that a second
# demo is not a duplicate of the first.
served=$(date -u -d "today - $((ts % 300)) days" +%Y-%m-%d)
served_before=$(date -u -d "$served - 1 day" +%Y-%m-%d)
year=$(date -u +%Y)
cov=cov-demo-$ts
say "Claims: the insurer sets its duplicate salt (once), a plan's rules, and the patient's coverage"
carectl --org payer --user enrollment1 claims salt >/dev/null 2>&1 || echo "(salt already set)"
show carectl --org payer --user adjudicator1 claims rules '{"plan":"gold","allowed":{"99213":12000,"80053":4500,"70553":90000},"priorAuth":["70553"]}'
show carectl --org payer --user enrollment1 claims coverage add \
  '{"id":"'$cov'","member":"'$patient'","plan":"gold","period":{"start":"'$((year - 1))'-01-01","end":"'$year'-12-31"},"annualLimit":1000000,"copay":2000,"deductible":5000}'

claim_on() { # day id coverage panel-units
  echo '{"id":"'$2'","patient":"'$patient'","coverage":"'$3'","payer":"PayerMSP","renderingNpi":"1234567893",
  "billablePeriod":{"start":"'$1'","end":"'$1'"},"placeOfService":"11","diagnosis":["E11.9","I10"],
  "item":[{"sequence":1,"productOrService":"99213","modifier":["25"],"quantity":1,"unitPrice":15000,"net":15000,"servicedDate":"'$1'"},
          {"sequence":2,"productOrService":"80053","quantity":'$4',"unitPrice":4000,"net":'$((4000 * $4))',"servicedDate":"'$1'"}],"total":'$((15000 + 4000 * $4))'}'
}
claim() { claim_on "$served" "$@"; } # id coverage panel-units
say "The hospital's billing clerk submits a claim; the plan's rules adjudicate it at once"
panel=$((1 + ts % 3))
show carectl --org provider --user billing1 claims submit "$(claim clm-$ts $cov $panel)"
show carectl --org payer --user adjudicator1 claims get clm-$ts

say "The same services under another claim id: refused as a duplicate, naming the original"
show carectl --org provider --user billing1 claims submit "$(claim clm-$ts-dup $cov $panel)" || true

say "A claim under a coverage the insurer does not know: pended, with the reason"
show carectl --org provider --user billing1 claims submit "$(claim_on "$served_before" clm-$ts-nocov cov-unknown $panel)"

say "The insurer pays; the hospital reads the remittance advice"
show carectl --org payer --user adjudicator1 claims pay clm-$ts
show carectl --org provider --user billing1 claims remittance clm-$ts

say "The regulator sees the public trace, not the claim"
show carectl --org regulator --user auditor1 evaluate claims GetTrace clm-$ts
show carectl --org regulator --user auditor1 claims get clm-$ts || true

# ---- two insurers ------------------------------------------------------
# The reference topology has one payer. An operator adds a second insurer
# to the running consortium: a copy of the topology that lists it, and
# carenet up reconciles (its CA and identities, its peer, care's config
# update signed by the members' admins, the definitions whose policies now
# count its peer, its registry entry).
if [ ! -f "$with_payer2" ]; then
  say "Operations: a second insurer, payer2, joins the running consortium (carenet up with a topology that lists it)"
  go run ./network/cmd/addpayer -name payer2 -plans bronze network/topology.yaml > "$with_payer2.new"
  mv "$with_payer2.new" "$with_payer2"
  echo '$ scripts/carenet.sh --topology '"$with_payer2"' up'
  t0=$(date +%s)
  if ! scripts/carenet.sh --topology "$with_payer2" up > "$state/demo-add-payer2.log" 2>&1; then
    tail -40 "$state/demo-add-payer2.log"; rm -f "$with_payer2"; exit 1
  fi
  grep -E "channel care: add|committed on care at sequence|the registry on care" "$state/demo-add-payer2.log" || true
  echo "(payer2 joined in $(( $(date +%s) - t0 )) s; the whole log: $state/demo-add-payer2.log)"
fi
payer2msp=Payer2MSP
say "payer2's claims system follows its claims too"
follow payer2 intake1 --screen

say "payer2 sets its duplicate salt, its plan's rules, and covers the patient as secondary"
carectl --org payer2 --user enrollment1 claims salt >/dev/null 2>&1 || echo "(salt already set)"
show carectl --org payer2 --user adjudicator1 claims rules '{"plan":"bronze","allowed":{"99213":10000,"80053":4000}}'
show carectl --org payer2 --user enrollment1 claims coverage add \
  '{"id":"'$cov'-2","member":"'$patient'","plan":"bronze","period":{"start":"'$((year - 1))'-01-01","end":"'$year'-12-31"},"annualLimit":4500,"copay":1000,"deductible":3000}'
served_cob=$(date -u -d "$served - 2 day" +%Y-%m-%d)
cob=$(claim_on "$served_cob" clm-$ts-cob $cov $panel | sed 's/"total":/"secondary":{"payer":"'$payer2msp'","coverage":"'$cov'-2"},"total":/')
say "Coordination of benefits: the hospital bills the primary once, naming the secondary; the primary pays its share"
show carectl --org provider --user billing1 claims submit "$cob"
show carectl --org payer --user adjudicator1 claims pay clm-$ts-cob
say "The hospital's system forwarded it: payer2 has the crossover with the primary's adjudication, and pays only the remainder"
until_ok carectl --org payer2 --user adjudicator1 claims remittance clm-$ts-cob.cob
show carectl --org payer2 --user adjudicator1 claims pay clm-$ts-cob.cob
show carectl --org provider --user billing1 claims remittance clm-$ts-cob.cob

say "The first claim's services billed to payer2 too, a cent dearer: flagged to both insurers as it lands, each told only of its own claim"
dup=$(claim clm-$ts-b $cov-2 $panel | sed 's/"payer":"PayerMSP"/"payer":"'$payer2msp'"/; s/"unitPrice":15000,"net":15000/"unitPrice":15001,"net":15001/; s/"total":\([0-9]*\)}/"total":TOTAL}/')
dup=${dup/TOTAL/$((15001 + 4000 * panel))}
show carectl --org provider --user billing1 claims submit "$dup"
for _ in $(seq 120); do flagged payer clm-$ts && flagged payer2 clm-$ts-b && break; sleep 0.5; done
flags_of payer
flags_of payer2
show carectl --org payer2 --user adjudicator1 claims resolve clm-$ts-b 1 --outcome duplicate --reason "the primary plan paid this visit"

say "payer2's intake puts a claim it received on paper on the ledger, for the hospital; the hospital sees it"
served_paper=$(date -u -d "$served - 3 day" +%Y-%m-%d)
paper=$(claim_on "$served_paper" clm-$ts-paper $cov-2 1 | sed 's/"payer":"PayerMSP"/"payer":"'$payer2msp'"/')
show carectl --org payer2 --user intake1 claims intake '{"claim":'"$paper"',"provider":"ProviderMSP","channel":"paper","received":"'$today'"}'
show carectl --org provider --user billing1 claims get clm-$ts-paper
say "The hospital's own bill of the same visit: a duplicate of the paper claim at payer2, flagged to both insurers when billed to the other"
show carectl --org provider --user billing1 claims submit "$(claim_on "$served_paper" clm-$ts-paper-own $cov-2 1 | sed 's/"payer":"PayerMSP"/"payer":"'$payer2msp'"/')" || true
show carectl --org provider --user billing1 claims submit "$(claim_on "$served_paper" clm-$ts-paper-a $cov 1)"
for _ in $(seq 120); do flagged payer2 clm-$ts-paper && flagged payer clm-$ts-paper-a && break; sleep 0.5; done
flags_of payer
flags_of payer2
show carectl --org payer2 --user adjudicator1 claims worklist --page-size 5
say "The hospital never billed the paper claim: it disputes it"
show carectl --org provider --user billing1 claims dispute clm-$ts-paper
stop_followers

# ---- drug provenance -----------------------------------------------------
gtin=10614141123459
dlot=DEMO$(date +%s | tail -c 7)
say "Drug provenance (channel supply): the regulator authorizes the trading partners"
for m in ManufacturerMSP DistributorMSP ProviderMSP; do
  carectl --org regulator --user registrar1 drugs partner add \
    '{"mspId":"'$m'","name":"'$m'","license":"LIC-'$m'","gln":"0614141000012","validFrom":"2026-01-01","validTo":"2099-12-31"}'
done
say "The manufacturer registers a product and a lot, and commissions 200 serialized units"
show carectl --org manufacturer --user quality1 drugs product add \
  '{"gtin":"'$gtin'","name":"Amoxicillin","strength":"500 mg","dosageForm":"capsule","ndc":"0093-3109","minTemp":20,"maxTemp":250}'
show carectl --org manufacturer --user quality1 drugs batch create $gtin $dlot 2028-12-31
show carectl --org manufacturer --user quality1 drugs batch commission $gtin $dlot --count 200 --prefix $dlot
u() { printf '%s.%s%06d' $gtin $dlot "$1"; }
units() { local out=""; for i in $(seq "$1" "$2"); do out="$out${out:+,}$(u "$i")"; done; echo "$out"; }
sum17() { local b=$1 s=0 i d; for ((i=${#b}-1; i>=0; i--)); do d=${b:i:1}; if (( (${#b}-1-i) % 2 == 0 )); then d=$((d*3)); fi; s=$((s+d)); done; echo "$b$(( (10 - s % 10) % 10 ))"; }
n=$(date +%s | tail -c 9)
case1=$(sum17 10614141${n}1); case2=$(sum17 10614141${n}2); pallet=$(sum17 20614141${n}0)

say "Packed into two cases of 100 and a pallet; the pallet ships to the distributor (custody moves on receipt)"
carectl --org manufacturer --user logistics1 drugs pack $case1 "$(units 1 100)"
carectl --org manufacturer --user logistics1 drugs pack $case2 "$(units 101 200)"
show carectl --org manufacturer --user logistics1 drugs pack $pallet $case1,$case2 --kind pallet
show carectl --org manufacturer --user logistics1 drugs ship SHP-$dlot-1 DistributorMSP $pallet
show carectl --org distributor --user logistics1 drugs reading SHP-$dlot-1 logger-7 31.5
show carectl --org distributor --user logistics1 drugs receive SHP-$dlot-1
show carectl --org distributor --user logistics1 drugs unpack $pallet
show carectl --org distributor --user logistics1 drugs ship SHP-$dlot-2 ProviderMSP $case1
show carectl --org provider --user pharmacist1 drugs receive SHP-$dlot-2

say "The hospital pharmacist verifies and dispenses a unit"
show carectl --org provider --user pharmacist1 drugs verify $gtin ${dlot}000007 $dlot 2028-12-31
show carectl --org provider --user pharmacist1 drugs dispense "$(u 7)"

say "The regulator recalls the lot: verification says so, dispensing is refused, a forged serial is unknown"
show carectl --org regulator --user registrar1 drugs recall $gtin $dlot --reason "demo: contamination"
show carectl --org provider --user pharmacist1 drugs verify $gtin ${dlot}000008 $dlot 2028-12-31
show carectl --org provider --user pharmacist1 drugs dispense "$(u 8)" || true
show carectl --org provider --user pharmacist1 drugs verify $gtin FORGED123 $dlot 2028-12-31

say "Every hop of a unit, back to commissioning"
show carectl --org regulator --user auditor1 drugs trace "$(u 8)"

say "Done. The consortium keeps running; try:"
cat <<'TRY'
  bin/carectl identities
  bin/carectl --org patients --user registrar1 users register --role patient -o json   # then: bin/carectl --org patients enroll --name ID --secret S --as me
  bin/carectl --org patients --user registrar1 users list
  bin/carectl --org patients --user patient1 consent list
  bin/carectl --org provider --user privacy1 consent break-glass list --clinicians-org ProviderMSP -o json
  bin/carectl --org provider --user clerk1 records put FILE --patient pt-... --type DiagnosticReport --class labs
  bin/carectl --org provider --user privacy1 records access-log --custodian ProviderMSP
  bin/carectl --org provider --user billing1 claims list --status paid
  bin/carectl --org provider --user billing1 claims appeal CLAIM-ID
  bin/carectl --org regulator --user auditor1 drugs recall-report 10614141123459 LOT
  bin/carectl --org regulator --user auditor1 drugs epcis export 10614141123459.SERIAL
  bin/carectl --org regulator --user auditor1 events consent --from-block 0 --timeout 5s
  bin/carectl --org provider --user physician1 submit baseline Put k1 v1
  bin/carectl --org payer --user adjudicator1 evaluate baseline Get k1 -o json
  bin/carectl --org distributor --user logistics1 --channel supply submit baseline Put lot-1 shipped
  make status     # nodes and block heights
  make bench      # throughput and latency against the baseline
  make down       # stop, keep data;  make up  restarts with the ledgers intact
  make clean      # remove everything
TRY
