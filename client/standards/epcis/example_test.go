package epcis_test

import (
	"fmt"

	"github.com/carechain/carechain/client/standards/epcis"
)

// A receiving event as a partner's system sends it: the business step as
// a URN, the unit as a Digital Link, a vendor extension.
func ExampleParse() {
	doc, err := epcis.Parse([]byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"http://ns.example.com/epcis/"}],
"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[
{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-02T03:04:05Z","eventTimeZoneOffset":"+00:00",
 "bizStep":"urn:epcglobal:cbv:bizstep:receiving","epcList":["https://id.gs1.org/01/10614141073464/21/2018"],
 "bizTransactionList":[{"type":"https://ref.gs1.org/cbv/BTT-desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:1152"}],
 "example:myField":"kept"}]}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	e := doc.Events[0]
	fmt.Println(e.BizStep.Term, e.BizTransactions[0].Type.Term, e.EPCList[0].Key.Value, e.EPCList[0].Key.Serial)
	fmt.Println(doc.ExtensionPaths())
	out, _ := epcis.Write(doc)
	fmt.Println(string(out))
	// Output:
	// receiving desadv 10614141073464 2018
	// [epcisBody.eventList[0].example:myField]
	// {"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"http://ns.example.com/epcis/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-02T03:04:05Z","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-02T03:04:05Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/10614141073464/21/2018"],"action":"OBSERVE","bizStep":"receiving","bizTransactionList":[{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:1152"}],"example:myField":"kept"}]}}
}
