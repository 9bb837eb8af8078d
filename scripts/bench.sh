#!/usr/bin/env bash
# Benchmarks on the consortium (brought up first if needed). Each domain
# scenario runs in the same run as the baseline chaincode, the yardstick, at
# the same concurrency. BENCH_DURATION (default 20s) sets each scenario's
# length; BENCH_OUTPUT=json prints one JSON object per scenario.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/carenet.sh" up >/dev/null
go build -o bin/carebench ./test/bench/cmd/carebench
go build -o bin/carectl ./client/cmd/carectl
d=${BENCH_DURATION:-20s}
out=${BENCH_OUTPUT:-text}
bench() { bin/carebench --duration "$d" --output "$out" "$@"; }
now() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go env GOVERSION); ${d} per scenario"

# Baseline: one write per transaction, one read per query.
bench --name "baseline Put (1 in flight)" --in-flight 1 --fn Put --arg 'b1-{run}-{n}' --arg value
bench --name "baseline Put" --in-flight 100 --fn Put --arg 'b-{run}-{n}' --arg value
bench --name "baseline Put (40 in flight)" --in-flight 40 --fn Put --arg 'b40-{run}-{n}' --arg value
bin/carectl --org provider --user physician1 submit baseline Put bench-key value >/dev/null
bench --name "baseline Get" --in-flight 20 --evaluate --fn Get --arg bench-key

# Benchmark patients, registered at run time as every patient is: the
# patients' registrar registers each (a random enrollment id, a one-time
# secret) and links it on chain to a new pseudonym, and the patient enrolls
# into a wallet outside the state folder, with a key made there. They are
# kept for later runs on the same consortium (an entry another consortium's
# CA issued is replaced); $bw/subjects lists each one's pseudonym.
bw=${BENCH_WALLET:-${CARECHAIN_HOME:-$root/.carechain}-bench-wallet}
mkdir -p "$bw/subject"
json_field() { sed -n 's/.*"'$1'": "\(.*\)".*/\1/p'; }
bench_patient() { # USER: register, link and enroll USER unless the wallet has it
  local u=$1 reg
  if bin/carectl --wallet "$bw" --org patients --user "$u" whoami >/dev/null 2>&1 && [ -s "$bw/subject/$u" ]; then return; fi
  reg=$(bin/carectl --wallet "$bw" --org patients --user registrar1 users register --role patient -o json)
  bin/carectl --wallet "$bw" --org patients enroll --name "$(echo "$reg" | json_field enrollmentId)" \
    --secret "$(echo "$reg" | json_field secret)" --as "$u" >/dev/null
  echo "$reg" | json_field subject > "$bw/subject/$u"
}
t0=$(date +%s.%N)
pids=()
patients=${BENCH_PATIENTS:-400}
for i in $(seq 1 "$patients") check; do
  bench_patient "benchpatient$i" &
  pids+=($!)
  if (( ${#pids[@]} >= 8 )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
for f in "$bw"/subject/*; do echo "$(basename "$f") $(cat "$f")"; done > "$bw/subjects"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "benchmark patients ready in %.1f s (wallet %s)\n", b-a, "'"$bw"'" }'

# Consent: 40 grants in flight, each call by the next of $patients patients
# in turn (--rotate-users), as claims cycle through patients: a patient's
# consents share the patient's open-consent set, and when each of 40
# workers granted for its own patient, its next grant read the set its
# last one had just written, which another endorser may not have committed
# yet (ENDORSEMENT_MISMATCH). The grants expire two minutes on, so repeated
# runs do not pile up open consents.
start=$(now '-1 minute'); end=$(now '+2 minutes')
grant='{"id":"bench-{run}-{n}","subject":"{subject}","decision":"permit","period":{"start":"'$start'","end":"'$end'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs","imaging"]}}'
bench --name "consent Grant (40 in flight)" --org patients --users "benchpatient1-$patients" --rotate-users --in-flight 40 \
  --wallet "$bw" --subjects "$bw/subjects" --chaincode consent --fn Grant --transient "consent=$grant" --sign-consent
# Check: a physician's own access to a patient (benchpatientcheck, whom
# nothing else here uses) with one active consent.
checked=$(cat "$bw/subject/benchpatientcheck")
bin/carectl --wallet "$bw" --org patients --user benchpatientcheck consent grant \
  '{"subject":"'$checked'","decision":"permit","period":{"start":"'$start'","end":"'$(now "+1 hour")'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs"]}}' >/dev/null
bench --name "consent Check" --in-flight 20 --evaluate --chaincode consent --fn Check \
  --arg '{"subject":"'$checked'","action":"access","purpose":"treatment","class":"labs"}'

# Records: anchoring (private anchor, wrapped key, public trace and index),
# 40 in flight, against the baseline above at 40. The wrapped key is a fixed
# well-formed keywrap blob: the chaincode stores it without opening it, so
# the client's encryption (go test -bench ./client/docstore) is measured apart.
go build -o bin/carectl ./client/cmd/carectl
bin/carectl --org provider --user admin records register-key >/dev/null
wk='AQR2JpbJb0sJ9z2xqyrLxRAUr22uJDqhXsbC5EW0w7AdWReRzP3nD7S1FjkQF5YN+W631eyD7gKVQcpns4vfx7jRClNcPoCqLvwBMHiniV1EgY9oZoJlQUjqFKJsDvn3F9siqFjJz4tOozY3jCRkqPiw'
anchor='{"id":"bench-{run}-{n}","subject":"pt-bench-0001","type":"Observation","category":"labs","contentType":"application/pdf","size":1024,"plainCommitment":"{sha}","cipherSha256":"{sha2}","location":"store://sha256/{sha2}","wrappedKey":"'$wk'"}'
bench --name "records Anchor (40 in flight)" --users clerk1 --in-flight 40 --chaincode records --fn Anchor --transient "anchor=$anchor"

# Claims: 40 billing workers over 400 patients (pt-bench-NNNN with
# coverage cov-bench-NNNN), one patient per call in turn (--rotate 400), so
# that a patient's yearly accumulator is written again only seconds later:
# when a worker's next claim was for the patient its last one had just
# written, the payer's peer had not always committed that write yet, and
# the two endorsements read different versions (ENDORSEMENT_MISMATCH). Each
# claim is adjudicated on submission. The coverages are registered by a
# scenario of their own (already registered ones, on a later run, fail and
# change nothing).
bin/carectl --org payer --user enrollment1 claims salt >/dev/null 2>&1 || true
bin/carectl --org payer --user adjudicator1 claims rules \
  '{"plan":"bench","allowed":{"99213":12000,"80053":4500},"maxClaimsPerPatientDay":1000}' >/dev/null
bin/carebench --name "claims coverages (set-up)" --org payer --users enrollment1 --in-flight 20 --max 400 --rotate 400 \
  --duration 10m --chaincode claims --fn RegisterCoverage --endorsers PayerMSP,ProviderMSP \
  --transient 'coverage={"id":"cov-bench-{p}","member":"pt-bench-{p}","plan":"bench","period":{"start":"2020-01-01","end":"2099-12-31"}}' >/dev/null || true
# One line per claim; a duplicate is the same patient, day, code, modifiers
# and units, whatever the charge. The quantity {q} and the service date {day}
# differ for every call of a run, and a modifier drawn per run keeps one
# run's claims from duplicating an earlier run's.
chars=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ
mod=${chars:$((RANDOM % 36)):1}${chars:$((RANDOM % 36)):1}
claim='{"id":"bench-{run}-{n}","patient":"pt-bench-{p}","coverage":"cov-bench-{p}","payer":"PayerMSP","renderingNpi":"1234567893","billablePeriod":{"start":"{day}","end":"{day}"},"placeOfService":"11","diagnosis":["E11.9"],"item":[{"sequence":1,"productOrService":"99213","modifier":["'$mod'"],"quantity":{q},"unitPrice":100,"net":{q}00,"servicedDate":"{day}"}],"total":{q}00}'
bench --name "claims Submit (40 in flight)" --users billing1 --in-flight 40 --rotate 400 --chaincode claims --fn Submit --transient "claim=$claim"

# Provenance: commissioning throughput (the client splits a batch into
# transactions of 500 serials), then single-unit shipments and receipts, 40
# in flight, against the baseline at 40 above.
go build -o bin/carectl ./client/cmd/carectl
gtin=10614141123459
lot=B$(date +%s)
for m in ManufacturerMSP DistributorMSP ProviderMSP; do
  bin/carectl --org regulator --user registrar1 drugs partner add \
    '{"mspId":"'$m'","name":"'$m'","license":"LIC-'$m'","gln":"0614141000012","validFrom":"2026-01-01","validTo":"2099-12-31"}' >/dev/null
done
bin/carectl --org manufacturer --user quality1 drugs product add \
  '{"gtin":"'$gtin'","name":"Amoxicillin","strength":"500 mg","dosageForm":"capsule","ndc":"0093-3109","minTemp":20,"maxTemp":250}' >/dev/null
bin/carectl --org manufacturer --user quality1 drugs batch create $gtin $lot 2099-12-31 >/dev/null
units=${BENCH_UNITS:-10000}
t0=$(date +%s.%N)
# Serials are unique to the lot: a serial commissioned twice is a signal, not a unit.
bin/carectl --org manufacturer --user quality1 drugs batch commission $gtin $lot --count "$units" --prefix "$lot" 2>/dev/null >/dev/null
t1=$(date +%s.%N)
awk -v n="$units" -v a="$t0" -v b="$t1" 'BEGIN { printf "%-28s %-8s %d units in %.1f s = %.0f units/s (%d transactions of 500)\n", "provenance Commission", "bulk", n, b-a, n/(b-a), n/500 }'
run=r$(date +%s)
shipped=$(mktemp)
bench --json-out "$shipped" --run "$run" --name "provenance Ship (40 in flight)" --org manufacturer \
  --users logistics1 --in-flight 40 --channel supply --max "$units" --chaincode provenance --fn Ship \
  --endorsers ManufacturerMSP,DistributorMSP \
  --arg '{"id":"S-{run}-{n}","to":"DistributorMSP","items":["'$gtin.$lot'{n6}"]}' --transient 'dscsa={"ti":"bench {n}"}'
n=$(sed -n 's/.*"succeeded":\([0-9]*\).*/\1/p' "$shipped")
rm -f "$shipped"
# Receive exactly the shipments made (shipment n is the n-th call).
bench --run "$run" --name "provenance Receive (40 in flight)" --org distributor --users logistics1 --in-flight 40 --channel supply \
  --max "$n" --chaincode provenance --fn Receive --arg 'S-{run}-{n}'
