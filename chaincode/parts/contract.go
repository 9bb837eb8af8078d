package parts

import (
	_ "embed"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// DefaultGenesis is the registry of the reference consortium
// (network/topology.yaml) without CA certificates; carenet replaces the
// file in the package it deploys with one generated from the topology.
//
//go:embed genesis.json
var DefaultGenesis []byte

// Object types, all public.
const (
	objOrg      = "partsOrg"
	objProposal = "partsProposal"
	objMeta     = "partsMeta"
)

// EventName is the chaincode event of every change.
const EventName = "parts"

// Contract is the parts registry chaincode.
type Contract struct {
	contractapi.Contract
	// Genesis is the registry Bootstrap writes; DefaultGenesis when nil.
	Genesis []byte
	// Clock is the endorsing peer's clock (time.Now in the chaincode's
	// main); transactions stamped too far from it are refused. Nil checks
	// nothing (unit tests on a test calendar).
	Clock func() time.Time
}

func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*txn.Tx, error) {
	return txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
}

// genesis is the packaged registry of the channel.
func (c *Contract) genesis(channel string) (wire.Registry, error) {
	data := c.Genesis
	if data == nil {
		data = DefaultGenesis
	}
	var g wire.Genesis
	if err := validate.DecodeJSON("genesis", data, &g, 1<<22); err != nil {
		return wire.Registry{}, ccerr.Internal("the packaged genesis registry is malformed: %v", err)
	}
	r, ok := g.Channels[channel]
	if !ok {
		return r, ccerr.Precondition("the packaged genesis has no registry for channel %s", channel)
	}
	slices.SortFunc(r.Orgs, func(a, b wire.Org) int { return strings.Compare(a.MSPID, b.MSPID) })
	for i := range r.Orgs {
		if err := normalise(&r.Orgs[i]); err != nil {
			return r, ccerr.Internal("the packaged genesis registry: orgs[%d]: %v", i, err)
		}
	}
	return r, nil
}

// Bootstrap writes the packaged genesis registry, once.
func (c *Contract) Bootstrap(ctx contractapi.TransactionContextInterface) (*wire.Registry, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	done, err := state.Exists(t.Stub, metaKey())
	if err != nil {
		return nil, err
	}
	if done {
		return nil, ccerr.Conflict("the registry is already bootstrapped")
	}
	r, err := c.genesis(t.Stub.GetChannelID())
	if err != nil {
		return nil, err
	}
	for _, o := range r.Orgs {
		o.Updated = t.Stamp()
		if err := putOrg(t, o); err != nil {
			return nil, err
		}
	}
	if err := state.Put(t.Stub, metaKey(), map[string]string{"bootstrapped": t.Stamp(), "txId": t.ID()}); err != nil {
		return nil, err
	}
	t.Events.Add("registry.bootstrapped", "genesis", map[string]string{"orgs": itoa(len(r.Orgs))})
	return &r, t.Emit(EventName)
}

// Get reads one org's entry.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, mspID string) (*wire.Org, error) {
	if err := validate.Identifier("mspId", mspID); err != nil {
		return nil, err
	}
	k, err := state.Key(objOrg, mspID)
	if err != nil {
		return nil, err
	}
	o, found, err := state.GetOptional[wire.Org](ctx.GetStub(), k)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("%s plays no part in the consortium registry", mspID)
	}
	return &o, nil
}

// List reads every org's entry, sorted by MSP id.
func (c *Contract) List(ctx contractapi.TransactionContextInterface) (*wire.Registry, error) {
	orgs, err := listOrgs(ctx.GetStub())
	if err != nil {
		return nil, err
	}
	return &wire.Registry{Orgs: orgs}, nil
}

// Proposal reads a proposal.
func (c *Contract) Proposal(ctx contractapi.TransactionContextInterface, id string) (*wire.Proposal, error) {
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	p, err := getProposal(ctx.GetStub(), id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Propose opens a change (a JSON wire.Change), by an admin of an org that
// runs peers; the proposer's approval is the first. It applies at once when
// that is already a majority.
func (c *Contract) Propose(ctx contractapi.TransactionContextInterface, change string) (*wire.Proposal, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := requireGovernor(t)
	if err != nil {
		return nil, err
	}
	var ch wire.Change
	if err := validate.DecodeJSON("change", []byte(change), &ch, 1<<18); err != nil {
		return nil, err
	}
	if err := validateChange(&ch, orgs); err != nil {
		return nil, err
	}
	p := wire.Proposal{ID: t.ID(), Change: ch, Proposer: t.Caller.MSPID, Approvals: []string{t.Caller.MSPID},
		Needed: peerOrgs(orgs)/2 + 1, Status: wire.ProposalOpen, Created: t.Stamp()}
	t.Events.Add("proposal.opened", p.ID, map[string]string{"by": p.Proposer})
	return c.settle(t, p)
}

// Approve adds the caller's org's approval to an open proposal, by an admin
// of an org that runs peers; the change applies with the approval that
// makes a majority.
func (c *Contract) Approve(ctx contractapi.TransactionContextInterface, id string) (*wire.Proposal, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.Identifier("id", id); err != nil {
		return nil, err
	}
	if _, err := requireGovernor(t); err != nil {
		return nil, err
	}
	p, err := getProposal(t.Stub, id)
	if err != nil {
		return nil, err
	}
	if p.Status != wire.ProposalOpen {
		return nil, ccerr.Precondition("proposal %s is %s", id, p.Status)
	}
	if slices.Contains(p.Approvals, t.Caller.MSPID) {
		return nil, ccerr.Conflict("%s has already approved proposal %s", t.Caller.MSPID, id)
	}
	p.Approvals = append(p.Approvals, t.Caller.MSPID)
	slices.Sort(p.Approvals)
	t.Events.Add("proposal.approved", p.ID, map[string]string{"by": t.Caller.MSPID})
	return c.settle(t, p)
}

// settle applies p when it has enough approvals, and saves it.
func (c *Contract) settle(t *txn.Tx, p wire.Proposal) (*wire.Proposal, error) {
	if len(p.Approvals) >= p.Needed {
		if err := apply(t, p.Change); err != nil {
			return nil, err
		}
		p.Status, p.Applied = wire.ProposalApplied, t.Stamp()
		t.Events.Add("proposal.applied", p.ID, nil)
	}
	k, err := state.Key(objProposal, p.ID)
	if err != nil {
		return nil, err
	}
	if err := state.Put(t.Stub, k, p); err != nil {
		return nil, err
	}
	return &p, t.Emit(EventName)
}

func apply(t *txn.Tx, ch wire.Change) error {
	if ch.Remove != "" {
		k, err := state.Key(objOrg, ch.Remove)
		if err != nil {
			return err
		}
		return state.Delete(t.Stub, k)
	}
	o := *ch.Set
	o.Updated = t.Stamp()
	return putOrg(t, o)
}

// requireGovernor lets an admin of an org that runs peers act, and returns
// the registry.
func requireGovernor(t *txn.Tx) ([]wire.Org, error) {
	if t.Caller.Type != caller.TypeAdmin {
		return nil, ccerr.Forbidden("only an org admin proposes or approves registry changes (caller %s is %q)", t.Caller.Key(), t.Caller.Type)
	}
	orgs, err := listOrgs(t.Stub)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(orgs, func(o wire.Org) bool { return o.MSPID == t.Caller.MSPID })
	if i < 0 || !orgs[i].Peer {
		return nil, ccerr.Forbidden("%s runs no peer in the registry: it does not govern it", t.Caller.MSPID)
	}
	return orgs, nil
}

func peerOrgs(orgs []wire.Org) int {
	n := 0
	for _, o := range orgs {
		if o.Peer {
			n++
		}
	}
	return n
}

func validateChange(ch *wire.Change, orgs []wire.Org) error {
	switch {
	case (ch.Set == nil) == (ch.Remove == ""):
		return ccerr.Invalid("change", "must either set an org or remove one")
	case ch.Remove != "":
		if !slices.ContainsFunc(orgs, func(o wire.Org) bool { return o.MSPID == ch.Remove }) {
			return ccerr.NotFound("%s plays no part in the consortium registry", ch.Remove)
		}
		return nil
	}
	return prefixed("change.set", normalise(ch.Set))
}

func putOrg(t *txn.Tx, o wire.Org) error {
	k, err := state.Key(objOrg, o.MSPID)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, k, o)
}

// listOrgs reads every entry (the registry is small: one key per org).
func listOrgs(stub shim.ChaincodeStubInterface) ([]wire.Org, error) {
	it, err := stub.GetStateByPartialCompositeKey(objOrg, nil)
	if err != nil {
		return nil, ccerr.Internal("list registry: %v", err)
	}
	defer it.Close()
	orgs := []wire.Org{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, ccerr.Internal("list registry: %v", err)
		}
		var o wire.Org
		if err := json.Unmarshal(kv.Value, &o); err != nil {
			return nil, ccerr.Internal("registry entry %s: %v", state.DisplayKey(kv.Key), err)
		}
		orgs = append(orgs, o)
	}
	return orgs, nil
}

func getProposal(stub shim.ChaincodeStubInterface, id string) (wire.Proposal, error) {
	k, err := state.Key(objProposal, id)
	if err != nil {
		return wire.Proposal{}, err
	}
	p, found, err := state.GetOptional[wire.Proposal](stub, k)
	if err == nil && !found {
		err = ccerr.NotFound("proposal %s", id)
	}
	return p, err
}

func metaKey() string { k, _ := state.Key(objMeta, "genesis"); return k }

func itoa(n int) string { return strconv.Itoa(n) }

// prefixed puts path in front of an INVALID_ARGUMENT's field.
func prefixed(path string, err error) error {
	var e *ccerr.Error
	if errors.As(err, &e) && e.Code == ccerr.CodeInvalidArgument && !strings.HasPrefix(e.Field, path) {
		return ccerr.Invalid(path+"."+e.Field, "%s", e.Message)
	}
	return err
}
