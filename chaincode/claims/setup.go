package claims

import (
	"encoding/base64"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// RegisterCoverage records a member's coverage (transient "coverage") by
// the enrollment staff of an org playing the payer, which becomes the
// coverage's payer; the plan must be one of the payer's plans when its
// registry entry lists plans. A coverage id is registered once per payer;
// a new period or plan is a new coverage.
func (c *Contract) RegisterCoverage(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	payer, _, err := t.require(payerEnrollment)
	if err != nil {
		return nil, err
	}
	var cov wire.Coverage
	if err := t.Transient(wire.TransientCoverage, &cov, 16384); err != nil {
		return nil, err
	}
	if err := ownedBy("payer", cov.Payer, payer.MSPID); err != nil {
		return nil, err
	}
	cov.Payer, cov.Status, cov.Registered = payer.MSPID, "active", t.Stamp()
	if err := validateCoverage(&cov); err != nil {
		return nil, err
	}
	if err := requirePlan("plan", payer, cov.Plan); err != nil {
		return nil, err
	}
	if err := t.putNewCoverage(&cov); err != nil {
		return nil, err
	}
	// A coverage id identifies a member (a plan beneficiary number): it
	// stays out of the key, the response and the event, which are in the
	// block.
	t.Events.Add("coverage.registered", t.ID(), map[string]string{"payer": cov.Payer})
	return &wire.Receipt{ID: t.ID(), Status: cov.Status, TxID: t.ID()}, t.finish()
}

// putNewCoverage writes a coverage whose id its payer has not used yet.
func (t *tx) putNewCoverage(cov *wire.Coverage) error {
	k, err := t.coverageKey(cov.Payer, cov.ID)
	if err != nil {
		return err
	}
	var existing wire.Coverage
	if found, err := t.lookup(wire.PayerCollection(cov.Payer), k, "coverage", &existing); err != nil {
		return err
	} else if found {
		return ccerr.Conflict("coverage %s already exists", cov.ID)
	}
	_, err = t.putPrivate(wire.PayerCollection(cov.Payer), k, cov)
	return err
}

// ownedBy refuses an input's owner field (payer) naming another org than
// the caller's; empty means the caller's.
func ownedBy(field, given, caller string) error {
	if given != "" && given != caller {
		return ccerr.Invalid(field, "is %s: a payer registers only its own (caller's org %s)", given, caller)
	}
	return nil
}

// GetCoverage reads payer's coverage id, for that payer's adjudicators,
// claims intake and enrollment staff, and for the billing staff of an org
// playing the provider (to check eligibility before they bill).
func (c *Contract) GetCoverage(ctx contractapi.TransactionContextInterface, payer, id string) (*wire.Coverage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	_, part, err := t.require(providerBilling, payerCoverageStaff)
	if err != nil {
		return nil, err
	}
	if part == parts.PartPayer && t.Caller.MSPID != payer {
		return nil, ccerr.Forbidden("coverage of %s: %s reads only its own coverages", payer, t.Caller.MSPID)
	}
	if err := validate.Identifier("payer", payer); err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	var cov wire.Coverage
	if err := t.readCoverage(payer, id, &cov); err != nil {
		return nil, err
	}
	return &cov, nil
}

// coverageKey is the private key of payer's coverage id, in the payer's
// collection.
func (t *tx) coverageKey(payer, id string) (string, error) {
	return t.blindKey(wire.PayerCollection(payer), objCoverage, payer, id)
}

// readCoverage reads payer's coverage id; NOT_FOUND when there is none.
func (t *tx) readCoverage(payer, id string, cov *wire.Coverage) error {
	k, err := t.coverageKey(payer, id)
	if err != nil {
		return err
	}
	return t.private(wire.PayerCollection(payer), k, "coverage "+payer+"/"+id, cov)
}

// rulesKey is the private key of payer's rules of plan, in the payer's
// collection.
func (t *tx) rulesKey(payer, plan string) (string, error) {
	return t.blindKey(wire.PayerCollection(payer), objRules, payer, plan)
}

// readRules reads payer's rules of plan; NOT_FOUND when there are none.
func (t *tx) readRules(payer, plan string, r *wire.Rules) error {
	k, err := t.rulesKey(payer, plan)
	if err != nil {
		return err
	}
	return t.private(wire.PayerCollection(payer), k, "rules of plan "+plan, r)
}

// SetRules sets a plan's adjudication rules (transient "rules") by the
// adjudicator of an org playing the payer: the rules are that payer's
// (keyed by payer and plan), and the plan must be one of its plans when
// its registry entry lists plans. Claims adjudicated later use them.
func (c *Contract) SetRules(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	payer, _, err := t.require(payerAdjudicate)
	if err != nil {
		return nil, err
	}
	var r wire.Rules
	if err := t.Transient(wire.TransientRules, &r, maxInputBytes); err != nil {
		return nil, err
	}
	if err := ownedBy("payer", r.Payer, payer.MSPID); err != nil {
		return nil, err
	}
	if err := validateRules(&r); err != nil {
		return nil, err
	}
	if err := requirePlan("plan", payer, r.Plan); err != nil {
		return nil, err
	}
	if err := t.notBeforeRules(payer.MSPID, r.Plan); err != nil {
		return nil, err
	}
	r.Payer, r.Updated = payer.MSPID, t.Stamp()
	k, err := t.rulesKey(r.Payer, r.Plan)
	if err != nil {
		return nil, err
	}
	if _, err := t.putPrivate(wire.PayerCollection(r.Payer), k, r); err != nil {
		return nil, err
	}
	// Claims read their plan's rules: a plan named here, in the block,
	// would name the plan of every claim that reads the same key.
	t.Events.Add("rules.set", t.ID(), map[string]string{"payer": r.Payer})
	return &wire.Receipt{ID: t.ID(), Status: "set", TxID: t.ID()}, t.finish()
}

// notBeforeRules refuses new rules stamped before the plan's current ones.
func (t *tx) notBeforeRules(payer, plan string) error {
	var old wire.Rules
	err := t.readRules(payer, plan, &old)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return t.NotBefore("rules of plan "+plan, old.Updated)
}

// SetSalt sets the caller's payer org's duplicate-fingerprint salt once
// (transient "salt": {"salt": base64 of at least 32 random bytes}), by its
// enrollment staff. It cannot change: fingerprints made with it must keep
// matching.
func (c *Contract) SetSalt(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	payer, _, err := t.require(payerEnrollment)
	if err != nil {
		return nil, err
	}
	var in wire.SaltInput
	if err := t.Transient(wire.TransientSalt, &in, 1024); err != nil {
		return nil, err
	}
	raw, err := validate.Base64("salt", in.Salt, 256)
	if err != nil {
		return nil, err
	}
	if len(raw) < 32 {
		return nil, ccerr.Invalid("salt", "needs at least 32 random bytes")
	}
	if _, err := t.salt(payer.MSPID); err == nil {
		return nil, ccerr.Conflict("the salt of %s is already set and cannot change", payer.MSPID)
	} else if ccerr.CodeOf(err) != ccerr.CodeFailedPrecondition {
		return nil, err
	}
	k, err := t.saltKey(payer.MSPID)
	if err != nil {
		return nil, err
	}
	if _, err := t.putPrivate(wire.PayerCollection(payer.MSPID), k, payerSalt{Salt: base64.StdEncoding.EncodeToString(raw)}); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: "salt", Status: "set", TxID: t.ID()}, nil
}

// SetSettings changes the channel-level settings, by an admin of the org
// playing the regulator.
func (c *Contract) SetSettings(ctx contractapi.TransactionContextInterface, paymentConsentRequired bool) (*wire.Settings, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireRegulatorAdmin(); err != nil {
		return nil, err
	}
	old, err := t.settings()
	if err != nil {
		return nil, err
	}
	if err := t.NotBefore("the channel settings", old.Updated); err != nil {
		return nil, err
	}
	s := wire.Settings{PaymentConsentRequired: paymentConsentRequired, Updated: t.Stamp()}
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

// GetSettings reads the channel-level settings, for any member of an org
// the registry lists.
func (c *Contract) GetSettings(ctx contractapi.TransactionContextInterface) (*wire.Settings, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	s, err := t.settings()
	return &s, err
}
