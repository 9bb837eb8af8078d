package gs1_test

import (
	"fmt"
	"time"

	"github.com/carechain/carechain/client/standards/gs1"
)

// A pharmacist's scanner reads a GS1 DataMatrix: symbology identifier
// ]d2, FNC1 sent as GS after the variable-length lot.
func ExampleParseScan() {
	scan, err := gs1.ParseScan("]d2010950600013435217270228" + "10L1" + gs1.GS + "21S1")
	if err != nil {
		fmt.Println(err)
		return
	}
	pi, err := scan.ProductIdentifier(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(scan.Elements.HRI())
	fmt.Println(pi.GTIN, pi.Serial, pi.Lot, pi.Expiry)
	// Output:
	// (01)09506000134352(17)270228(10)L1(21)S1
	// 09506000134352 S1 L1 2027-02-28
}

// The same unit as a URN and as a Digital Link: the URN's company prefix
// length comes from the prefixes a registry lists, never from a guess.
func ExampleEPCURI() {
	k, _ := gs1.ParseURI("https://id.gs1.org/01/09506000134352/21/S1")
	prefixes, _ := gs1.TableFromPrefixes("950600013")
	urn, _ := gs1.EPCURI(k, prefixes)
	fmt.Println(urn)
	back, _ := gs1.ParseURI(urn)
	fmt.Println(back == k)
	_, err := gs1.EPCURI(k, nil)
	fmt.Println(err)
	// Output:
	// urn:epc:id:sgtin:950600013.0435.S1
	// true
	// 950600013435: GS1 company prefix length unknown
}

func ExampleDigitalLinkURI() {
	k := gs1.Key{Kind: gs1.SGTIN, Value: "09506000134352", Serial: "S1", Lot: "L1"}
	uri, _ := gs1.DigitalLinkURI(k, "", gs1.Element{AI: "17", Value: "270228"})
	fmt.Println(uri)
	// Output:
	// https://id.gs1.org/01/09506000134352/10/L1/21/S1?17=270228
}
