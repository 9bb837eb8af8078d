// Command addpayer writes a copy of a topology with one more insurer: an
// org playing the payer with a peer and its claims staff (adjudicator1,
// enrollment1, intake1), a member of care, whose peer counts in the care
// policies of the parts registry (a majority of the peer orgs), claims and
// baseline (any two). `make demo` runs `carenet up` with it to add a second
// insurer to the running consortium, as an operator would:
//
//	go run ./network/cmd/addpayer -name payer2 -plans bronze network/topology.yaml > with-payer2.yaml
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/network/topology"
)

func main() {
	name := flag.String("name", "payer2", "the new org's name (its MSP id is Name with a capital and MSP)")
	plans := flag.String("plans", "bronze", "its health plans, comma-separated")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: addpayer [-name NAME] [-plans P1,P2] TOPOLOGY")
		os.Exit(2)
	}
	if err := run(os.Stdout, flag.Arg(0), *name, strings.Split(*plans, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "addpayer:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, path, name string, plans []string) error {
	topo, err := topology.Load(path)
	if err != nil {
		return err
	}
	if err := addPayer(topo, name, plans); err != nil {
		return err
	}
	data, err := yaml.Marshal(topo)
	if err != nil {
		return err
	}
	if _, err := topology.Parse(data); err != nil {
		return fmt.Errorf("the topology with %s: %w", name, err)
	}
	_, err = w.Write(data)
	return err
}

// addPayer adds org name to topo as a payer on care.
func addPayer(topo *topology.Topology, name string, plans []string) error {
	if name == "" || topo.Org(name) != nil {
		return fmt.Errorf("name %q: empty or already an org of the topology", name)
	}
	care := topo.Channel("care")
	if care == nil {
		return errors.New("the topology has no channel care")
	}
	msp := strings.ToUpper(name[:1]) + name[1:] + "MSP"
	topo.Orgs = append(topo.Orgs, topology.Org{Name: name, MSPID: msp, Description: "a second health insurer", Parts: []string{wire.PartPayer},
		Plans: plans, Peers: []string{"peer0"},
		Users: []topology.User{{Name: "admin", Type: "admin"}, {Name: "adjudicator1", Role: wire.RoleAdjudicator},
			{Name: "enrollment1", Role: wire.RoleEnrollment}, {Name: "intake1", Role: wire.RoleClaimsIntake}}})
	care.Orgs = append(care.Orgs, name)
	var peers []string
	for _, o := range topo.PeerOrgs("care") {
		peers = append(peers, "'"+o.MSPID+".peer'")
	}
	list := strings.Join(peers, ", ")
	for cc, n := range map[string]int{"parts": len(peers)/2 + 1, "claims": 2, "baseline": 2} {
		c := topo.Chaincode(cc)
		if c == nil {
			return fmt.Errorf("the topology has no chaincode %s", cc)
		}
		ch, ok := c.Channels["care"]
		if !ok {
			return fmt.Errorf("chaincode %s is not on care", cc)
		}
		ch.Endorsement = fmt.Sprintf("OutOf(%d, %s)", n, list)
		c.Channels["care"] = ch
	}
	return nil
}
