package profile_test

import (
	"fmt"

	"github.com/carechain/carechain/client/profile"
)

// A payer's clients try their own peer first, then the peers of the other
// care members; a call on care uses those that serve care.
func ExampleProfile_Gateways() {
	p := &profile.Profile{
		Orgs: []profile.Org{
			{Name: "provider", MSPID: "ProviderMSP", Peers: []profile.Node{{ID: "peer0.provider"}}, Gateways: []string{"peer0.provider"}},
			{Name: "payer", MSPID: "PayerMSP", Peers: []profile.Node{{ID: "peer0.payer"}}, Gateways: []string{"peer0.payer"}},
			{Name: "manufacturer", MSPID: "ManufacturerMSP", Peers: []profile.Node{{ID: "peer0.manufacturer"}}, Gateways: []string{"peer0.manufacturer"}},
		},
		Channels: []profile.Channel{
			{Name: "care", Orgs: []string{"provider", "payer"}},
			{Name: "supply", Orgs: []string{"manufacturer", "provider"}},
		},
	}
	gws, err := p.Gateways("payer")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range gws {
		fmt.Printf("%s (%s) serves care: %v\n", g.ID, g.MSPID, g.Serves("care"))
	}
	// Output:
	// peer0.payer (PayerMSP) serves care: true
	// peer0.provider (ProviderMSP) serves care: true
}
