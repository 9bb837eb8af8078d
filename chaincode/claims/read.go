package claims

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// mayRead lets the claim's provider's billing staff and its payer's
// adjudicators and enrollment staff read it.
func (t *tx) mayRead(tr *Trace) error {
	c := t.Caller
	if (c.MSPID == tr.Provider && c.Role == roles.Billing) ||
		(c.MSPID == tr.Payer && (c.Role == roles.Adjudicator || c.Role == roles.Enrollment)) {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) may not read claim %s", c.Key(), c.Role, tr.ID)
}

// Get reads a claim with its adjudication, payments and history.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, id string) (*Claim, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	tr, _, err := t.trace(id)
	if err != nil {
		return nil, err
	}
	if err := t.mayRead(tr); err != nil {
		return nil, err
	}
	cl, _, err := t.claim(id)
	return cl, err
}

// GetTrace reads a claim's public trace, for any member of the channel.
func (c *Contract) GetTrace(ctx contractapi.TransactionContextInterface, id string) (*Trace, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	tr, _, err := t.trace(id)
	return tr, err
}

// RemittanceLine is one line of a remittance advice.
type RemittanceLine struct {
	Sequence       int      `json:"sequence"`
	Code           string   `json:"productOrService"`
	Modifiers      []string `json:"modifier,omitempty" metadata:",optional"`
	SubmittedCents int64    `json:"submitted"`
	AllowedCents   int64    `json:"allowed"`
	PatientCents   int64    `json:"patientResponsibility"`
	PaidCents      int64    `json:"paid"`
	Adjustments    []Reason `json:"adjustments"`
}

// Remittance is an 835-like remittance advice for one claim.
type Remittance struct {
	Claim        string           `json:"claim"`
	Payer        string           `json:"payer"`
	Provider     string           `json:"provider"`
	Status       string           `json:"status"`
	Outcome      string           `json:"outcome"`
	ChargedCents int64            `json:"charged"`
	PaidCents    int64            `json:"paid"`
	PatientCents int64            `json:"patientResponsibility"`
	Lines        []RemittanceLine `json:"lines"`
	Payments     []Payment        `json:"payments"`
}

// Remittance returns the remittance advice of an adjudicated or paid
// claim, for the provider's billing staff and the payer.
func (c *Contract) Remittance(ctx contractapi.TransactionContextInterface, id string) (*Remittance, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	tr, _, err := t.trace(id)
	if err != nil {
		return nil, err
	}
	if err := t.mayRead(tr); err != nil {
		return nil, err
	}
	cl, _, err := t.claim(id)
	if err != nil {
		return nil, err
	}
	if cl.Adjudication == nil {
		return nil, ccerr.Precondition("claim %s is %s: it has no adjudication yet", id, cl.Status)
	}
	r := &Remittance{Claim: id, Payer: tr.Payer, Provider: tr.Provider, Status: cl.Status, Outcome: cl.Adjudication.Outcome,
		ChargedCents: cl.Input.TotalCents, PaidCents: cl.Adjudication.PaidCents, PatientCents: cl.Adjudication.PatientCents,
		Payments: cl.Payments}
	for i, l := range cl.Adjudication.Lines {
		it := cl.Input.Items[i]
		r.Lines = append(r.Lines, RemittanceLine{Sequence: l.Sequence, Code: it.Code, Modifiers: it.Modifiers,
			SubmittedCents: l.SubmittedCents, AllowedCents: l.AllowedCents, PatientCents: l.PatientCents,
			PaidCents: l.PaidCents, Adjustments: l.Reasons})
	}
	return r, nil
}

// TracePage is a page of claim traces.
type TracePage struct {
	Items    []Trace `json:"items"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}

// ListByStatus lists the traces of the claims in a status that the
// caller's org is a party to (provider or payer), paginated.
func (c *Contract) ListByStatus(ctx contractapi.TransactionContextInterface, status string, pageSize int32, bookmark string) (*TracePage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.OneOf("status", status, StatusPended, StatusAdjudicated, StatusAppealed, StatusPaid, StatusVoided, StatusReplaced); err != nil {
		return nil, err
	}
	page, err := state.PageByPartialKey(t.Stub, objByStatus, []string{status}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &TracePage{Items: []Trace{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, attrs, err := state.SplitKey(r.Key)
		if err != nil || len(attrs) != 2 {
			return nil, ccerr.Internal("index key %s: %v", state.DisplayKey(r.Key), err)
		}
		tr, _, err := t.trace(attrs[1])
		if err != nil {
			return nil, err
		}
		if tr.Provider == t.Caller.MSPID || tr.Payer == t.Caller.MSPID || roles.IsAuditor(t.Caller) {
			out.Items = append(out.Items, *tr)
		}
	}
	return out, nil
}
