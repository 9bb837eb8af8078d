// Package epcismap turns a parsed EPCIS 2.0 document (standards/epcis)
// into the provenance transactions that carry its custody meaning, event
// by event, client side: the chaincode keeps its compact model, and what
// that model cannot take is reported, never dropped.
//
// Each event gets an EventPlan with one outcome:
//
//   - Apply: calls that reproduce it — commissioning (ilmd lot and
//     expiry; the lot registered first when the ledger lacks it), packing
//     and unpacking, shipping (the receiver found through the partner
//     registry's GLN from destinationList, a PGLN or an SGLN), receiving
//     (the shipment found through the event's desadv, else po,
//     bizTransaction), temperature readings (sensorElementList) on a
//     shipment in transit, dispensing, decommissioning and destroying.
//     Lost lists what the calls will not record (the event time, the
//     read point, other business transactions, extensions, ...).
//   - Capture: no custody meaning for carechain (inspecting, an
//     AggregationEvent OBSERVE, goods never commissioned in carechain,
//     another org's act, an event already on the ledger): the event is
//     captured as it is, and nothing is invented into custody.
//   - Unsupported: custody meaning the chaincode cannot take today (a
//     partial receipt, a transformation, an error declaration, class-level
//     quantities, ...): captured only, and its Gaps say why, precisely.
//
// The mapper acts for one org (WithSelf): no org acts for another, so an
// event whose parties or location name another org is that org's to
// record. It reads the ledger only through the Ledger interface, so a
// plan is reproducible from a document and a ledger's answers.
package epcismap
