package claims

import (
	"encoding/base64"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// RegisterCoverage records a member's coverage (transient "coverage"), by
// the payer's enrollment staff. A coverage id is registered once; a new
// period or plan is a new coverage.
func (c *Contract) RegisterCoverage(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRole("", roles.Enrollment); err != nil {
		return nil, err
	}
	var cov Coverage
	if err := t.Transient(TransientCoverage, &cov, 4096); err != nil {
		return nil, err
	}
	cov.Payer, cov.Status, cov.Registered = t.Caller.MSPID, "active", t.Stamp()
	if err := cov.validate(); err != nil {
		return nil, err
	}
	var existing Coverage
	if err := t.private(objCoverage, "coverage", &existing, cov.ID); err == nil {
		return nil, ccerr.Conflict("coverage %s already exists", cov.ID)
	} else if ccerr.CodeOf(err) != ccerr.CodeNotFound {
		return nil, err
	}
	if err := t.putPrivate(objCoverage, cov, cov.ID); err != nil {
		return nil, err
	}
	// A coverage id identifies a member (a plan beneficiary number): it
	// stays out of the response and the event, which are in the block.
	t.Events.Add("coverage.registered", t.ID(), map[string]string{"payer": cov.Payer})
	return &Receipt{ID: t.ID(), Status: cov.Status, TxID: t.ID()}, t.finish()
}

// GetCoverage reads a coverage, for the payer and the provider's billing staff.
func (c *Contract) GetCoverage(ctx contractapi.TransactionContextInterface, id string) (*Coverage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	if err := t.Caller.RequireRole(roles.Billing, roles.Enrollment, roles.Adjudicator); err != nil {
		return nil, err
	}

	var cov Coverage
	if err := t.private(objCoverage, "coverage", &cov, id); err != nil {
		return nil, err
	}
	return &cov, nil
}

// SetRules sets a plan's adjudication rules (transient "rules"), by the
// payer's adjudicator. Claims adjudicated later use them.
func (c *Contract) SetRules(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRole("", roles.Adjudicator); err != nil {
		return nil, err
	}
	var r Rules
	if err := t.Transient(TransientRules, &r, maxInputBytes); err != nil {
		return nil, err
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	if err := t.putPrivate(objRules, r, r.Plan); err != nil {
		return nil, err
	}
	t.Events.Add("rules.set", r.Plan, nil)
	return &Receipt{ID: r.Plan, Status: "set", TxID: t.ID()}, t.finish()
}

// SetSalt sets the duplicate-fingerprint salt once (transient "salt":
// {"salt": base64 of at least 32 random bytes}), by the payer's enrollment
// staff. It cannot change: fingerprints made with it must keep matching.
func (c *Contract) SetSalt(ctx contractapi.TransactionContextInterface) (*Receipt, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRole("", roles.Enrollment); err != nil {
		return nil, err
	}
	var in struct {
		Salt string `json:"salt"`
	}
	if err := t.Transient(TransientSalt, &in, 1024); err != nil {
		return nil, err
	}
	raw, err := validate.Base64("salt", in.Salt, 256)
	if err != nil {
		return nil, err
	}
	if len(raw) < 32 {
		return nil, ccerr.Invalid("salt", "needs at least 32 random bytes")
	}
	if _, err := t.salt(); err == nil {
		return nil, ccerr.Conflict("the salt is already set and cannot change")
	} else if ccerr.CodeOf(err) != ccerr.CodeFailedPrecondition {
		return nil, err
	}
	if err := t.putPrivate(objSalt, map[string]string{"salt": base64.StdEncoding.EncodeToString(raw)}, "current"); err != nil {
		return nil, err
	}
	return &Receipt{ID: "salt", Status: "set", TxID: t.ID()}, nil
}

// SetSettings changes the channel-level settings, by the regulator's admin.
func (c *Contract) SetSettings(ctx contractapi.TransactionContextInterface, paymentConsentRequired bool) (*Settings, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	if t.Caller.MSPID != roles.RegulatorMSP || t.Caller.Type != "admin" {
		return nil, ccerr.Forbidden("only the regulator's admin changes channel settings")
	}
	s := Settings{PaymentConsentRequired: paymentConsentRequired, Updated: t.Stamp()}
	k, err := key(objSettings, "channel")
	if err != nil {
		return nil, err
	}
	if err := state.Put(t.Stub, k, s); err != nil {
		return nil, err
	}
	t.Events.Add("settings.changed", "channel", nil)
	return &s, t.finish()
}

// GetSettings reads the channel-level settings.
func (c *Contract) GetSettings(ctx contractapi.TransactionContextInterface) (*Settings, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	s, err := t.settings()
	return &s, err
}
