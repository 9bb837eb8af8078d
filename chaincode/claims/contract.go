package claims

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/statebased"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Names the chaincode uses.
const (
	EventName  = "claims"
	Collection = "claimsProviderPayer"

	TransientClaim    = "claim"
	TransientCoverage = "coverage"
	TransientRules    = "rules"
	TransientSalt     = "salt"
	TransientDecision = "decision"
	TransientPayment  = "payment"

	RecordsChaincode = "records"
	ConsentChaincode = "consent"
)

// Object types. Private: claim, coverage, rules, salt, accumulator.
// Public: claimTrace, claimFingerprint, claimByStatus, claimsByPatientDay,
// settings.
const (
	objClaim       = "claim"
	objCoverage    = "coverage"
	objRules       = "rules"
	objSalt        = "salt"
	objAccumulator = "accumulator"
	objTrace       = "claimTrace"
	objFingerprint = "claimFingerprint"
	objByStatus    = "claimByStatus"
	objPatientDay  = "claimsByPatientDay"
	objSettings    = "settings"
)

// Contract is the claims chaincode. Get, GetCoverage and Remittance return
// private data: evaluate them, never submit them.
type Contract struct {
	contractapi.Contract
}

// Claim is a claim as the provider and the payer hold it privately.
type Claim struct {
	Input        ClaimInput    `json:"claim"`
	Provider     string        `json:"provider"`
	Submitter    string        `json:"submitter"`
	Status       string        `json:"status"`
	PendReason   string        `json:"pendReason,omitempty" metadata:",optional"`
	Signals      []Signal      `json:"signals"`
	Adjudication *Adjudication `json:"adjudication,omitempty" metadata:",optional"`
	Payments     []Payment     `json:"payments"`
	Replaces     string        `json:"replaces,omitempty" metadata:",optional"`
	ReplacedBy   string        `json:"replacedBy,omitempty" metadata:",optional"`
	History      []Change      `json:"history"`
	Submitted    string        `json:"submitted"`
	Updated      string        `json:"updated"`
}

// Signal is a fraud signal, with its reason.
type Signal struct {
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Fraud signal codes.
const (
	SignalUnknownRecord  = "RECORD_UNKNOWN"
	SignalOtherPatient   = "RECORD_OTHER_PATIENT"
	SignalAfterWithdrawn = "SERVICE_AFTER_RECORD_WITHDRAWN"
	SignalTooManyPerDay  = "TOO_MANY_CLAIMS_PATIENT_DAY"
)

// Payment is a payer's payment of a claim.
type Payment struct {
	Trace       string `json:"trace"`
	AmountCents int64  `json:"amount"`
	Date        string `json:"date"`
	Reversed    string `json:"reversed,omitempty" metadata:",optional"`
}

// Change is one status change, for the claim's own history.
type Change struct {
	Status string `json:"status"`
	At     string `json:"at"`
	By     string `json:"by"`
	TxID   string `json:"txId"`
}

// Trace is the public trace of a claim.
type Trace struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Outcome     string `json:"outcome,omitempty" metadata:",optional"`
	Provider    string `json:"provider"`
	Payer       string `json:"payer"`
	DetailsHash string `json:"detailsHash"`
	Fingerprint string `json:"fingerprint"`
	Updated     string `json:"updated"`
}

// Receipt is what a submitted transaction returns: ids and status only.
type Receipt struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Outcome    string `json:"outcome,omitempty" metadata:",optional"`
	PendReason string `json:"pendReason,omitempty" metadata:",optional"`
	TxID       string `json:"txId"`
}

// Settings are the chaincode's channel-level settings.
type Settings struct {
	// PaymentConsentRequired makes Submit ask the consent chaincode
	// (default false: HIPAA permits disclosure for payment).
	PaymentConsentRequired bool   `json:"paymentConsentRequired"`
	Updated                string `json:"updated,omitempty" metadata:",optional"`
}

// tx is one transaction's context. Reads never see the transaction's own
// writes, so the member accumulators it changes are kept here too: a
// replacement adjudicated after its predecessor was unwound must see the
// unwound figures.
type tx struct {
	*txn.Tx
	accumulators map[string]Accumulator
}

func begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub())
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, accumulators: map[string]Accumulator{}}, nil
}

// accumulator is a member's year accumulator, as this transaction left it.
func (t *tx) accumulator(member, year string) (Accumulator, error) {
	if a, ok := t.accumulators[member+"/"+year]; ok {
		return a, nil
	}
	var a Accumulator
	err := t.private(objAccumulator, "accumulator", &a, member, year)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		err = nil
	}
	return a, err
}

func (t *tx) putAccumulator(member, year string, a Accumulator) error {
	t.accumulators[member+"/"+year] = a
	return t.putPrivate(objAccumulator, a, member, year)
}

func (t *tx) finish() error { return t.Emit(EventName) }

func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

func (t *tx) private(obj, what string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	got, found, err := state.GetPrivateOptional[json.RawMessage](t.Stub, Collection, k)
	if err != nil && strings.Contains(err.Error(), "does not have read access permission") {
		// The collection is member-only: the peer refuses other orgs' clients.
		return ccerr.Forbidden("%s is not a party to the provider–payer collection", t.Caller.MSPID)
	}
	if err != nil {
		return err
	}
	if !found {
		return ccerr.NotFound("%s %s", what, strings.Join(attrs, "/"))
	}
	if err := json.Unmarshal(got, v); err != nil {
		return ccerr.Internal("stored %s: %v", what, err)
	}
	return nil
}

func (t *tx) putPrivate(obj string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	return state.PutPrivate(t.Stub, Collection, k, v)
}

func (t *tx) putIndex(obj string, attrs ...string) error {
	return state.PutIndex(t.Stub, obj, attrs...)
}

// requireProvider lets the provider's billing staff act; payer sides use requirePayer.
func (t *tx) requireRole(msp string, roleNames ...string) error {
	if err := t.Caller.RequireRole(roleNames...); err != nil {
		return err
	}
	if msp != "" && t.Caller.MSPID != msp {
		return ccerr.Forbidden("only %s may do this (caller %s)", msp, t.Caller.Key())
	}
	return nil
}

// salt is the payer's duplicate-fingerprint salt.
func (t *tx) salt() ([]byte, error) {
	var s struct {
		Salt string `json:"salt"`
	}
	if err := t.private(objSalt, "salt", &s, "current"); err != nil {
		if ccerr.CodeOf(err) == ccerr.CodeNotFound {
			return nil, ccerr.Precondition("the payer has set no fingerprint salt")
		}
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s.Salt)
}

func mac(salt []byte, parts ...string) string {
	m := hmac.New(sha256.New, salt)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// fingerprint is the salted fingerprint that makes a claim a duplicate.
func fingerprint(salt []byte, provider string, c *ClaimInput) string {
	lines := make([]string, 0, len(c.Items))
	for _, it := range c.Items {
		mods := slices.Clone(it.Modifiers)
		slices.Sort(mods)
		lines = append(lines, it.Date+"|"+it.Code+"|"+strings.Join(mods, ",")+"|"+fmt.Sprint(it.Units))
	}
	slices.Sort(lines)
	return mac(salt, provider, c.Patient, c.BillablePeriod.Start, c.BillablePeriod.End, strings.Join(lines, ";"), fmt.Sprint(c.TotalCents))
}

func (t *tx) trace(id string) (*Trace, string, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, "", err
	}
	k, err := key(objTrace, id)
	if err != nil {
		return nil, "", err
	}
	tr, found, err := state.GetOptional[Trace](t.Stub, k)
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", ccerr.NotFound("claim %s", id)
	}
	return &tr, k, nil
}

func (t *tx) claim(id string) (*Claim, *Trace, error) {
	tr, _, err := t.trace(id)
	if err != nil {
		return nil, nil, err
	}
	var c Claim
	if err := t.private(objClaim, "claim", &c, id); err != nil {
		return nil, nil, err
	}
	return &c, tr, nil
}

// save writes a claim's private record and public trace and moves its
// status index; the trace gets the provider-and-payer endorsement policy.
func (t *tx) save(c *Claim, tr *Trace, oldStatus string) error {
	c.Updated = t.Stamp()
	c.History = append(c.History, Change{Status: c.Status, At: c.Updated, By: t.Caller.Key(), TxID: t.ID()})
	if err := t.putPrivate(objClaim, c, c.Input.ID); err != nil {
		return err
	}
	data, _ := json.Marshal(c)
	sum := sha256.Sum256(data)
	tr.Status, tr.DetailsHash, tr.Updated = c.Status, hex.EncodeToString(sum[:]), c.Updated
	tr.Outcome = ""
	if c.Adjudication != nil {
		tr.Outcome = c.Adjudication.Outcome
	}
	k, err := key(objTrace, tr.ID)
	if err != nil {
		return err
	}
	if err := state.Put(t.Stub, k, tr); err != nil {
		return err
	}
	ep, err := statebased.NewStateEP(nil)
	if err != nil {
		return ccerr.Internal("endorsement policy: %v", err)
	}
	if err := ep.AddOrgs(statebased.RoleTypePeer, tr.Provider, tr.Payer); err != nil {
		return ccerr.Internal("endorsement policy: %v", err)
	}
	policy, err := ep.Policy()
	if err != nil {
		return ccerr.Internal("endorsement policy: %v", err)
	}
	if err := t.Stub.SetStateValidationParameter(k, policy); err != nil {
		return ccerr.Internal("endorsement policy: %v", err)
	}
	if oldStatus != c.Status {
		if oldStatus != "" {
			if err := state.DeleteIndex(t.Stub, objByStatus, oldStatus, tr.ID); err != nil {
				return err
			}
		}
		if err := t.putIndex(objByStatus, c.Status, tr.ID); err != nil {
			return err
		}
	}
	t.Events.Add("claim."+c.Status, tr.ID, map[string]string{"provider": tr.Provider, "payer": tr.Payer})
	return nil
}

func (t *tx) receipt(c *Claim) *Receipt {
	r := &Receipt{ID: c.Input.ID, Status: c.Status, PendReason: c.PendReason, TxID: t.ID()}
	if c.Adjudication != nil {
		r.Outcome = c.Adjudication.Outcome
	}
	return r
}

// Submit takes a claim (transient "claim", ClaimInput) from the provider's
// billing staff: it refuses malformed, impossible and duplicate claims,
// records fraud signals, checks coverage and runs the plan's rules. The
// claim ends adjudicated, or pended with the reason.
func (c *Contract) Submit(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRole("", roles.Billing); err != nil {
		return nil, err
	}
	var in ClaimInput
	if err := t.Transient(TransientClaim, &in, maxInputBytes); err != nil {
		return nil, err
	}
	cl, err := t.submit(in, "")
	if err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}

func (t *tx) submit(in ClaimInput, replaces string) (*Claim, error) {
	if err := in.validate(t.Now); err != nil {
		return nil, err
	}
	if in.Payer == t.Caller.MSPID {
		return nil, ccerr.Invalid("payer", "a provider cannot bill itself")
	}
	tk, err := key(objTrace, in.ID)
	if err != nil {
		return nil, err
	}
	if exists, err := state.Exists(t.Stub, tk); err != nil {
		return nil, err
	} else if exists {
		return nil, ccerr.Conflict("claim %s already exists", in.ID)
	}
	if err := t.askPaymentConsent(&in); err != nil {
		return nil, err
	}
	salt, err := t.salt()
	if err != nil {
		return nil, err
	}
	fp := fingerprint(salt, t.Caller.MSPID, &in)
	fk, err := key(objFingerprint, fp)
	if err != nil {
		return nil, err
	}
	var orig struct {
		Claim string `json:"claim"`
	}
	if found, err := getOptional(t, fk, &orig); err != nil {
		return nil, err
	} else if found && orig.Claim != replaces {
		return nil, ccerr.Conflict("duplicate of claim %s", orig.Claim)
	}
	cl := &Claim{Input: in, Provider: t.Caller.MSPID, Submitter: t.Caller.Key(), Signals: []Signal{}, Payments: []Payment{},
		History: []Change{}, Submitted: t.Stamp(), Replaces: replaces}
	if cl.Signals, err = t.signals(&in, salt, replaces); err != nil {
		return nil, err
	}
	if err := t.adjudicate(cl, Decision{}); err != nil {
		return nil, err
	}
	tr := &Trace{ID: in.ID, Provider: cl.Provider, Payer: in.Payer, Fingerprint: fp}
	if err := t.save(cl, tr, ""); err != nil {
		return nil, err
	}
	if err := state.Put(t.Stub, fk, map[string]string{"claim": in.ID}); err != nil {
		return nil, err
	}
	for _, d := range serviceDays(&in) {
		if err := t.putIndex(objPatientDay, mac(salt, in.Patient, d), in.ID); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

func getOptional(t *tx, k string, v any) (bool, error) {
	raw, found, err := state.GetOptional[json.RawMessage](t.Stub, k)
	if err != nil || !found {
		return found, err
	}
	return true, json.Unmarshal(raw, v)
}

// serviceDays are the distinct service dates of a claim's lines, sorted.
func serviceDays(c *ClaimInput) []string {
	var days []string
	for _, it := range c.Items {
		if !slices.Contains(days, it.Date) {
			days = append(days, it.Date)
		}
	}
	slices.Sort(days)
	return days
}

// adjudicate checks coverage and runs the plan's rules on a claim that is
// new, pended or appealed; a pended result leaves accumulators untouched.
func (t *tx) adjudicate(cl *Claim, d Decision) error {
	in := &cl.Input
	cl.Adjudication, cl.PendReason = nil, ""
	if len(cl.Signals) > 0 && !d.ApprovePriorAuth && !d.DenyPriorAuth && cl.Status == "" {
		cl.Status, cl.PendReason = StatusPended, PendFraud
		return nil
	}
	var cov Coverage
	err := t.private(objCoverage, "coverage", &cov, in.Coverage)
	if err != nil && ccerr.CodeOf(err) != ccerr.CodeNotFound {
		return err
	}
	if err != nil || cov.Member != in.Patient || cov.Payer != in.Payer || cov.Status != "active" ||
		!cov.Period.contains(in.BillablePeriod.Start) || !cov.Period.contains(in.BillablePeriod.End) {
		cl.Status, cl.PendReason = StatusPended, PendCoverage
		return nil
	}
	var rules Rules
	if err := t.private(objRules, "rules", &rules, cov.Plan); err != nil {
		return ccerr.New(ccerr.CodeOf(err), "", "plan %s: %v", cov.Plan, err)
	}
	year := in.BillablePeriod.Start[:4]
	acc, err := t.accumulator(in.Patient, year)
	if err != nil {
		return err
	}
	adj, next, pend := Adjudicate(in, &cov, &rules, acc, d)
	if pend != "" {
		cl.Status, cl.PendReason = StatusPended, pend
		return nil
	}
	adj.At, adj.Manual = t.Stamp(), d != (Decision{}) || cl.Status != ""
	cl.Status, cl.Adjudication = StatusAdjudicated, &adj
	return t.putAccumulator(in.Patient, year, next)
}

// signals records the fraud signals of a claim.
func (t *tx) signals(in *ClaimInput, salt []byte, replaces string) ([]Signal, error) {
	out := []Signal{}
	for _, rec := range in.Records {
		var m struct {
			Known          bool   `json:"known"`
			Matches        bool   `json:"matches"`
			EnteredInError string `json:"enteredInError"`
		}
		if err := cccall.Call(t.Stub, RecordsChaincode, "MatchSubject", &m, rec, in.Patient); err != nil {
			return nil, err
		}
		switch {
		case !m.Known:
			out = append(out, Signal{SignalUnknownRecord, fmt.Sprintf("cited record %s does not exist", rec)})
		case !m.Matches:
			out = append(out, Signal{SignalOtherPatient, fmt.Sprintf("cited record %s belongs to another patient", rec)})
		case m.EnteredInError != "" && m.EnteredInError[:10] <= in.BillablePeriod.End:
			out = append(out, Signal{SignalAfterWithdrawn, fmt.Sprintf("service on or after %s, when record %s was entered in error", m.EnteredInError[:10], rec)})
		}
	}
	// Claims per patient and day, over the existing index (a range read:
	// two claims racing for the same patient-day conflict, as they should).
	var cov Coverage
	limit := 5
	if err := t.private(objCoverage, "coverage", &cov, in.Coverage); err == nil {
		var rules Rules
		if err := t.private(objRules, "rules", &rules, cov.Plan); err == nil {
			limit = rules.maxPerDay()
		}
	}
	for _, d := range serviceDays(in) {
		it, err := t.Stub.GetStateByPartialCompositeKey(objPatientDay, []string{mac(salt, in.Patient, d)})
		if err != nil {
			return nil, ccerr.Internal("claims per day: %v", err)
		}
		n := 0
		for it.HasNext() && n <= limit {
			kv, err := it.Next()
			if err != nil {
				it.Close()
				return nil, ccerr.Internal("claims per day: %v", err)
			}
			// The claim being replaced no longer counts.
			if _, attrs, err := state.SplitKey(kv.GetKey()); err == nil && len(attrs) == 2 && attrs[1] == replaces {
				continue
			}
			n++
		}
		it.Close()
		if n >= limit {
			out = append(out, Signal{SignalTooManyPerDay, fmt.Sprintf("more than %d claims for this patient on %s", limit, d)})
		}
	}
	return out, nil
}

// askPaymentConsent asks the consent chaincode when the channel requires
// consent for payment disclosures.
func (t *tx) askPaymentConsent(in *ClaimInput) error {
	s, err := t.settings()
	if err != nil || !s.PaymentConsentRequired {
		return err
	}
	req, _ := json.Marshal(map[string]string{"subject": in.Patient, "action": "disclose", "purpose": "payment", "class": "claims"})
	var d struct {
		Decision string `json:"decision"`
	}
	if err := cccall.Call(t.Stub, ConsentChaincode, "Check", &d, string(req)); err != nil {
		return err
	}
	if d.Decision != "permit" {
		return ccerr.Forbidden("the patient's consent does not permit disclosure for payment, which this channel requires")
	}
	return nil
}

func (t *tx) settings() (Settings, error) {
	k, err := key(objSettings, "channel")
	if err != nil {
		return Settings{}, err
	}
	s, _, err := state.GetOptional[Settings](t.Stub, k)
	return s, err
}
