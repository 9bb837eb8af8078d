// Package wire holds what the provenance chaincode and its clients
// exchange: the chaincode's name and transaction function names, the
// inputs (partners, products, packing and shipping), the answers (items,
// shipments, EPCIS 2.0 events, verifications, recall reports, signals)
// and their GS1 CBV and DSCSA codes, the GS1 identifiers' checks and EPC
// URIs, and the commitment to a shipment's DSCSA documents. It imports
// only the standard library and the chaincode kit's stdlib-only leaves
// (kit/ccerr for the identifiers' errors, kit/commit), so the client
// library shares it without importing the chaincode shim or contract API.
package wire

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/carechain/carechain/chaincode/kit/commit"
)

// Chaincode is the provenance chaincode's name, as deployed on supply.
const Chaincode = "provenance"

// Function names of the provenance chaincode's transactions.
const (
	FnRegisterPartner  = "RegisterPartner"
	FnGetPartner       = "GetPartner"
	FnRegisterProduct  = "RegisterProduct"
	FnCreateBatch      = "CreateBatch"
	FnCommission       = "Commission"
	FnAnchorUnits      = "AnchorUnits"
	FnPack             = "Pack"
	FnUnpack           = "Unpack"
	FnShip             = "Ship"
	FnReceive          = "Receive"
	FnAddReading       = "AddReading"
	FnReportReading    = "ReportReading"
	FnVerify           = "Verify"
	FnDispense         = "Dispense"
	FnDecommission     = "Decommission"
	FnDestroy          = "Destroy"
	FnSuspect          = "Suspect"
	FnClear            = "Clear"
	FnMarkIllegitimate = "MarkIllegitimate"
	FnRecallLot        = "RecallLot"
	FnRecallReport     = "RecallReport"
	FnGetItem          = "GetItem"
	FnGetShipment      = "GetShipment"
	FnGetDSCSA         = "GetDSCSA"
	FnTrace            = "Trace"
	FnListSignals      = "ListSignals"
	FnSetupBlinding    = "SetupBlinding"
	FnBlindingReady    = "BlindingReady"
)

// TransientDSCSA is the transient key of Ship's DSCSA documents, which
// must never reach a block.
const TransientDSCSA = "dscsa"

// MaxCommission is how many serials one transaction commissions; the
// client splits larger batches.
const MaxCommission = 500

// Dispositions (GS1 CBV) a unit or container can be in.
const (
	DispActive       = "active"
	DispInTransit    = "in_transit"
	DispSellable     = "sellable_accessible"
	DispDispensed    = "dispensed"
	DispRecalled     = "recalled"
	DispQuarantined  = "non_sellable_other"
	DispDestroyed    = "destroyed"
	DispInactive     = "inactive"
	DispIllegitimate = "stolen" // CBV has no "illegitimate"; DSCSA illegitimate product is not to be sold
)

// Business steps (GS1 CBV).
const (
	StepCommissioning   = "commissioning"
	StepPacking         = "packing"
	StepUnpacking       = "unpacking"
	StepShipping        = "shipping"
	StepReceiving       = "receiving"
	StepDispensing      = "dispensing"
	StepDecommissioning = "decommissioning"
	StepDestroying      = "destroying"
	StepHolding         = "holding"
	StepRecalling       = "recalling"
	StepInspecting      = "inspecting"
	StepSensorReporting = "sensor_reporting"
)

// Verification results.
const (
	Verified         = "VERIFIED"
	UnknownSerial    = "UNKNOWN_SERIAL"
	LotMismatch      = "LOT_MISMATCH"
	ExpiryMismatch   = "EXPIRY_MISMATCH"
	Recalled         = "RECALLED"
	Expired          = "EXPIRED"
	AlreadyDispensed = "ALREADY_DISPENSED"
	Decommissioned   = "DECOMMISSIONED"
	Suspect          = "SUSPECT"
)

// Suspect product states (DSCSA).
const (
	SuspectNone         = ""
	SuspectQuarantine   = "quarantine"
	SuspectCleared      = "cleared"
	SuspectIllegitimate = "illegitimate"
)

// Counterfeit signal codes.
const (
	SignalDoubleCommission = "SERIAL_COMMISSIONED_TWICE"
	SignalNotHolder        = "SHIPPED_BY_NON_HOLDER"
	SignalScanAfterEnd     = "SCAN_AFTER_DISPENSE_OR_DESTRUCTION"
	// SignalNotCommissioned: a unit record exists that its manufacturer
	// did not commission (no commissioning anchor, anchor.go) — forged by
	// two colluding orgs, or commissioned before anchors existed and not
	// yet anchored (AnchorUnits). It is treated as unknown.
	SignalNotCommissioned = "SERIAL_NOT_COMMISSIONED"
)

// Orders of a listing.
const (
	OldestFirst = "oldest"
	NewestFirst = "newest"
)

// Partner is an authorized trading partner in the regulator's registry.
type Partner struct {
	MSPID     string `json:"mspId"`
	Name      string `json:"name"`
	License   string `json:"license"`
	GLN       string `json:"gln"`
	ValidFrom string `json:"validFrom"`
	ValidTo   string `json:"validTo"`
	Status    string `json:"status"`
	// Updated is the stamp of the entry's latest change.
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Product is a registered drug product.
type Product struct {
	GTIN         string `json:"gtin"`
	Name         string `json:"name"`
	Strength     string `json:"strength"`
	DosageForm   string `json:"dosageForm"`
	NDC          string `json:"ndc"`
	Manufacturer string `json:"manufacturer"`
	// Storage range in tenths of a degree Celsius.
	MinTenthC int `json:"minTemp"`
	MaxTenthC int `json:"maxTemp"`
	// Updated is the stamp of the product's latest change.
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Batch is a lot of a product.
type Batch struct {
	GTIN         string `json:"gtin"`
	Lot          string `json:"lot"`
	Expiry       string `json:"expiry"`
	Manufacturer string `json:"manufacturer"`
	// Recalled and RecallReason are how lots recalled before the recall
	// got its own record (Recall) were marked; they are still honoured.
	Recalled     string `json:"recalled,omitempty" metadata:",optional"`
	RecallReason string `json:"recallReason,omitempty" metadata:",optional"`
	// Updated is the stamp of the lot's latest change.
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Recall is a lot's recall, kept under its own key: the batch belongs to
// its manufacturer, the recall to nobody alone (see the package doc).
type Recall struct {
	GTIN string `json:"gtin"`
	Lot  string `json:"lot"`
	// By is the org that recalled (the manufacturer or the regulator).
	By     string `json:"by"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

// PackInput is Pack's argument.
type PackInput struct {
	SSCC     string   `json:"sscc"`
	Kind     string   `json:"kind"` // case (of units) or pallet (of cases)
	Children []string `json:"children"`
}

// ShipInput is Ship's argument.
type ShipInput struct {
	ID    string   `json:"id"`
	To    string   `json:"to"`
	Items []string `json:"items"`
}

// Receipt is what a submitted transaction returns.
type Receipt struct {
	ID      string   `json:"id"`
	Status  string   `json:"status"`
	Count   int      `json:"count,omitempty" metadata:",optional"`
	Signals []Signal `json:"signals,omitempty" metadata:",optional"`
	TxID    string   `json:"txId"`
}

// Item is a serialized unit (SGTIN) or a container (SSCC). Ownership and
// custody live on the outermost container only: a unit in a case on a
// pallet is where the pallet is, so shipping a pallet writes one key.
type Item struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"` // unit, case, pallet
	GTIN        string `json:"gtin,omitempty" metadata:",optional"`
	Serial      string `json:"serial,omitempty" metadata:",optional"`
	Lot         string `json:"lot,omitempty" metadata:",optional"`
	Expiry      string `json:"expiry,omitempty" metadata:",optional"`
	Parent      string `json:"parent,omitempty" metadata:",optional"`
	Owner       string `json:"owner"`
	Custodian   string `json:"custodian"`
	Disposition string `json:"disposition"`
	Suspect     string `json:"suspect,omitempty" metadata:",optional"`
	Shipment    string `json:"shipment,omitempty" metadata:",optional"`
	// Containers lists every container the unit was ever packed in, for its trace.
	Containers []string `json:"containers,omitempty" metadata:",optional"`
	// GTINs are the products inside a container (for its storage range).
	GTINs []string `json:"gtins,omitempty" metadata:",optional"`
	// Lots are the lots inside a container with their unit counts, sorted
	// by GTIN and lot, kept on pack, unpack and dispense: a recall check of
	// a pallet reads its lots, not its 1,000 units.
	Lots []LotCount `json:"lots,omitempty" metadata:",optional"`
	// Updated is the stamp of the item's latest change.
	Updated string `json:"updated"`
}

// LotCount is how many units of one lot a container holds.
type LotCount struct {
	GTIN  string `json:"gtin"`
	Lot   string `json:"lot"`
	Units int    `json:"units"`
}

// Shipment moves items from their owner to an authorized receiver.
type Shipment struct {
	ID     string   `json:"id"`
	From   string   `json:"from"`
	To     string   `json:"to"`
	Items  []string `json:"items"`
	Status string   `json:"status"` // in_transit, received
	// DocHash is the salted commitment to the DSCSA documents
	// (DSCSACommitment; the bare SHA-256 for shipments shipped before).
	DocHash  string `json:"dscsaHash"`
	Shipped  string `json:"shipped"`
	Received string `json:"received,omitempty" metadata:",optional"`
	// Excursions counts sensor readings outside a product's range.
	Excursions int `json:"excursions"`
	// Updated is the stamp of the shipment's latest change.
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Signal is a counterfeit signal, recorded with its reason.
type Signal struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Object string `json:"object"`
	// By is the org whose staff's act raised the signal, never the
	// employee (ListSignals cuts the enrollment id off older records).
	By     string `json:"by"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

// Verification is Verify's answer, as recorded.
type Verification struct {
	ID     string `json:"id"`
	Unit   string `json:"unit"`
	Lot    string `json:"lot"`
	Expiry string `json:"expiry"`
	Result string `json:"result"`
	// Requester is the org that asked, never the employee (records
	// written before carry "MSP/enrollment id").
	Requester string `json:"requester"`
	At        string `json:"at"`
}

// Event is a GS1 EPCIS 2.0 event as carechain records it.
type Event struct {
	Type        string     `json:"type"` // ObjectEvent, AggregationEvent, TransactionEvent
	EventID     string     `json:"eventID"`
	EventTime   string     `json:"eventTime"`
	TimeZone    string     `json:"eventTimeZoneOffset"`
	Action      string     `json:"action"` // ADD, OBSERVE, DELETE
	BizStep     string     `json:"bizStep"`
	Disposition string     `json:"disposition,omitempty" metadata:",optional"`
	EPCList     []string   `json:"epcList,omitempty" metadata:",optional"`
	ParentID    string     `json:"parentID,omitempty" metadata:",optional"`
	ChildEPCs   []string   `json:"childEPCs,omitempty" metadata:",optional"`
	ReadPoint   string     `json:"readPoint,omitempty" metadata:",optional"`
	BizTx       []BizTx    `json:"bizTransactionList,omitempty" metadata:",optional"`
	Source      string     `json:"source,omitempty" metadata:",optional"`
	Destination string     `json:"destination,omitempty" metadata:",optional"`
	Sensor      *SensorRep `json:"sensorReport,omitempty" metadata:",optional"`
	// ILMD is the instance/lot master data of a commissioning event.
	ILMD map[string]string `json:"ilmd,omitempty" metadata:",optional"`
	By   string            `json:"recordedBy"`
}

// BizTx is an EPCIS business transaction reference.
type BizTx struct {
	Type string `json:"type"`
	ID   string `json:"bizTransaction"`
}

// SensorRep is a temperature reading.
type SensorRep struct {
	Type      string `json:"type"`
	TenthC    int    `json:"value"`
	Device    string `json:"deviceID"`
	Excursion bool   `json:"excursion"`
}

// EventPage is a page of a trace.
type EventPage struct {
	Items    []Event `json:"items"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}

// SignalPage is a page of counterfeit signals.
type SignalPage struct {
	Items    []Signal `json:"items"`
	Bookmark string   `json:"bookmark,omitempty" metadata:",optional"`
}

// Holding is a unit of a lot and who has it now.
type Holding struct {
	Unit        string `json:"unit"`
	Owner       string `json:"owner"`
	Custodian   string `json:"custodian"`
	Disposition string `json:"disposition"`
	Container   string `json:"container,omitempty" metadata:",optional"`
}

// HoldingPage is a page of a recall report.
type HoldingPage struct {
	Items    []Holding `json:"items"`
	Bookmark string    `json:"bookmark,omitempty" metadata:",optional"`
}

// DSCSA is a shipment's DSCSA documents as its partners read them.
type DSCSA struct {
	Shipment string `json:"shipment"`
	// Documents is the JSON the sender sent, compacted, as text: the
	// bytes the commitment is over.
	Documents string `json:"documents"`
	// Salt is the salt of the shipment's public commitment; empty for a
	// shipment shipped before commitments (its hash is the bare SHA-256).
	Salt string `json:"salt,omitempty" metadata:",optional"`
}

// Matches reports whether the documents are the ones the shipment's
// public commitment names.
func (d *DSCSA) Matches(sh *Shipment) bool {
	return d.Shipment == sh.ID && DSCSACommitment(d.Salt, d.Documents) == sh.DocHash
}

// DSCSACommitment is the public commitment to a shipment's documents
// under salt (the bare SHA-256 for the salt "" of shipments shipped before
// commitments).
func DSCSACommitment(salt, documents string) string {
	if salt == "" {
		return hexSum(documents)
	}
	return commit.Sum(salt, []byte(documents))
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
