package x12_test

import (
	"fmt"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/x12"
)

// Write835 writes a paid claim's remittance; Parse835 reads it back.
func ExampleWrite835() {
	r := &cl.Remittance{Claim: "C-1", ChargedCents: 4000, PaidCents: 3000, PatientCents: 500, Outcome: cl.OutcomePartial,
		Lines: []cl.RemittanceLine{{Sequence: 1, Code: "99213", SubmittedCents: 4000, AllowedCents: 3500, PatientCents: 500, PaidCents: 3000,
			Adjustments: []cl.Reason{{Group: "CO", Code: "45", Amount: 500}, {Group: "PR", Code: "3", Amount: 500}}}},
		Payments: []cl.Payment{{Trace: "EFT-9", AmountCents: 3000, Date: "2026-03-01T00:00:00Z"}}}
	data, err := x12.Write835(r, x12.Remit835{Control: 1, At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Payer: x12.Party{Name: "INSURER", ID: "123456789"}, Payee: x12.Party{Name: "CLINIC", ID: "1234567893"}, Patient: "subject-1"})
	if err != nil {
		panic(err)
	}
	back, err := x12.Parse835(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Trace, back.Paid, back.Claims[0].Lines[0].Adjustments)
	// Output: EFT-9 3000 [{CO 45 500} {PR 3 500}]
}
