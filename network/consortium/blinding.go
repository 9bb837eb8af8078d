package consortium

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/network/collections"
	"github.com/carechain/carechain/network/topology"
)

// collectionDef is what carenet reads of a collections file.
type collectionDef struct {
	Name   string `json:"name"`
	Policy string `json:"policy"`
}

var memberPattern = regexp.MustCompile(`'([A-Za-z0-9.-]+)\.member'`)

// members are the MSP ids a collection's member policy names.
func (d collectionDef) members() []string {
	var out []string
	for _, m := range memberPattern.FindAllStringSubmatch(d.Policy, -1) {
		out = append(out, m[1])
	}
	return out
}

// setupBlinding gives every collection of the chaincode on the channel its
// blinding secret (package chaincode/kit/blind), once: 32 random bytes made
// here, sent in the transient map to the collection's member peers only
// (SetupBlinding, as the first member's admin), so the secret never reaches
// a peer outside the collection and never a block. Each collection's
// secret is a key of its own collection: they are set at once.
func (c *Consortium) setupBlinding(ctx context.Context, p *progress, cc topology.Chaincode, ch string) error {
	defs, err := c.collections(cc, ch)
	if err != nil {
		return err
	}
	return parallel(defs, len(defs), func(d collectionDef) error {
		if err := c.blindCollection(ctx, p, cc, ch, d); err != nil {
			return fmt.Errorf("collection %s: %w", d.Name, err)
		}
		return nil
	})
}

func (c *Consortium) collections(cc topology.Chaincode, ch string) ([]collectionDef, error) {
	_, data, err := c.collectionsConfig(cc, ch)
	if err != nil || data == nil {
		return nil, err
	}
	var defs []collectionDef
	if err := json.Unmarshal(data, &defs); err != nil {
		return nil, err
	}
	// A generated config retains the collections of orgs that left
	// (collections.Retain): the chaincode no longer knows them, and their
	// secrets were set while they were in use.
	if active, ok := collections.For(cc.Name, collections.FromTopology(c.Topo, ch)); ok {
		defs = slices.DeleteFunc(defs, func(d collectionDef) bool {
			return !slices.ContainsFunc(active, func(a collections.Definition) bool { return a.Name == d.Name })
		})
	}
	return defs, nil
}

func (c *Consortium) blindCollection(ctx context.Context, p *progress, cc topology.Chaincode, ch string, d collectionDef) error {
	var orgs []*topology.Org
	for _, m := range d.members() {
		for _, o := range c.Topo.PeerOrgs(ch) {
			if o.MSPID == m {
				orgs = append(orgs, o)
			}
		}
	}
	if len(orgs) == 0 {
		return fmt.Errorf("no member org runs a peer on %s", ch)
	}
	admin := c.peerAdmin(orgs[0])
	out, err := admin.Run(ctx, "chaincode", "query", "-C", ch, "-n", cc.Name, "-c", fmt.Sprintf(`{"Args":["BlindingReady",%q]}`, d.Name))
	if err != nil {
		return fmt.Errorf("BlindingReady: %w", err)
	}
	if strings.TrimSpace(string(out)) == "true" {
		return nil
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	transient := fmt.Sprintf(`{%q:%q}`, blind.TransientSecret, base64.StdEncoding.EncodeToString(secret))
	args := []string{"chaincode", "invoke", "-C", ch, "-n", cc.Name, "-c", fmt.Sprintf(`{"Args":["SetupBlinding",%q]}`, d.Name),
		"--transient", transient, "--waitForEvent"}
	args = append(args, c.ordererFlags()...)
	args = append(args, c.endorserFlags(orgs)...)
	if _, err := admin.Run(ctx, args...); err != nil {
		return fmt.Errorf("SetupBlinding: %w", err)
	}
	p.note("%s: collection %s has its blinding secret", cc.Name, d.Name)
	return nil
}
