package provenance

import (
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/cctest"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

const (
	gtin   = "10614141123459"
	lot    = "LOT-A1"
	exp    = "2028-12-31"
	case1  = "106141411234567897"
	case2  = "106141411234567903"
	pallet = "106141411234567910"
)

var (
	quality     = memstub.NewIdentity("ManufacturerMSP", "quality1", map[string]string{"role": "quality"})
	mfgLogistic = memstub.NewIdentity("ManufacturerMSP", "logistics1", map[string]string{"role": "logistics"})
	distributor = memstub.NewIdentity("DistributorMSP", "logistics1", map[string]string{"role": "logistics"})
	pharmacist  = memstub.NewIdentity("ProviderMSP", "pharmacist1", map[string]string{"role": "pharmacist"})
	registrar   = memstub.NewIdentity("RegulatorMSP", "registrar1", map[string]string{"role": "registrar"})
	auditor     = memstub.NewIdentity("RegulatorMSP", "auditor1", map[string]string{"role": "auditor"})
	rogue       = memstub.NewIdentity("RogueMSP", "logistics1", map[string]string{"role": "logistics"})
	physician   = memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": "physician"})
)

var start = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

type env struct{ *cctest.Harness }

// newEnv registers the three partners, a product and a lot.
func newEnv(t *testing.T) *env {
	t.Helper()
	cc, err := contractapi.NewChaincode(&Contract{})
	require.NoError(t, err)
	p := memstub.NewPeer("supply", memstub.WithMSP("ManufacturerMSP"))
	var colls []memstub.Collection
	for _, pair := range [][2]string{{"ManufacturerMSP", "DistributorMSP"}, {"DistributorMSP", "ProviderMSP"}, {"ManufacturerMSP", "ProviderMSP"}} {
		colls = append(colls, memstub.Collection{Name: DSCSACollection(pair[0], pair[1]), Members: pair[:]})
	}
	p.Install("provenance", cc, memstub.WithCollections(colls...))
	e := &env{&cctest.Harness{T: t, Peer: p, Chaincode: "provenance", At: at}}
	for i, msp := range []string{"ManufacturerMSP", "DistributorMSP", "ProviderMSP"} {
		e.Must(e.Submit(registrar, 0, "", nil, "RegisterPartner", string(cctest.JSON(Partner{MSPID: msp, Name: msp, License: fmt.Sprintf("LIC-%d", i),
			GLN: "0614141000012", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}))), nil)
	}
	e.Must(e.Submit(quality, 0, "", nil, "RegisterProduct", string(cctest.JSON(Product{GTIN: gtin, Name: "Amoxicillin", Strength: "500 mg",
		DosageForm: "capsule", NDC: "0093-3109", MinTenthC: 20, MaxTenthC: 250}))), nil)
	e.Must(e.Submit(quality, 0, "", nil, "CreateBatch", gtin, lot, exp), nil)
	return e
}

func serials(from, n int) string {
	var s []string
	for i := from; i < from+n; i++ {
		s = append(s, fmt.Sprintf("SN%05d", i))
	}
	return string(cctest.JSON(s))
}

func unit(i int) string { return SGTIN(gtin, fmt.Sprintf("SN%05d", i)) }

func units(from, n int) []string {
	var out []string
	for i := from; i < from+n; i++ {
		out = append(out, unit(i))
	}
	return out
}

func (e *env) ship(id *memstub.Identity, minute int, shipment, to string, items ...string) memstub.Result {
	return e.Submit(id, minute, TransientDSCSA, map[string]string{"transactionInformation": "invoice 42", "statement": "DSCSA TS"},
		"Ship", string(cctest.JSON(ShipInput{ID: shipment, To: to, Items: items})))
}

func (e *env) item(id string) Item {
	var it Item
	e.Must(e.Query(auditor, 999, "GetItem", id), &it)
	return it
}
