package epcismap

import (
	"fmt"
	"strings"

	"github.com/carechain/carechain/client/standards/epcis"
)

// lost lists what of an applied event no call records.
func lost(e *epcis.Event) []Gap {
	gaps := []Gap{{GapEventTime, "eventTime " + e.EventTime + " (" + e.EventTimeZoneOffset + ")"}}
	if e.EventID != "" {
		gaps = append(gaps, Gap{GapEventID, e.EventID})
	}
	if e.ReadPoint != nil {
		gaps = append(gaps, Gap{GapReadPoint, e.ReadPoint.ID.URI})
	}
	if e.BizLocation != nil {
		gaps = append(gaps, Gap{GapBizLocation, e.BizLocation.ID.URI})
	}
	if bt := otherTransactions(e); bt != "" {
		gaps = append(gaps, Gap{GapBizTransactions, bt})
	}
	if len(e.Sources)+len(e.Destinations) > 0 {
		gaps = append(gaps, Gap{GapPartyDetail, fmt.Sprintf("%d sources, %d destinations", len(e.Sources), len(e.Destinations))})
	}
	if e.PersistentDisposition != nil {
		gaps = append(gaps, Gap{GapPersistentDisp, "persistentDisposition"})
	}
	if e.CertificationInfo != nil {
		gaps = append(gaps, Gap{GapCertification, string(e.CertificationInfo)})
	}
	if x := e.ExtensionPaths(""); len(x) > 0 {
		gaps = append(gaps, Gap{GapExtensions, strings.Join(x, ", ")})
	}
	if e.ILMD != nil && (len(e.ILMD.Other) > 0 || e.ILMD.BestBeforeDate != "" || e.ILMD.SellByDate != "") {
		gaps = append(gaps, Gap{GapILMD, strings.Join(ilmdNames(e.ILMD), ", ")})
	}
	return gaps
}

// otherTransactions names the business transactions the shipment's does
// not stand for.
func otherTransactions(e *epcis.Event) string {
	_, used := shipmentRef(e.BizTransactions)
	if !e.BizStep.Is("shipping") && !e.BizStep.Is("receiving") && len(e.SensorElements) == 0 {
		used = -1
	}
	var names []string
	for i, bt := range e.BizTransactions {
		if i != used {
			names = append(names, bt.Type.String()+" "+bt.ID)
		}
	}
	return strings.Join(names, ", ")
}

func ilmdNames(m *epcis.ILMD) []string {
	var out []string
	if m.BestBeforeDate != "" {
		out = append(out, "cbvmda:bestBeforeDate")
	}
	if m.SellByDate != "" {
		out = append(out, "cbvmda:sellByDate")
	}
	for k := range m.Other {
		out = append(out, k)
	}
	return sortStrings(out)
}
