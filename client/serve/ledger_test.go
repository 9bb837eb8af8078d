package serve

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts/partstest"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	ccprov "github.com/carechain/carechain/chaincode/provenance"
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// ledgerProvenance is the server's Provenance on a memstub peer running
// the real provenance chaincode and parts registry, as one identity: plans
// read the chaincode's items and shipments, custody calls (but Ship) and
// captures are the chaincode's transactions and queries its ListCaptured,
// so what a test reads back is what the chaincode took. It exports no
// trace: custody events' export is the provenance client's, tested there
// and e2e.
type ledgerProvenance struct {
	t      testing.TB
	peer   *memstub.Peer
	as     *memstub.Identity
	dir    epcismap.Directory
	minute *int // shared by the identities on one peer (acting)
}

// ledgerStart is the first transaction's time: after every GS1 example.
var ledgerStart = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

const distMSP = "DistributorMSP"

var registrar = memstub.NewIdentity("RegulatorMSP", "registrar1", map[string]string{"role": "registrar"})

// newLedger installs the chaincodes, registers the manufacturer and the
// distributor as licensed partners and acts as as.
func newLedger(t testing.TB, as *memstub.Identity, dir epcismap.Directory) *ledgerProvenance {
	return newLedgerWith(t, as, dir, partstest.Reference())
}

// withPrefix is the reference genesis in which the manufacturer also
// holds a company prefix (GS1's sensor examples name 4012345).
func withPrefix(prefix string) parts.Genesis {
	g := partstest.Reference()
	for _, o := range g.Channels["supply"].Orgs {
		if o.MSPID == mfr {
			o.CompanyPrefixes = append(slices.Clone(o.CompanyPrefixes), prefix)
			return partstest.With(g, "supply", o)
		}
	}
	panic("no manufacturer in the reference genesis")
}

// newLedgerWith is newLedger on a parts genesis.
func newLedgerWith(t testing.TB, as *memstub.Identity, dir epcismap.Directory, genesis parts.Genesis) *ledgerProvenance {
	cc, err := contractapi.NewChaincode(&ccprov.Contract{})
	require.NoError(t, err)
	p := memstub.NewPeer("supply", memstub.WithMSP(mfr))
	partstest.Install(p, genesis, ledgerStart.Add(-time.Hour))
	commissioning := memstub.Collection{Name: ccprov.CommissionCollection(mfr), Members: []string{mfr}, MemberOnlyRead: true,
		MemberOnlyWrite: true, EndorsementPolicy: "AND('ManufacturerMSP.peer')"}
	p.Install(pv.Chaincode, cc, memstub.WithEndorsement("OutOf(1, 'ManufacturerMSP.peer', 'DistributorMSP.peer')"),
		memstub.WithCollections(commissioning))
	l := &ledgerProvenance{t: t, peer: p, as: as, dir: dir, minute: new(int)}
	admin := memstub.NewIdentity(mfr, "admin", map[string]string{"hf.Type": "admin"})
	secret := sha256.Sum256([]byte("serve tests: blinding secret"))
	_, err = resultOf(p.Invoke(pv.Chaincode, admin, ledgerStart, map[string][]byte{blind.TransientSecret: secret[:]}, "SetupBlinding", commissioning.Name))
	require.NoError(t, err)
	for i, msp := range []string{mfr, distMSP} {
		partner := pv.Partner{MSPID: msp, Name: msp, License: fmt.Sprintf("LIC-%d", i), GLN: mfrGLN, ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}
		_, err := l.submit(registrar, pv.FnRegisterPartner, jsonString(partner))
		require.NoError(t, err)
	}
	return l
}

// acting is the same ledger as another identity.
func (l *ledgerProvenance) acting(id *memstub.Identity) *ledgerProvenance {
	other := *l
	other.as = id
	return &other
}

var quality = memstub.NewIdentity(mfr, "quality1", map[string]string{"role": "quality"})

// commission registers a product and a lot of the manufacturer's and
// commissions units of it, as the manufacturer's quality staff.
func (l *ledgerProvenance) commission(gtin string, serials ...string) {
	product := pv.Product{GTIN: gtin, Name: "Amoxicillin", Strength: "500 mg", DosageForm: "capsule", NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250}
	for _, c := range [][]string{{pv.FnRegisterProduct, jsonString(product)}, {pv.FnCreateBatch, gtin, "L1", "2030-12-31"},
		{pv.FnCommission, gtin, "L1", jsonString(serials)}} {
		_, err := l.submit(quality, c[0], c[1:]...)
		require.NoError(l.t, err, "%s %s", c[0], gtin)
	}
}

// readings are the temperatures (tenths of °C) of an item's trace.
func (l *ledgerProvenance) readings(id string) []int {
	payload, err := l.query(pv.FnTrace, id, "", "100", "")
	require.NoError(l.t, err, id)
	var page pv.EventPage
	require.NoError(l.t, json.Unmarshal(payload, &page))
	var out []int
	for _, e := range page.Items {
		if e.Sensor != nil {
			out = append(out, e.Sensor.TenthC)
		}
	}
	return out
}

// item reads an item as the chaincode holds it.
func (l *ledgerProvenance) item(id string) pv.Item {
	payload, err := l.query(pv.FnGetItem, id)
	require.NoError(l.t, err, id)
	var it pv.Item
	require.NoError(l.t, json.Unmarshal(payload, &it))
	return it
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }

// submit invokes fn as id at the next minute; a refusal is a client error
// of the chaincode's code, as the gateway reports it.
func (l *ledgerProvenance) submit(id *memstub.Identity, fn string, args ...string) ([]byte, error) {
	*l.minute++
	return resultOf(l.peer.Invoke(pv.Chaincode, id, ledgerStart.Add(time.Duration(*l.minute)*time.Minute), nil, fn, args...))
}

func (l *ledgerProvenance) query(fn string, args ...string) ([]byte, error) {
	return resultOf(l.peer.Query(pv.Chaincode, l.as, ledgerStart.Add(time.Duration(*l.minute)*time.Minute), fn, args...))
}

func resultOf(res memstub.Result) ([]byte, error) {
	if err := res.Err(); err != nil {
		code, _, _ := strings.Cut(res.Message, ":")
		return nil, &client.Error{Code: client.Code(code), Message: res.Message, TxID: res.TxID}
	}
	return res.Payload, nil
}

func (l *ledgerProvenance) PlanEPCIS(ctx context.Context, data []byte) (*epcis.Document, *epcismap.Plan, error) {
	doc, err := epcis.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	plan, err := epcismap.Map(ctx, doc, epcismap.WithSelf(l.as.MSPID), epcismap.WithParties(l.dir), epcismap.WithLedger(l))
	return doc, plan, err
}

// ApplyEvent makes an applied event's calls on the chaincode, as the
// provenance client does, but for Ship (its DSCSA documents and the two
// partners' collection are the e2e tests').
func (l *ledgerProvenance) ApplyEvent(_ context.Context, ep epcismap.EventPlan, _ any) (int, error) {
	for i, c := range ep.Calls {
		var args []string
		switch c.Fn {
		case pv.FnPack:
			args = []string{jsonString(pv.PackInput{SSCC: c.ID, Kind: c.Kind, Children: c.Children})}
		case pv.FnUnpack, pv.FnReceive, pv.FnDispense:
			args = []string{c.ID}
		case pv.FnAddReading, pv.FnReportReading:
			args = []string{c.ID, c.Device, strconv.Itoa(c.TenthC)}
		case pv.FnDecommission, pv.FnDestroy:
			args = []string{c.ID, c.Reason}
		default:
			return i, fmt.Errorf("ledgerProvenance does not make %s calls", c.Fn)
		}
		if _, err := l.submit(l.as, c.Fn, args...); err != nil {
			return i, err
		}
	}
	return len(ep.Calls), nil
}

func (l *ledgerProvenance) ExportDocument(context.Context, string) (*epcis.Document, error) {
	return nil, errNotFound
}

func (l *ledgerProvenance) Verify(context.Context, string, string, string, string) (*pv.Verification, error) {
	return nil, errors.New("ledgerProvenance verifies nothing")
}

// CaptureEvents submits Capture as provenance.Client does: commitments
// with fresh salts, one transaction per pv.MaxCapture events.
func (l *ledgerProvenance) CaptureEvents(ctx context.Context, events []*epcis.Event, anchors []epcismap.Anchor) ([]provenance.Anchored, error) {
	out := []provenance.Anchored{}
	for start := 0; start < len(events); start += pv.MaxCapture {
		end := min(start+pv.MaxCapture, len(events))
		inputs, salts := []pv.CaptureInput{}, []string{}
		for i := start; i < end; i++ {
			sum, salt, err := provenance.Commitment(events[i])
			if err != nil {
				return out, err
			}
			in := anchors[i].Input
			in.Commitment = sum
			inputs, salts = append(inputs, in), append(salts, salt)
		}
		payload, err := l.submit(l.as, pv.FnCapture, jsonString(inputs))
		if err != nil {
			return out, err
		}
		var rc pv.CaptureReceipt
		require.NoError(l.t, json.Unmarshal(payload, &rc))
		for i, r := range rc.Results {
			a := provenance.Anchored{ID: r.ID, Duplicate: r.Duplicate, Declared: r.Declared}
			if !r.Duplicate {
				a.Commitment, a.Salt = inputs[i].Commitment, salts[i]
			}
			out = append(out, a)
		}
	}
	return out, nil
}

func (l *ledgerProvenance) ListCaptured(ctx context.Context, object string, p client.Page) (*pv.CapturedPage, error) {
	payload, err := l.query(pv.FnListCaptured, p.Args(object)...)
	if err != nil {
		return nil, err
	}
	var page pv.CapturedPage
	return &page, json.Unmarshal(payload, &page)
}

// Item and Shipment answer the plan from the chaincode, as the provenance
// client's ledger does.
func (l *ledgerProvenance) Item(ctx context.Context, id string) (epcismap.Item, bool, error) {
	payload, err := l.query(pv.FnGetItem, id)
	if errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrInvalidArgument) {
		return epcismap.Item{}, false, nil
	}
	if err != nil {
		return epcismap.Item{}, false, err
	}
	var it pv.Item
	if err := json.Unmarshal(payload, &it); err != nil {
		return epcismap.Item{}, false, err
	}
	return epcismap.ItemOf(it), true, nil
}

func (l *ledgerProvenance) Shipment(ctx context.Context, id string) (epcismap.Shipment, bool, error) {
	payload, err := l.query(pv.FnGetShipment, id)
	if errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrInvalidArgument) {
		return epcismap.Shipment{}, false, nil
	}
	if err != nil {
		return epcismap.Shipment{}, false, err
	}
	var sh pv.Shipment
	if err := json.Unmarshal(payload, &sh); err != nil {
		return epcismap.Shipment{}, false, err
	}
	return epcismap.Shipment{From: sh.From, To: sh.To, Items: sh.Items, Received: sh.Status == "received"}, true, nil
}

func (l *ledgerProvenance) LotExpiry(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}
