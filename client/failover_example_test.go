package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/carechain/carechain/client"
)

// A provider's session fails over from its own gateway to the other care
// members' for calls without transient data; a record's document, in the
// transient map, may also go to a second org the provider trusts with it.
func ExampleWithTransientOrgs() {
	c, err := client.Open(".carechain")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	s, err := c.Session("provider", "clerk1",
		client.WithTransientOrgs("RegulatorMSP"), // besides the provider's own peers
		client.WithFailback(2*time.Second),
		client.WithEndorseTimeout(5*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	fmt.Println("gateways in order:", s.Gateways())
	res, err := s.Submit(context.Background(), client.Call{Channel: "care", Chaincode: "baseline", Function: "Put",
		Args: []string{"key", "value"}}) // may go through any care member's gateway
	if err != nil {
		fmt.Println(client.CodeOf(err), err)
		return
	}
	fmt.Println("committed in block", res.Block)
}

// A session pinned to one gateway peer, which never fails over: to read
// one peer's own ledger.
func ExampleWithGateways() {
	c, err := client.Open(".carechain")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	s, err := c.Session("payer", "adjudicator1", client.WithGateways("peer0.payer"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	fmt.Println(s.Gateways())
}
