package x12_test

import (
	"fmt"
	"os"
	"time"

	"github.com/carechain/carechain/client/standards/refusal"
	"github.com/carechain/carechain/client/standards/x12"
)

// Read837 maps every claim of an interchange; the 999 acknowledges it.
func ExampleRead837() {
	data, err := os.ReadFile("../../../test/testdata/x12/837P-005010X222A1-examples-1-2-3-combined.txt")
	if err != nil {
		panic(err)
	}
	batch, err := x12.Read837(data,
		x12.SubmittedAt(time.Date(2007, 1, 2, 0, 0, 0, 0, time.UTC)),
		x12.WithMembers(func(payer, member string) (string, bool) { return "subject-" + member, true }),
		x12.WithPayers(func(payer string) (string, bool) { return "InsurerMSP", true }))
	if err != nil {
		panic(err)
	}
	for _, c := range batch.Claims {
		issues := refusal.Issues(c.Err)
		fmt.Printf("claim %s: accepted %v, first refused element %s\n", c.ID, c.Accepted(), issues[0].Path)
	}
	ack, _ := batch.Ack999(1, time.Date(2007, 1, 2, 0, 0, 0, 0, time.UTC))
	fmt.Println(len(ack) > 0)
	// Output:
	// claim 26463774: accepted false, first refused element 2000C PAT
	// claim 26407789: accepted false, first refused element 2300 CLM10
	// claim 26462967: accepted false, first refused element 2300 DTP*431
	// true
}
