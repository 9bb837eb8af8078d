// Command carebench runs one benchmark scenario against a running
// consortium and prints one line (or one JSON object). A scenario is a
// chaincode function with argument and transient templates, in which {n}
// becomes the call's sequence number (from --first), {run} the run's id, {subject} (or
// {patient_id}) the acting patient's pseudonym from --subjects (patients'
// certificates carry none), {sha} and {sha2} two SHA-256
// digests unique to the call, {n1} the sequence number plus one ({n6}: six
// digits, zero-padded), {q} a quantity and {day} a service date that
// together differ for every call ({q} runs 1…999, then {day} steps back one
// day from today, UTC), and {w} the worker's number (0001, 0002, …;
// a worker has one call in flight at a time), {p} an entity number that
// cycles through --rotate entities call by call (so that a worker's next
// call is not for the entity its last one wrote, whose new version the
// other endorsers may not have committed yet; --rotate-users does the same
// with the acting user, a patient granting consents), so every
// transaction can write its own keys — and no two claims bill the same
// service:
//
//	carebench --chaincode baseline --fn Put --arg 'k-{run}-{n}' --arg v
//	carebench --org patients --users benchpatient1-400 --rotate-users --in-flight 40 --wallet W --subjects W/subjects \
//	  --chaincode consent --fn Grant --transient 'consent={"id":"b-{run}-{n}","subject":"{subject}",...}'
//
// Users the connection profile does not list (patients) come from the
// wallet (--wallet, default $CARECTL_WALLET or ~/.carechain/wallet).
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/consent"
	"github.com/carechain/carechain/test/bench/harness"
)

type multiFlag []string

func (a *multiFlag) String() string     { return strings.Join(*a, ",") }
func (a *multiFlag) Set(v string) error { *a = append(*a, v); return nil }

// options are the command line's flags.
type options struct {
	network      string
	org          string
	users        string
	channel      string
	chaincode    string
	fn           string
	name         string
	inFlight     int
	duration     time.Duration
	evaluate     bool
	output       string
	runID        string
	maxCalls     int64
	rotate       int64
	rotateUsers  bool
	jsonOut      string
	appendJSON   string
	first        int64
	signConsent  bool
	wallet       string
	subjectsFile string
	endorsers    string
	args         multiFlag
	transient    multiFlag
}

// parseOptions reads the flags.
func parseOptions() *options {
	o := &options{}
	flag.StringVar(&o.network, "network", envOr("CARECHAIN_HOME", ".carechain"), "consortium state folder")
	flag.StringVar(&o.org, "org", "provider", "org")
	flag.StringVar(&o.users, "users", "physician1", "users, comma-separated, or NAME1-N for a numbered range")
	flag.StringVar(&o.channel, "channel", "care", "channel")
	flag.StringVar(&o.chaincode, "chaincode", "baseline", "chaincode")
	flag.StringVar(&o.fn, "fn", "Put", "function")
	flag.StringVar(&o.name, "name", "", "scenario name (default CHAINCODE FN)")
	flag.IntVar(&o.inFlight, "in-flight", 100, "transactions in flight")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "how long to run")
	flag.BoolVar(&o.evaluate, "evaluate", false, "evaluate (query) instead of submit")
	flag.StringVar(&o.output, "output", "text", "text or json")
	flag.StringVar(&o.runID, "run", "", "the run id {run} stands for (default: a new one), to address keys of an earlier run")
	flag.Int64Var(&o.maxCalls, "max", 0, "stop after this many calls (0: no limit)")
	flag.Int64Var(&o.rotate, "rotate", 0, "{p} cycles through this many entities (0001…), one per call in turn (0: {p} is {w})")
	flag.BoolVar(&o.rotateUsers, "rotate-users", false, "each call acts as the next of --users in turn, not as its worker's user (with more users than in flight, a worker's next call is by another patient)")
	flag.StringVar(&o.jsonOut, "json-out", "", "also write the report as JSON to this file")
	flag.StringVar(&o.appendJSON, "append-json", "", "also append the report as one JSON line to this file (a run's scenarios, as scripts/bench.sh collects them)")
	flag.Int64Var(&o.first, "first", 0, "the first call's sequence number {n} (the calls of a run that continues where another left off, e.g. shipping the next units)")
	flag.BoolVar(&o.signConsent, "sign-consent", false, "the transient \"consent\" is a consent Grant: sign it as the acting patient, as the consent client does")
	flag.StringVar(&o.wallet, "wallet", string(client.DefaultWallet()), "wallet of the users network.json does not list (patients)")
	flag.StringVar(&o.subjectsFile, "subjects", "", "file of \"USER SUBJECT\" lines: the pseudonym {subject} stands for, per acting user")
	flag.StringVar(&o.endorsers, "endorsers", "", "MSP ids whose peers endorse, comma-separated (default: as the gateway plans); as the domain client sets them, e.g. a shipment's two partners")
	flag.Var(&o.args, "arg", "argument template, repeatable")
	flag.Var(&o.transient, "transient", "transient entry KEY=TEMPLATE, repeatable")
	flag.Parse()
	return o
}

func main() {
	o := parseOptions()
	cl, err := client.Open(o.network)
	if err != nil {
		fail(err)
	}
	defer cl.Close()
	sessions, patientIDs := openSessions(cl, o.org, o.users, o.subjectsFile, client.Wallet(o.wallet))
	defer func() {
		for _, s := range sessions {
			s.Close()
		}
	}()
	if o.name == "" {
		o.name = o.chaincode + " " + o.fn
	}
	if o.runID == "" {
		o.runID = strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	run := o.runID
	today := time.Now().UTC()
	r := harness.Run(context.Background(), harness.Config{
		Name: o.name, Sessions: sessions, RotateSessions: o.rotateUsers, InFlight: o.inFlight, Duration: o.duration, Evaluate: o.evaluate, Max: o.maxCalls,
		Call: scenario{channel: o.channel, chaincode: o.chaincode, fn: o.fn, run: run, today: today, rotate: o.rotate, first: o.first,
			endorsers: o.endorsers, args: o.args, transient: o.transient, signConsent: o.signConsent, patientIDs: patientIDs}.call,
	})
	report(r, o.jsonOut, o.appendJSON, o.output)
	if r.Succeeded == 0 {
		os.Exit(1)
	}
}

// openSessions opens a session for each user, with the patient pseudonym
// {subject} stands for in its calls.
func openSessions(cl *client.Client, org, users, subjectsFile string, wallet client.Wallet) ([]*client.Session, map[*client.Session]string) {
	names, err := expandUsers(users)
	if err != nil {
		fail(err)
	}
	subjects, err := readSubjects(subjectsFile)
	if err != nil {
		fail(err)
	}
	var sessions []*client.Session
	patientIDs := map[*client.Session]string{}
	for _, u := range names {
		s, err := cl.Session(org, u, client.SessionOptions{Retry: &client.NoRetry, Wallet: wallet})
		if err != nil {
			fail(err)
		}
		sessions = append(sessions, s)
		patientIDs[s] = subjects[u]
	}
	return sessions, patientIDs
}

// report prints the run's report, writes it as JSON to jsonOut and
// appends it as one JSON line to appendJSON, when they are set.
func report(r harness.Report, jsonOut, appendJSON, output string) {
	data, err := json.Marshal(r)
	if err != nil {
		fail(err)
	}
	if jsonOut != "" {
		if err := os.WriteFile(jsonOut, data, 0o644); err != nil {
			fail(err)
		}
	}
	if appendJSON != "" {
		if err := appendLine(appendJSON, data); err != nil {
			fail(err)
		}
	}
	if output == "json" {
		fmt.Println(string(data))
		return
	}
	fmt.Println(r)
	if r.FirstError != "" {
		fmt.Println("  first failure:", r.FirstError)
	}
}

// appendLine appends data and a newline to the file at path.
func appendLine(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	return errors.Join(err, f.Close())
}

// scenario is what makes each call of a run: its target, and the templates
// of its arguments and transient entries.
type scenario struct {
	channel, chaincode, fn, run, endorsers string
	today                                  time.Time
	rotate, first                          int64
	args, transient                        []string
	signConsent                            bool
	patientIDs                             map[*client.Session]string
}

// call is worker w's call n (counted from --first), acting in session s.
func (sc scenario) call(n int64, w int, s *client.Session) client.Call {
	n += sc.first
	sum := sha256.Sum256([]byte(sc.run + "/" + strconv.FormatInt(n, 10)))
	sum2 := sha256.Sum256(sum[:])
	fill := strings.NewReplacer("{n}", strconv.FormatInt(n, 10), "{run}", sc.run, "{patient_id}", sc.patientIDs[s], "{subject}", sc.patientIDs[s],
		"{sha}", hex.EncodeToString(sum[:]), "{sha2}", hex.EncodeToString(sum2[:]),
		"{w}", fmt.Sprintf("%04d", w+1), "{n1}", strconv.FormatInt(n+1, 10), "{n6}", fmt.Sprintf("%06d", n+1),
		"{p}", entity(n, w, sc.rotate), "{q}", strconv.FormatInt(n%999+1, 10), "{day}", sc.today.AddDate(0, 0, -int(n/999)).Format(time.DateOnly)).Replace
	call := client.Call{Channel: sc.channel, Chaincode: sc.chaincode, Function: sc.fn}
	if sc.endorsers != "" {
		call.Endorsers = strings.Split(sc.endorsers, ",")
	}
	for _, t := range sc.args {
		call.Args = append(call.Args, fill(t))
	}
	for _, t := range sc.transient {
		k, v, _ := strings.Cut(t, "=")
		if call.Transient == nil {
			call.Transient = map[string][]byte{}
		}
		call.Transient[k] = []byte(fill(v))
	}
	if sc.signConsent {
		signGrant(&call, s)
	}
	return call
}

// signGrant replaces the call's transient map with the signed Grant of its
// "consent" entry; a malformed template is a mistake in the scenario.
func signGrant(call *client.Call, s *client.Session) {
	var in wire.GrantInput
	if err := json.Unmarshal(call.Transient[wire.TransientConsent], &in); err != nil {
		fail(fmt.Errorf("--sign-consent: transient consent: %w", err))
	}
	tm, err := consent.GrantTransient(s.Identity, call.Channel, in)
	if err != nil {
		fail(err)
	}
	call.Transient = tm
}

// readSubjects reads "USER SUBJECT" lines (none without a file).
func readSubjects(path string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--subjects: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("--subjects %s: want \"USER SUBJECT\", got %q", path, sc.Text())
		}
		out[fields[0]] = fields[1]
	}
	return out, sc.Err()
}

// expandUsers reads "a,b" or "name1-40".
func expandUsers(spec string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(spec, ",") {
		if i := strings.LastIndexByte(part, '-'); i > 0 {
			base := strings.TrimRightFunc(part[:i], func(r rune) bool { return r >= '0' && r <= '9' })
			from, err1 := strconv.Atoi(part[len(base):i])
			to, err2 := strconv.Atoi(part[i+1:])
			if err1 == nil && err2 == nil && from <= to {
				for n := from; n <= to; n++ {
					out = append(out, base+strconv.Itoa(n))
				}
				continue
			}
		}
		out = append(out, part)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no users")
	}
	return out, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "carebench:", err)
	os.Exit(1)
}

// entity is {p}: the call's place in a cycle of rotate entities, or the
// worker's number when there is no cycle.
func entity(n int64, w int, rotate int64) string {
	if rotate <= 0 {
		return fmt.Sprintf("%04d", w+1)
	}
	return fmt.Sprintf("%04d", n%rotate+1)
}
