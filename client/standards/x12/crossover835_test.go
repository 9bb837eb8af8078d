package x12

import (
	"testing"

	"github.com/stretchr/testify/require"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
)

// crossoverRemittance is the secondary payer's remittance of the claims
// chaincode's coordination-of-benefits test (TestCoordinationOfBenefits):
// a 150.00 office visit the primary allowed 120.00 of and paid 50.00,
// leaving 70.00 (deductible 50.00, copay 20.00) to the patient; the
// secondary, allowing 100.00 under its own plan, pays 45.00 of it; and a
// 40.00 panel the primary paid in full.
func crossoverRemittance() *cl.Remittance {
	return &cl.Remittance{Claim: "clm-1.cob", Payer: "MutualMSP", Provider: "ProviderMSP", Status: cl.StatusPaid,
		Outcome: cl.OutcomePartial, ChargedCents: 19000, PaidCents: 4500, PatientCents: 2500,
		Prior: &cl.Prior{Claim: "clm-1", Payer: "PayerMSP", AllowedCents: 16000, PaidCents: 9000, PatientCents: 7000},
		Lines: []cl.RemittanceLine{
			{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, SubmittedCents: 15000, AllowedCents: 10000, PatientCents: 2500, PaidCents: 4500,
				PriorPaidCents: 5000, Adjustments: []cl.Reason{{Group: "CO", Code: "45", Amount: 3000}, {Group: "OA", Code: "23", Amount: 5000},
					{Group: "PR", Code: "1", Amount: 500}, {Group: "PR", Code: "3", Amount: 2000}}},
			{Sequence: 2, Code: "80053", SubmittedCents: 4000, AllowedCents: 4000, PriorPaidCents: 4000,
				Adjustments: []cl.Reason{{Group: "OA", Code: "23", Amount: 4000}}}},
		Payments: []cl.Payment{{Trace: "EFT-M1", AmountCents: 4500, Date: "2026-06-15T12:06:00Z"}}}
}

// The secondary's 835 of a crossover is written, and x12's own parser
// finds it balanced: CLP02 says processed as secondary; CLP04 is the sum
// of the SVC payments; each SVC's charge less its CAS is its payment, the
// claim's charge less every CAS its payment; CLP05 is the PR total; the
// prior payer's impact is OA-23.
func TestCrossover835Balances(t *testing.T) {
	data, err := Write835(crossoverRemittance(), Remit835{Control: 9, At: at2007, Sender: "MUTUAL", Receiver: "PROVIDER",
		Payer: Party{Name: "MUTUAL", ID: "888887777"}, Payee: Party{Name: "PROVIDER CLINIC", ID: "1234567893"}, Patient: "subject-1"})
	require.NoError(t, err)
	r, err := Parse835(data)
	require.NoError(t, err, "Parse835 checks the balance")
	require.Len(t, r.Claims, 1)
	c := r.Claims[0]
	require.Equal(t, "2", c.Status)
	require.Equal(t, int64(4500), r.Paid)
	var svcPaid, cas, pr, oa23 int64
	for _, l := range c.Lines {
		svcPaid += l.Paid
		var line int64
		for _, a := range l.Adjustments {
			line += a.Amount
			switch {
			case a.Group == "PR":
				pr += a.Amount
			case a.Group == "OA" && a.Reason == "23":
				oa23 += a.Amount
			}
		}
		require.Equal(t, l.Charged-l.Paid, line, l.Code)
		cas += line
	}
	require.Equal(t, c.Paid, svcPaid)
	require.Equal(t, c.Charged-c.Paid, cas)
	require.Equal(t, c.Patient, pr)
	require.Equal(t, int64(9000), oa23, "what the primary paid")
}

// The remittance the chaincode used to make of this crossover — the
// secondary's own contractual adjustments in full beside the primary's
// payment — does not balance, and is not written.
func TestCrossoverWithTheSecondarysFullContractualIsNotWritten(t *testing.T) {
	r := crossoverRemittance()
	r.Lines[0].Adjustments = []cl.Reason{{Group: "CO", Code: "45", Amount: 5000}, {Group: "CO", Code: "119", Amount: 1500},
		{Group: "OA", Code: "23", Amount: 5000}, {Group: "PR", Code: "1", Amount: 500}, {Group: "PR", Code: "3", Amount: 2000}}
	_, err := Write835(r, Remit835{Control: 9, At: at2007})
	require.ErrorIs(t, err, ErrUnbalanced)
}
