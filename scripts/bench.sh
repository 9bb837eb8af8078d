#!/usr/bin/env bash
# make bench: benchmarks on the consortium (brought up first if needed), in
# one run. At each concurrency of BENCH_LEVELS (default "1 40 200") the
# baseline Put runs first, then each domain's main write (consent Grant,
# records Anchor, claims Submit, provenance Ship), so each is set against
# the baseline under the same conditions; every transaction writes keys of
# its own entity (patients, coverages, subjects and units rotate, more of
# them than calls in flight). Then each main query against the baseline
# Get (consent Check for a patient with one and with BENCH_CONSENTS open
# consents), and commissioning in bulk.
#
# Every scenario's report is appended as one JSON line to BENCH_JSON
# (default bench/last.json), after a line that says the machine (cores,
# memory, Go, commit, load before; the load after is the last line), and
# the README's table is regenerated from that file alone
# (test/bench/cmd/benchtable). BENCH_README=0 leaves the README alone: a
# run on a machine others share is not one to publish.
#
# BENCH_DURATION (default 20s) is each scenario's length; BENCH_PATIENTS
# (600), BENCH_COVERAGES (1000) and BENCH_UNITS (10000) how many entities
# the writes rotate through.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/carenet.sh" up >/dev/null
go build -o bin/carebench ./test/bench/cmd/carebench
go build -o bin/carectl ./client/cmd/carectl
d=${BENCH_DURATION:-20s}
levels=${BENCH_LEVELS:-1 40 200}
json=${BENCH_JSON:-$root/bench/last.json}
mkdir -p "$(dirname "$json")"
: > "$json"
load() { cut -d' ' -f1 /proc/loadavg; }
dirty=$(git diff --quiet HEAD 2>/dev/null || echo "-dirty")
printf '{"machine":{"cores":%d,"memoryGiB":%d,"goVersion":"%s","commit":"%s%s","date":"%s","perScenario":"%s","loadBefore":"%s"}}\n' \
  "$(nproc)" "$(free -g | awk '/Mem:/{print $2}')" "$(go env GOVERSION)" "$(git rev-parse --short HEAD)" "$dirty" \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$d" "$(load)" >> "$json"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go env GOVERSION); ${d} per scenario; load $(load); reports in $json"
# bench runs one scenario; a scenario that fails is in the report (its
# failures by code) and the run goes on.
bench() { bin/carebench --duration "$d" --append-json "$json" "$@" || echo "  (the scenario failed: see its failures)"; }
now() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
last() { tail -1 "$json" | sed -n 's/.*"'$1'":\([0-9]*\).*/\1/p'; }

# --- set-up (not measured) ---
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
  rm -f "$bw/granted-$u"
}
t0=$(date +%s.%N)
pids=()
patients=${BENCH_PATIENTS:-600}
for i in $(seq 1 "$patients") check check100; do
  bench_patient "benchpatient$i" &
  pids+=($!)
  if (( ${#pids[@]} >= 8 )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
for f in "$bw"/subject/*; do echo "$(basename "$f") $(cat "$f")"; done > "$bw/subjects"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "benchmark patients ready in %.1f s (wallet %s)\n", b-a, "'"$bw"'" }'

# Records: the custodian's key (the anchors' wrapped key is a fixed
# well-formed keywrap blob: the chaincode stores it without opening it, so
# the client's encryption, go test -bench ./client/docstore, is measured apart).
bin/carectl --org provider --user admin records register-key >/dev/null
# Claims: the payer's salt and rules, and the coverages the claims rotate
# through, registered by a scenario of its own (already registered ones, on
# a later run, fail and change nothing).
coverages=${BENCH_COVERAGES:-1000}
bin/carectl --org payer --user enrollment1 claims salt >/dev/null 2>&1 || true
bin/carectl --org payer --user adjudicator1 claims rules \
  '{"plan":"bench","allowed":{"99213":12000,"80053":4500},"maxClaimsPerPatientDay":1000}' >/dev/null
bin/carebench --name "claims coverages (set-up)" --org payer --users enrollment1 --in-flight 20 --max "$coverages" --rotate "$coverages" \
  --duration 10m --chaincode claims --fn RegisterCoverage --endorsers PayerMSP,ProviderMSP \
  --transient 'coverage={"id":"cov-bench-{p}","member":"pt-bench-{p}","plan":"bench","period":{"start":"2020-01-01","end":"2099-12-31"}}' >/dev/null || true
# Provenance: trading partners, a product and a batch whose units the
# shipments take in turn; commissioning them is the bulk scenario (the
# client splits a batch into transactions of 500 serials; serials are
# unique to the lot: a serial commissioned twice is a signal, not a unit).
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
bin/carectl --org manufacturer --user quality1 drugs batch commission $gtin $lot --count "$units" --prefix "$lot" 2>/dev/null >/dev/null
t1=$(date +%s.%N)
awk -v n="$units" -v a="$t0" -v b="$t1" 'BEGIN { s=b-a; printf "{\"name\":\"provenance Commission (500 serials per transaction)\",\"mode\":\"bulk\",\"seconds\":%.3f,\"succeeded\":%d,\"failed\":0,\"perSecond\":%.1f,\"failures\":{},\"mvccConflicts\":0,\"endorsementMismatches\":0}\n", s, n, n/s }' | tee -a "$json"

# --- writes, level by level: the baseline, then each domain ---
# Consent grants: each call by the next of $patients patients in turn
# (--rotate-users): a patient's consents share the patient's open-consent
# set, so a patient grants again only $patients calls later. The grants
# expire two minutes on, so repeated runs do not pile up open consents.
start=$(now '-1 minute'); end=$(now '+2 minutes')
grant='{"id":"bench-{run}-{n}","subject":"{subject}","decision":"permit","period":{"start":"'$start'","end":"'$end'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs","imaging"]}}'
wk='AQR2JpbJb0sJ9z2xqyrLxRAUr22uJDqhXsbC5EW0w7AdWReRzP3nD7S1FjkQF5YN+W631eyD7gKVQcpns4vfx7jRClNcPoCqLvwBMHiniV1EgY9oZoJlQUjqFKJsDvn3F9siqFjJz4tOozY3jCRkqPiw'
anchor='{"id":"bench-{run}-{n}","subject":"pt-bench-{p}","type":"Observation","category":"labs","contentType":"application/pdf","size":1024,"plainCommitment":"{sha}","cipherSha256":"{sha2}","location":"store://sha256/{sha2}","wrappedKey":"'$wk'"}'
# One line per claim; a duplicate is the same patient, day, code, modifiers
# and units, whatever the charge. The quantity {q} and the service date {day}
# differ for every call of a run, and a modifier drawn per run keeps one
# run's claims from duplicating an earlier run's; a patient's yearly
# accumulator is written again only $coverages calls later.
chars=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ
claim='{"id":"bench-{run}-{n}","patient":"pt-bench-{p}","coverage":"cov-bench-{p}","payer":"PayerMSP","renderingNpi":"1234567893","billablePeriod":{"start":"{day}","end":"{day}"},"placeOfService":"11","diagnosis":["E11.9"],"item":[{"sequence":1,"productOrService":"99213","modifier":["MOD"],"quantity":{q},"unitPrice":100,"net":{q}00,"servicedDate":"{day}"}],"total":{q}00}'
run=r$(date +%s)
shipped=0
for n in $levels; do
  bench --name "baseline Put ($n in flight)" --in-flight "$n" --fn Put --arg "b$n-{run}-{n}" --arg value
  bench --name "consent Grant ($n in flight)" --org patients --users "benchpatient1-$patients" --rotate-users --in-flight "$n" \
    --wallet "$bw" --subjects "$bw/subjects" --chaincode consent --fn Grant --transient "consent=$grant" --sign-consent
  bench --run "$run-a$n" --name "records Anchor ($n in flight)" --users clerk1 --in-flight "$n" --rotate 1000 \
    --chaincode records --fn Anchor --transient "anchor=$anchor"
  mod=${chars:$((RANDOM % 36)):1}${chars:$((RANDOM % 36)):1}
  bench --run "$run-c$n" --name "claims Submit ($n in flight)" --users billing1 --in-flight "$n" --rotate "$coverages" \
    --chaincode claims --fn Submit --transient "claim=${claim/MOD/$mod}"
  # Shipments take the next units: shipment n ships unit n+1.
  if (( shipped >= units )); then echo "  every one of the $units units is shipped: raise BENCH_UNITS"; continue; fi
  bench --run "$run" --first "$shipped" --name "provenance Ship ($n in flight)" --org manufacturer \
    --users logistics1 --in-flight "$n" --channel supply --max $((units - shipped)) --chaincode provenance --fn Ship \
    --endorsers ManufacturerMSP,DistributorMSP \
    --arg '{"id":"S-{run}-{n}","to":"DistributorMSP","items":["'$gtin.$lot'{n6}"]}' --transient 'dscsa={"ti":"bench {n}"}'
  made=$(( $(last succeeded) + $(last failed) ))
  if [ "$n" = 40 ]; then
    # Receive exactly the shipments this level made.
    bench --run "$run" --first "$shipped" --name "provenance Receive ($n in flight)" --org distributor --users logistics1 \
      --in-flight "$n" --channel supply --max "$made" --chaincode provenance --fn Receive --arg 'S-{run}-{n}'
  fi
  shipped=$((shipped + made))
done

# --- queries, each against the baseline Get at the same concurrency ---
q=${BENCH_QUERY_IN_FLIGHT:-20}
bin/carectl --org provider --user physician1 submit baseline Put bench-key value >/dev/null
bench --name "baseline Get" --in-flight "$q" --evaluate --fn Get --arg bench-key
# Check: a physician's access to a patient with one open consent, and to
# one with BENCH_CONSENTS (the one that applies and others for other
# classes, which a check need not read), granted once per patient.
consents=${BENCH_CONSENTS:-100}
far=$(now '+10 years')
labs='"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["labs"]}'
for u in benchpatientcheck benchpatientcheck100; do
  if [ ! -e "$bw/granted-$u" ]; then
    s=$(cat "$bw/subject/$u")
    bin/carectl --wallet "$bw" --org patients --user "$u" consent grant \
      '{"subject":"'$s'","decision":"permit","period":{"start":"'$start'","end":"'$far'"},'"$labs"'}' >/dev/null
    if [ "$u" = benchpatientcheck100 ]; then
      setup=$(mktemp)
      bin/carebench --name "consent Grant (set-up: $((consents - 1)) other classes)" --org patients --users "$u" --in-flight 1 \
        --max $((consents - 1)) --duration 10m --wallet "$bw" --subjects "$bw/subjects" --chaincode consent --fn Grant --sign-consent \
        --json-out "$setup" \
        --transient 'consent={"id":"check-{run}-{n}","subject":"{subject}","decision":"permit","period":{"start":"'$start'","end":"'$far'"},"provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],"purpose":["treatment"],"class":["bench-class-{n}"]}}' >/dev/null || true
      granted=$(sed -n 's/.*"succeeded":\([0-9]*\).*/\1/p' "$setup")
      rm -f "$setup"
      if [ "${granted:-0}" != $((consents - 1)) ]; then
        echo "bench: $u has $((${granted:-0} + 1)) consents, not $consents: its Check is not measured" >&2
        exit 1
      fi
    fi
    touch "$bw/granted-$u"
  fi
done
bench --name "consent Check (1 consent)" --in-flight "$q" --evaluate --chaincode consent --fn Check \
  --arg '{"subject":"'"$(cat "$bw/subject/benchpatientcheck")"'","action":"access","purpose":"treatment","class":"labs"}'
bench --name "consent Check ($consents consents)" --in-flight "$q" --evaluate --chaincode consent --fn Check \
  --arg '{"subject":"'"$(cat "$bw/subject/benchpatientcheck100")"'","action":"access","purpose":"treatment","class":"labs"}'
bench --name "records GetHead" --users clerk1 --in-flight "$q" --evaluate --chaincode records --fn GetHead --arg "bench-$run-a40-0"
bench --name "claims Get" --users billing1 --in-flight "$q" --evaluate --chaincode claims --fn Get --arg "bench-$run-c40-0"
bench --name "provenance Verify" --org provider --users pharmacist1 --in-flight "$q" --evaluate --channel supply \
  --chaincode provenance --fn Verify --arg "$gtin" --arg "${lot}000001" --arg "$lot" --arg 2099-12-31

printf '{"machine":{"loadAfter":"%s"}}\n' "$(load)" >> "$json"
echo "load after: $(load)"
go run ./test/bench/cmd/benchtable < "$json"
if [ "${BENCH_README:-1}" != 0 ]; then
  go run ./test/bench/cmd/benchtable --doc README.md < "$json"
  echo "README.md: table regenerated from $json"
fi
