package claims

import (
	"errors"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// payerIntake is who submits the claims a payer received outside the ledger.
var payerIntake = grant{parts.PartPayer, []string{parts.RoleClaimsIntake}}

// SubmitIntake takes a claim its payer received outside the ledger — on
// paper, by fax, from a clearinghouse, an out-of-network provider or a
// portal (transient "intake", IntakeInput) — from the claims intake staff
// of an org playing the payer, which must be the claim's payer; the
// provider it names must play the provider. The claim goes through
// Submit's validation, duplicate fingerprints, fraud signals and
// adjudication, and records the channel and the date it came. Like every
// claim it is endorsed by the provider's and the payer's peers, in their
// pair's collection: the provider sees it, and disputes it (Dispute) if it
// never billed it.
func (c *Contract) SubmitIntake(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	payer, _, err := t.require(payerIntake)
	if err != nil {
		return nil, err
	}
	var in wire.IntakeInput
	if err := t.Transient(wire.TransientIntake, &in, maxInputBytes); err != nil {
		return nil, err
	}
	if err := t.validateIntake(&in, payer.MSPID); err != nil {
		return nil, err
	}
	cl, err := t.submit(in.Claim, origin{provider: in.Provider, intake: &wire.Intake{Channel: in.Channel, Received: in.Received}})
	if err != nil {
		return nil, underField("claim", err)
	}
	return t.receipt(cl), t.finish()
}

// validateIntake checks what an intake adds to a claim: the payer is the
// caller's org, the provider plays the provider, a known channel, a
// received date neither in the future nor before the services.
func (t *tx) validateIntake(in *wire.IntakeInput, payer string) error {
	if in.Claim.Payer != payer {
		return ccerr.Invalid("claim.payer", "is %q: a payer submits only claims billed to itself (%s)", in.Claim.Payer, payer)
	}
	if err := validate.Identifier("provider", in.Provider); err != nil {
		return err
	}
	if _, err := registry.RequirePart(t.Stub, in.Provider, parts.PartProvider); ccerr.CodeOf(err) == ccerr.CodeForbidden {
		return ccerr.Invalid("provider", "%s does not play the provider part in the consortium registry", in.Provider)
	} else if err != nil {
		return err
	}
	if err := validate.OneOf("channel", in.Channel, wire.IntakeChannels()...); err != nil {
		return err
	}
	received, err := time.Parse(dateLayout, in.Received)
	if err != nil {
		return ccerr.Invalid("received", "must be a date YYYY-MM-DD")
	}
	if received.After(t.Now.UTC()) {
		return ccerr.Invalid("received", "is after the transaction's time")
	}
	if in.Claim.BillablePeriod.Start != "" && in.Received < in.Claim.BillablePeriod.Start {
		return ccerr.Invalid("received", "is before the services were rendered")
	}
	return nil
}

// underField puts an input error's field under prefix (item[0] becomes
// claim.item[0]).
func underField(prefix string, err error) error {
	var e *ccerr.Error
	if !errors.As(err, &e) || e.Code != ccerr.CodeInvalidArgument || e.Field == "" {
		return err
	}
	return ccerr.New(e.Code, prefix+"."+e.Field, "%s", e.Message)
}

// Dispute lets the billing staff of a claim's provider say it never
// billed a claim its payer submitted (SubmitIntake): the claim is
// disputed, its fingerprints and patient-day entries released, and what
// an unpaid adjudication added to the member's accumulator taken back. A
// claim the provider submitted itself is voided, not disputed.
func (c *Contract) Dispute(ctx contractapi.TransactionContextInterface, id string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	cl, tr, err := t.step(id, providerBilling, wire.StatusPended, wire.StatusAdjudicated, wire.StatusAppealed, wire.StatusPaid)
	if err != nil {
		return nil, err
	}
	if cl.Intake == nil {
		return nil, ccerr.Precondition("claim %s was submitted by its provider: void it instead", id)
	}
	if err := t.crossoverSettled(cl); err != nil {
		return nil, err
	}
	if err := t.release(cl, tr); err != nil {
		return nil, err
	}
	if adj := cl.Adjudication; adj != nil && cl.Status != wire.StatusPaid {
		// Unpaid: the plan paid nothing. Paid: the payment stands in the
		// accumulator until the payer recovers it. The record keeps the
		// adjudication either way.
		if err := t.unwind(cl); err != nil {
			return nil, err
		}
		cl.Adjudication = adj
	}
	cl.Status = wire.StatusDisputed
	if err := t.save(cl, tr); err != nil {
		return nil, err
	}
	return t.receipt(cl), t.finish()
}
