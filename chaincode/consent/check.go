package consent

import (
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// BreakGlass is an emergency access without consent.
type BreakGlass struct {
	ID        string `json:"id"`
	Subject   string `json:"subject"`
	Requester Actor  `json:"requester"`
	Reason    string `json:"reason"`
	DataClass string `json:"class,omitempty" metadata:",optional"`
	Start     string `json:"start"`
	End       string `json:"end"`
	TxID      string `json:"txId"`
}

// BreakGlassInput is the transient input "breakglass".
type BreakGlassInput struct {
	Subject   string `json:"subject"`
	Reason    string `json:"reason"`
	Minutes   int64  `json:"minutes"`
	DataClass string `json:"class,omitempty" metadata:",optional"`
}

// activeBreakGlass points at a requester's latest emergency access to a patient.
type activeBreakGlass struct {
	ID  string `json:"id"`
	End string `json:"end"`
}

// Check answers whether a requester may act on a patient's data, evaluated
// at the transaction timestamp (see Decide). request is a Request in JSON;
// its requester defaults to the caller. The caller may check its own access;
// the patient, a delegate, the regulator's auditor and the requester org's
// privacy officer may check anyone's. Other chaincodes call it before they
// release anything; a valid break-glass access permits what consents deny.
func (Contract) Check(ctx contractapi.TransactionContextInterface, request string) (*Decision, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	var req Request
	if err := validate.DecodeJSON("request", request, &req, maxInputBytes); err != nil {
		return nil, err
	}
	self := asActor(t.Caller)
	if req.Requester == (Actor{}) {
		req.Requester = self
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	if err := t.mayCheck(req); err != nil {
		return nil, err
	}
	set, _, err := t.openSet(req.Subject)
	if err != nil {
		return nil, err
	}
	live := set.live(t.Now)
	consents := make([]*Consent, 0, len(live))
	for _, id := range live {
		cs, err := t.load(id)
		if err != nil {
			return nil, err
		}
		consents = append(consents, cs)
	}
	d := Decide(consents, req, t.Now)
	if !d.Permitted() && req.Requester.ID != "" {
		bg, err := t.activeBreakGlass(req.Subject, req.Requester.Org+"/"+req.Requester.ID)
		if err != nil {
			return nil, err
		}
		if bg != nil {
			d = Decision{Decision: Permit, Basis: BasisBreakGlass, BreakGlassID: bg.ID, EvaluatedAt: d.EvaluatedAt}
		}
	}
	return &d, nil
}

func (t *tx) mayCheck(req Request) error {
	self := asActor(t.Caller)
	if req.Requester == self || roles.IsPatient(t.Caller, req.Subject) || roles.IsAuditor(t.Caller) ||
		(t.Caller.Role == RolePrivacy && t.Caller.MSPID == req.Requester.Org) {
		return nil
	}
	ok, err := activeDelegate(t.Stub, t.Caller, req.Subject, t.Now)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	return ccerr.Forbidden("caller %s may check only its own access (asked for %s/%s)", t.Caller.Key(), req.Requester.Org, req.Requester.ID)
}

// activeBreakGlass returns the requester's emergency access to the patient
// that is valid now, if any.
func (t *tx) activeBreakGlass(subject, requester string) (*activeBreakGlass, error) {
	key, err := breakGlassActiveKey(subject, requester)
	if err != nil {
		return nil, err
	}
	bg, found, err := state.GetPrivateOptional[activeBreakGlass](t.Stub, Collection, key)
	if err != nil || !found {
		return nil, err
	}
	end, err := time.Parse(time.RFC3339Nano, bg.End)
	if err != nil || !t.Now.Before(end) {
		return nil, nil
	}
	return &bg, nil
}

// BreakGlass records a clinician's emergency access to a patient's data
// without consent, from the transient input "breakglass" (BreakGlassInput):
// a reason is required and the access lasts at most 24 hours. It raises a
// "consent.break-glass" event naming the clinician's org.
func (Contract) BreakGlass(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.Caller.RequireRole(clinicianRoles...); err != nil {
		return nil, err
	}
	if t.Caller.MSPID == PatientMSP {
		return nil, ccerr.Forbidden("patients' identities cannot break the glass")
	}
	var in BreakGlassInput
	if err := t.transient(TransientBreakGlass, &in); err != nil {
		return nil, err
	}
	if err := validatePatientID("subject", in.Subject); err != nil {
		return nil, err
	}
	if err := validate.Required("reason", in.Reason); err != nil {
		return nil, err
	}
	if err := validate.MaxLen("reason", in.Reason, 500); err != nil {
		return nil, err
	}
	if err := validate.Range("minutes", in.Minutes, 1, maxBreakGlassM); err != nil {
		return nil, err
	}
	if in.DataClass != "" {
		if err := validate.Identifier("class", in.DataClass); err != nil {
			return nil, err
		}
	}
	txID := t.Stub.GetTxID()
	bg := BreakGlass{
		ID: "bg-" + txID[:min(24, len(txID))], Subject: in.Subject, Requester: asActor(t.Caller),
		Reason: in.Reason, DataClass: in.DataClass, Start: t.Stamp(),
		End: t.Now.Add(time.Duration(in.Minutes) * time.Minute).Format(time.RFC3339Nano), TxID: txID,
	}
	key, err := breakGlassKey(bg.ID)
	if err != nil {
		return nil, err
	}
	if err := state.PutPrivate(t.Stub, Collection, key, bg); err != nil {
		return nil, err
	}
	akey, err := breakGlassActiveKey(bg.Subject, t.Caller.Key())
	if err != nil {
		return nil, err
	}
	if err := state.PutPrivate(t.Stub, Collection, akey, activeBreakGlass{ID: bg.ID, End: bg.End}); err != nil {
		return nil, err
	}
	if err := t.putPrivateIndex(objBreakGlassBySubj, bg.Subject, bg.ID); err != nil {
		return nil, err
	}
	if err := t.putPrivateIndex(objBreakGlassByOrg, t.Caller.MSPID, bg.ID); err != nil {
		return nil, err
	}
	t.Events.Add("consent.break-glass", bg.ID, map[string]string{"org": t.Caller.MSPID, "role": t.Caller.Role})
	return &Receipt{ID: bg.ID, End: bg.End, TxID: txID}, t.finish()
}

// ListBreakGlass lists a patient's emergency accesses, for the patient, a
// delegate and the regulator's auditor.
func (Contract) ListBreakGlass(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*BreakGlassPage, error) {
	t, err := beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	return t.listBreakGlass(objBreakGlassBySubj, subject, pageSize, bookmark)
}

// ListBreakGlassByOrg lists the emergency accesses by an org's clinicians,
// for that org's privacy officer and the regulator's auditor.
func (Contract) ListBreakGlassByOrg(ctx contractapi.TransactionContextInterface, org string, pageSize int32, bookmark string) (*BreakGlassPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("org", org); err != nil {
		return nil, err
	}
	if !roles.IsAuditor(t.Caller) && (t.Caller.Role != RolePrivacy || t.Caller.MSPID != org) {
		return nil, ccerr.Forbidden("only %s's privacy officer or the regulator's auditor may list its break-glass accesses", org)
	}
	return t.listBreakGlass(objBreakGlassByOrg, org, pageSize, bookmark)
}

func (t *tx) listBreakGlass(index, attr string, pageSize int32, bookmark string) (*BreakGlassPage, error) {
	page, err := state.ScanPrivateByPartialKey(t.Stub, Collection, index, []string{attr}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &BreakGlassPage{Items: []BreakGlass{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, attrs, err := state.SplitKey(r.Key)
		if err != nil || len(attrs) != 2 {
			return nil, ccerr.Internal("index key %s: %v", state.DisplayKey(r.Key), err)
		}
		key, err := breakGlassKey(attrs[1])
		if err != nil {
			return nil, err
		}
		bg, err := state.GetPrivate[BreakGlass](t.Stub, Collection, key)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, bg)
	}
	return out, nil
}

// beginPatientRead starts a read of what is listed by patient, for the
// patient, a delegate and the regulator's auditor.
func beginPatientRead(ctx contractapi.TransactionContextInterface, subject string) (*tx, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validatePatientID("subject", subject); err != nil {
		return nil, err
	}
	return t, t.mayReadPatient(subject)
}

// mayReadPatient lets the patient, a delegate and the regulator's auditor
// read what is listed by patient.
func (t *tx) mayReadPatient(subject string) error {
	if roles.IsPatient(t.Caller, subject) || roles.IsAuditor(t.Caller) {
		return nil
	}
	ok, err := activeDelegate(t.Stub, t.Caller, subject, t.Now)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) may not list this patient's records", t.Caller.Key(), t.Caller.Role)
}
