package consent

import (
	"encoding/json"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// Kinds of delegate.
const (
	KindGuardian = "guardian"
	KindProxy    = "proxy"
)

// Delegate is someone a patient lets manage their consents.
type Delegate struct {
	Subject string `json:"subject"`
	// Delegate is the delegate's identity, MSPID/enrollmentID.
	Delegate string `json:"delegate"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	Period   Period `json:"period"`
	Created  string `json:"created"`
	Updated  string `json:"lastUpdated"`
}

// DelegateInput is the transient input "delegate".
type DelegateInput struct {
	Subject  string `json:"subject"`
	Delegate string `json:"delegate"`
	Kind     string `json:"kind,omitempty" metadata:",optional"`
	Period   Period `json:"period,omitempty" metadata:",optional"`
}

func (in *DelegateInput) validateRef() error {
	if err := validatePatientID("subject", in.Subject); err != nil {
		return err
	}
	if err := validate.Required("delegate", in.Delegate); err != nil {
		return err
	}
	msp, id, ok := cutIdentity(in.Delegate)
	if !ok {
		return ccerr.Invalid("delegate", "must be MSPID/enrollmentID")
	}
	if err := validate.Identifier("delegate", msp); err != nil {
		return err
	}
	return validate.Identifier("delegate", id)
}

// beginDelegate starts a delegation change from the transient input "delegate".
func beginDelegate(ctx contractapi.TransactionContextInterface) (*tx, DelegateInput, error) {
	var in DelegateInput
	t, err := begin(ctx)
	if err != nil {
		return nil, in, err
	}
	if err := t.transient(TransientDelegate, &in); err != nil {
		return nil, in, err
	}
	return t, in, in.validateRef()
}

func cutIdentity(key string) (msp, id string, ok bool) {
	msp, id, ok = strings.Cut(key, "/")
	return msp, id, ok && msp != "" && id != ""
}

// RegisterDelegate lets the patient register a guardian or proxy (transient
// "delegate"), who may then manage the patient's consents for the period.
// Only the patient registers delegates; a delegate cannot appoint another.
func (Contract) RegisterDelegate(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, in, err := beginDelegate(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.OneOf("kind", in.Kind, KindGuardian, KindProxy); err != nil {
		return nil, err
	}
	if err := normalisePeriod("period", &in.Period); err != nil {
		return nil, err
	}
	if !roles.IsPatient(t.Caller, in.Subject) {
		return nil, ccerr.Forbidden("only the patient may register delegates (caller %s, role %q)", t.Caller.Key(), t.Caller.Role)
	}
	if in.Delegate == t.Caller.Key() {
		return nil, ccerr.Invalid("delegate", "a patient cannot delegate to themselves")
	}
	key, err := delegateKey(in.Subject, in.Delegate)
	if err != nil {
		return nil, err
	}
	d := Delegate{Subject: in.Subject, Delegate: in.Delegate, Kind: in.Kind, Status: StatusActive,
		Period: in.Period, Created: t.Stamp(), Updated: t.Stamp()}
	if err := state.PutPrivate(t.Stub, Collection, key, d); err != nil {
		return nil, err
	}
	t.Events.Add("consent.delegate-registered", t.Stub.GetTxID(), nil)
	return &Receipt{ID: t.Stub.GetTxID(), Status: d.Status, TxID: t.Stub.GetTxID()}, t.finish()
}

// RevokeDelegate ends a delegation (transient "delegate" with subject and
// delegate): the patient revokes it, or the delegate steps down.
func (Contract) RevokeDelegate(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, in, err := beginDelegate(ctx)
	if err != nil {
		return nil, err
	}
	if !roles.IsPatient(t.Caller, in.Subject) && t.Caller.Key() != in.Delegate {
		return nil, ccerr.Forbidden("only the patient or the delegate may end a delegation")
	}
	key, err := delegateKey(in.Subject, in.Delegate)
	if err != nil {
		return nil, err
	}
	d, found, err := state.GetPrivateOptional[Delegate](t.Stub, Collection, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("no delegation to %s", in.Delegate)
	}
	if d.Status != StatusActive {
		return nil, ccerr.Precondition("the delegation is already %s", d.Status)
	}
	d.Status, d.Updated = StatusInactive, t.Stamp()
	if err := state.PutPrivate(t.Stub, Collection, key, d); err != nil {
		return nil, err
	}
	t.Events.Add("consent.delegate-revoked", t.Stub.GetTxID(), nil)
	return &Receipt{ID: t.Stub.GetTxID(), Status: d.Status, TxID: t.Stub.GetTxID()}, t.finish()
}

// ListDelegates lists a patient's delegations, for the patient, a delegate
// and the regulator's auditor.
func (Contract) ListDelegates(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*DelegatePage, error) {
	t, err := beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	page, err := state.ScanPrivateByPartialKey(t.Stub, Collection, objDelegate, []string{subject}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &DelegatePage{Items: []Delegate{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		var d Delegate
		if err := json.Unmarshal(r.Value, &d); err != nil {
			return nil, ccerr.Internal("stored delegate %s: %v", state.DisplayKey(r.Key), err)
		}
		out.Items = append(out.Items, d)
	}
	return out, nil
}
