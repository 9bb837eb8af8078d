package parts_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

var t0 = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func admin(msp string) *memstub.Identity {
	return memstub.NewIdentity(msp, "admin", map[string]string{"hf.Type": "admin"})
}

func newHarness(t *testing.T) *cctest.Harness {
	p := memstub.NewPeer("care", memstub.WithMSP("ProviderMSP"))
	partstest.Install(p, partstest.Reference(), t0)
	return &cctest.Harness{T: t, Peer: p, Chaincode: wire.Chaincode,
		At: func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }}
}

func change(t *testing.T, c wire.Change) string {
	data, err := json.Marshal(c)
	require.NoError(t, err)
	return string(data)
}

func TestBootstrapWritesTheChannelsGenesisOnce(t *testing.T) {
	h := newHarness(t)
	var r wire.Registry
	h.Must(h.Query(admin("PayerMSP"), 1, wire.FnList), &r)
	var msps []string
	for _, o := range r.Orgs {
		msps = append(msps, o.MSPID)
	}
	require.Equal(t, []string{"PatientsMSP", "PayerMSP", "ProviderMSP", "RegulatorMSP"}, msps)
	var payer wire.Org
	h.Must(h.Query(admin("ProviderMSP"), 1, wire.FnGet, "PayerMSP"), &payer)
	require.True(t, payer.Allows(wire.PartPayer, wire.RoleAdjudicator))
	require.False(t, payer.Allows(wire.PartProvider, wire.RolePhysician))

	before := h.Peer.Snapshot()
	h.Refused(before, h.Submit(admin("ProviderMSP"), 2, "", nil, wire.FnBootstrap), "CONFLICT")
	h.Refused(before, h.Query(admin("ProviderMSP"), 2, wire.FnGet, "ManufacturerMSP"), "NOT_FOUND")
}

func TestAChangeNeedsAMajorityOfPeerOrgs(t *testing.T) {
	h := newHarness(t)
	payer2 := wire.Org{MSPID: "Payer2MSP", Name: "payer2", Parts: []string{wire.PartPayer}, Peer: true, Plans: []string{"bronze"}}
	var p wire.Proposal
	h.Must(h.Submit(admin("PayerMSP"), 1, "", nil, wire.FnPropose, change(t, wire.Change{Set: &payer2})), &p)
	require.Equal(t, wire.ProposalOpen, p.Status)
	require.Equal(t, 2, p.Needed, "3 peer orgs on care: a majority is 2")
	before := h.Peer.Snapshot()
	h.Refused(before, h.Query(admin("PayerMSP"), 2, wire.FnGet, "Payer2MSP"), "NOT_FOUND")
	h.Refused(before, h.Submit(admin("PayerMSP"), 2, "", nil, wire.FnApprove, p.ID), "CONFLICT")

	h.Must(h.Submit(admin("RegulatorMSP"), 3, "", nil, wire.FnApprove, p.ID), &p)
	require.Equal(t, wire.ProposalApplied, p.Status)
	require.Equal(t, []string{"PayerMSP", "RegulatorMSP"}, p.Approvals)
	var got wire.Org
	h.Must(h.Query(admin("ProviderMSP"), 4, wire.FnGet, "Payer2MSP"), &got)
	require.True(t, got.OwnsPlan("bronze"))

	before = h.Peer.Snapshot()
	h.Refused(before, h.Submit(admin("ProviderMSP"), 5, "", nil, wire.FnApprove, p.ID), "FAILED_PRECONDITION")
}

func TestOnlyAdminsOfPeerOrgsGovern(t *testing.T) {
	h := newHarness(t)
	rogue := wire.Org{MSPID: "ProviderMSP", Parts: []string{wire.PartProvider, wire.PartPayer}, Peer: true}
	ch := change(t, wire.Change{Set: &rogue})
	before := h.Peer.Snapshot()
	adjudicator := memstub.NewIdentity("PayerMSP", "adjudicator1", map[string]string{"role": "adjudicator"})
	h.Refused(before, h.Submit(adjudicator, 1, "", nil, wire.FnPropose, ch), "FORBIDDEN")
	h.Refused(before, h.Submit(admin("PatientsMSP"), 1, "", nil, wire.FnPropose, ch), "FORBIDDEN")
	h.Refused(before, h.Submit(admin("Payer9MSP"), 1, "", nil, wire.FnPropose, ch), "FORBIDDEN")
}

func TestBadChangesNameTheField(t *testing.T) {
	h := newHarness(t)
	cases := map[string]struct {
		change string
		prefix string
	}{
		"neither":            {`{}`, `field "change"`},
		"both":               {`{"set":{"mspId":"XMSP","parts":["payer"]},"remove":"PayerMSP"}`, `field "change"`},
		"unknown part":       {`{"set":{"mspId":"XMSP","parts":["payer","bank"]}}`, `field "change.set.parts[1]"`},
		"no parts":           {`{"set":{"mspId":"XMSP","parts":[]}}`, `field "change.set.parts"`},
		"plans of non-payer": {`{"set":{"mspId":"XMSP","parts":["provider"],"plans":["gold"]}}`, `field "change.set.plans"`},
		"bad prefix":         {`{"set":{"mspId":"XMSP","parts":["manufacturer"],"companyPrefixes":["06141","12"]}}`, `field "change.set.companyPrefixes[1]"`},
		"bad cert":           {`{"set":{"mspId":"XMSP","parts":["payer"],"rootCerts":["nope"]}}`, `field "change.set.rootCerts[0]"`},
		"bad msp":            {`{"set":{"mspId":"1x","parts":["payer"]}}`, `field "change.set.mspId"`},
		"unknown field":      {`{"set":{"mspId":"XMSP","parts":["payer"],"admin":true}}`, `INVALID_ARGUMENT`},
		"remove unknown":     {`{"remove":"NopeMSP"}`, `NOT_FOUND`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			before := h.Peer.Snapshot()
			h.Refused(before, h.Submit(admin("PayerMSP"), 1, "", nil, wire.FnPropose, c.change), c.prefix)
		})
	}
}

func TestRemovingAnOrg(t *testing.T) {
	h := newHarness(t)
	var p wire.Proposal
	h.Must(h.Submit(admin("ProviderMSP"), 1, "", nil, wire.FnPropose, change(t, wire.Change{Remove: "RegulatorMSP"})), &p)
	h.Must(h.Submit(admin("PayerMSP"), 2, "", nil, wire.FnApprove, p.ID), &p)
	require.Equal(t, wire.ProposalApplied, p.Status)
	before := h.Peer.Snapshot()
	h.Refused(before, h.Query(admin("ProviderMSP"), 3, wire.FnGet, "RegulatorMSP"), "NOT_FOUND")
}

func TestListBeforeBootstrapIsEmpty(t *testing.T) {
	p := memstub.NewPeer("care")
	h := &cctest.Harness{T: t, Peer: p, Chaincode: wire.Chaincode, At: func(int) time.Time { return t0 }}
	partstest.InstallOnly(p, partstest.Reference())
	res := h.Query(admin("PayerMSP"), 0, wire.FnList)
	require.True(t, res.OK(), res.Message)
	require.JSONEq(t, `{"orgs":[]}`, string(res.Payload))
}

// Every function name in package wire is a transaction of the contract,
// and every transaction has its name there: a rename breaks this test.
func TestWireNamesEveryTransaction(t *testing.T) {
	cctest.CheckFunctions(t, &parts.Contract{}, "wire")
}
