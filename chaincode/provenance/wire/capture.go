package wire

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Capture's transactions.
const (
	FnCapture      = "Capture"
	FnListCaptured = "ListCaptured"
)

// MaxCapture is how many events one Capture takes; MaxCaptureObjects how
// many identifiers one event names.
const (
	MaxCapture        = 100
	MaxCaptureObjects = 1000
)

// EPCIS event types Capture takes.
var captureTypes = map[string]bool{"ObjectEvent": true, "AggregationEvent": true, "TransactionEvent": true,
	"TransformationEvent": true, "AssociationEvent": true}

// CaptureInput is one EPCIS 2.0 event as Capture anchors it: the public
// fields a query needs, and a salted commitment (kit/commit.Sum) to the
// whole event as the capturer received it, whose salt the capturer keeps.
// Identifiers are EPC URNs or GS1 Digital Links (no query string), never
// free text: nothing here may name a patient.
type CaptureInput struct {
	EventID     string   `json:"eventID,omitempty"`
	Type        string   `json:"type"`
	Action      string   `json:"action,omitempty"`
	BizStep     string   `json:"bizStep,omitempty"`
	Disposition string   `json:"disposition,omitempty"`
	EventTime   string   `json:"eventTime"`
	ParentID    string   `json:"parentID,omitempty"`
	EPCList     []string `json:"epcList,omitempty"`
	ChildEPCs   []string `json:"childEPCs,omitempty"`
	Inputs      []string `json:"inputEPCList,omitempty"`
	Outputs     []string `json:"outputEPCList,omitempty"`
	// Quantities are the event's class-level quantities, each list by its
	// EPCIS name.
	Quantities Quantities `json:"quantities,omitzero"`
	// BizTransactions are the event's business transactions (type and
	// URI: a transaction's id, never free text).
	BizTransactions []BizTx `json:"bizTransactionList,omitempty"`
	// Objects are the keys the event is found by: carechain ids
	// (GTIN.serial, SSCC) for GS1 units and containers, else the URIs.
	Objects []string `json:"objects"`
	// ReadPoint and BizLocation are SGLN URNs or GS1 Digital Links of GLNs.
	ReadPoint   string `json:"readPoint,omitempty"`
	BizLocation string `json:"bizLocation,omitempty"`
	// ErrorDeclaration, when the event is declared erroneous: on an
	// eventID the org captured before, Capture records it on the earlier
	// record (which stays, as every committed event does).
	ErrorDeclaration *Declaration `json:"errorDeclaration,omitempty"`
	Commitment       string       `json:"commitment"`
}

// Quantities are an event's class-level quantity lists.
type Quantities struct {
	QuantityList       []Quantity `json:"quantityList,omitempty" metadata:",optional"`
	ChildQuantityList  []Quantity `json:"childQuantityList,omitempty" metadata:",optional"`
	InputQuantityList  []Quantity `json:"inputQuantityList,omitempty" metadata:",optional"`
	OutputQuantityList []Quantity `json:"outputQuantityList,omitempty" metadata:",optional"`
}

// Quantity is an amount of an EPC class: the class URI, the amount as
// written (a decimal number; "" when not given) and its UN/CEFACT unit.
type Quantity struct {
	Class    string `json:"epcClass"`
	Quantity string `json:"quantity,omitempty" metadata:",optional"`
	UOM      string `json:"uom,omitempty" metadata:",optional"`
}

// MaxBizTransactions is how many business transactions one event names.
const MaxBizTransactions = 100

var (
	decimal = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,10})?([eE][+-]?[0-9]{1,3})?$`)
	uomCode = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)
)

// count is how many quantities the lists hold.
func (q Quantities) count() int {
	return len(q.QuantityList) + len(q.ChildQuantityList) + len(q.InputQuantityList) + len(q.OutputQuantityList)
}

// check refuses a quantity naming its field below prefix.
func (q Quantities) check(prefix string) error {
	for _, l := range []struct {
		name string
		qs   []Quantity
	}{{".quantityList", q.QuantityList}, {".childQuantityList", q.ChildQuantityList},
		{".inputQuantityList", q.InputQuantityList}, {".outputQuantityList", q.OutputQuantityList}} {
		for i, x := range l.qs {
			field := fmt.Sprintf("%s%s%s[%d]", prefix, ".quantities", l.name, i)
			if err := CheckEPC(field+".epcClass", x.Class); err != nil {
				return err
			}
			if x.Quantity != "" && !decimal.MatchString(x.Quantity) {
				return ccerr.Invalid(field+".quantity", "%q is not a decimal number", trim(x.Quantity))
			}
			if x.UOM != "" && !uomCode.MatchString(x.UOM) {
				return ccerr.Invalid(field+".uom", "%q is not a UN/CEFACT unit code", trim(x.UOM))
			}
		}
	}
	return nil
}

// checkBizTransactions refuses a business transaction naming its field.
func checkBizTransactions(prefix string, l []BizTx) error {
	if len(l) > MaxBizTransactions {
		return ccerr.Invalid(prefix+".bizTransactionList", "names %d transactions, over %d", len(l), MaxBizTransactions)
	}
	for i, bt := range l {
		field := fmt.Sprintf("%s.bizTransactionList[%d]", prefix, i)
		if bt.Type != "" && !cbvTerm.MatchString(bt.Type) && !vocabURI.MatchString(bt.Type) {
			return ccerr.Invalid(field+".type", "%q is not a CBV term or a vocabulary URI", trim(bt.Type))
		}
		if !vocabURI.MatchString(bt.ID) {
			return ccerr.Invalid(field+".bizTransaction", "%q is not a transaction URI", trim(bt.ID))
		}
		if IsPersonID(bt.ID) {
			return ccerr.Invalid(field+".bizTransaction", "is a GSRN: it identifies a person (a patient, a caregiver), whom no ledger names")
		}
	}
	return nil
}

// MaxCorrectiveEvents is how many corrective event ids one declaration names.
const MaxCorrectiveEvents = 100

// Declaration is an EPCIS 2.0 errorDeclaration as Capture keeps it: when,
// why (a CBV error reason or a vocabulary URI) and the ids of the events
// that correct it; its extension members only in the commitment.
type Declaration struct {
	DeclarationTime    string   `json:"declarationTime"`
	Reason             string   `json:"reason,omitempty" metadata:",optional"`
	CorrectiveEventIDs []string `json:"correctiveEventIDs,omitempty" metadata:",optional"`
}

// Check refuses a declaration naming its field below prefix; now is the
// transaction time, after which it may not be dated.
func (d *Declaration) Check(prefix string, now time.Time) error {
	at, err := time.Parse(time.RFC3339Nano, d.DeclarationTime)
	if err != nil {
		return ccerr.Invalid(prefix+".declarationTime", "%q is not an RFC 3339 time", trim(d.DeclarationTime))
	}
	if at.After(now.Add(5 * time.Minute)) {
		return ccerr.Invalid(prefix+".declarationTime", "%s is after the transaction's time", d.DeclarationTime)
	}
	if d.Reason != "" && !cbvTerm.MatchString(d.Reason) && !vocabURI.MatchString(d.Reason) {
		return ccerr.Invalid(prefix+".reason", "%q is not a CBV term or a vocabulary URI", trim(d.Reason))
	}
	if len(d.CorrectiveEventIDs) > MaxCorrectiveEvents {
		return ccerr.Invalid(prefix+".correctiveEventIDs", "names %d events, over %d", len(d.CorrectiveEventIDs), MaxCorrectiveEvents)
	}
	for i, id := range d.CorrectiveEventIDs {
		if !eventIDForm.MatchString(id) {
			return ccerr.Invalid(fmt.Sprintf("%s.correctiveEventIDs[%d]", prefix, i), "%q is not an event id URI", trim(id))
		}
	}
	return nil
}

// CapturedEvent is a captured event as recorded: its input, its id, the
// org that captured it and when.
type CapturedEvent struct {
	ID          string   `json:"id"`
	EventID     string   `json:"eventID,omitempty" metadata:",optional"`
	Type        string   `json:"type"`
	Action      string   `json:"action,omitempty" metadata:",optional"`
	BizStep     string   `json:"bizStep,omitempty" metadata:",optional"`
	Disposition string   `json:"disposition,omitempty" metadata:",optional"`
	EventTime   string   `json:"eventTime"`
	ParentID    string   `json:"parentID,omitempty" metadata:",optional"`
	EPCList     []string `json:"epcList,omitempty" metadata:",optional"`
	ChildEPCs   []string `json:"childEPCs,omitempty" metadata:",optional"`
	Inputs      []string `json:"inputEPCList,omitempty" metadata:",optional"`
	Outputs     []string `json:"outputEPCList,omitempty" metadata:",optional"`
	// Quantities and BizTransactions are the event's, as captured.
	Quantities      Quantities `json:"quantities,omitzero" metadata:",optional"`
	BizTransactions []BizTx    `json:"bizTransactionList,omitempty" metadata:",optional"`
	Objects         []string   `json:"objects"`
	ReadPoint       string     `json:"readPoint,omitempty" metadata:",optional"`
	BizLocation     string     `json:"bizLocation,omitempty" metadata:",optional"`
	// ErrorDeclaration is the event's, as captured with it or after.
	ErrorDeclaration *Declaration `json:"errorDeclaration,omitempty" metadata:",optional"`
	Commitment       string       `json:"commitment"`
	By               string       `json:"capturedBy"`
	Recorded         string       `json:"recorded"`
}

// CaptureResult is what became of one input event: its record's id, and
// whether the capturing org had captured an event of that eventID before
// (then ID is the earlier record's and nothing was written, but for
// Declared: the input's errorDeclaration recorded on the earlier record,
// which had none).
type CaptureResult struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate,omitempty" metadata:",optional"`
	Declared  bool   `json:"declared,omitempty" metadata:",optional"`
}

// CaptureReceipt is Capture's answer, one result per input, in order.
type CaptureReceipt struct {
	Results []CaptureResult `json:"results"`
}

// CapturedPage is a page of captured events.
type CapturedPage struct {
	Items    []CapturedEvent `json:"items"`
	Bookmark string          `json:"bookmark,omitempty" metadata:",optional"`
}

// maxURI is the longest identifier Capture takes.
const maxURI = 256

var (
	epcURN      = regexp.MustCompile(`^urn:epc:(id|class|idpat):[a-z0-9]{1,10}:[A-Za-z0-9%._*:!'()+,;=-]{1,200}$`)
	digitalLink = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(/[A-Za-z0-9._~%!*'()+,;:=-]+){2,14}$`)
	sglnURN     = regexp.MustCompile(`^urn:epc:id:sgln:[0-9]{6,12}\.[0-9]{0,6}\.[A-Za-z0-9%._!'()*+,;:=-]{1,20}$`)
	glnLink     = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(/[A-Za-z0-9._~%-]+)*/414/[0-9]{13}(/254/[A-Za-z0-9%._!'()*+,;:=-]{1,20})?$`)
	cbvTerm     = regexp.MustCompile(`^[a-z][a-z_]{0,63}$`)
	vocabURI    = regexp.MustCompile(`^(urn:[a-z0-9]{1,32}|https?://[A-Za-z0-9.-]{1,100})[A-Za-z0-9._~%:/#-]{1,200}$`)
	eventIDForm = regexp.MustCompile(`^(urn:[a-z0-9]{1,32}:|ni:///sha-256;|https?://)[A-Za-z0-9._~%:/?;=&#+-]{1,230}$`)
	hex64       = regexp.MustCompile(`^[0-9a-f]{64}$`)
	unitIDForm  = regexp.MustCompile(`^[0-9]{14}\.[A-Za-z0-9]{1,20}$`)
)

// personKey is a GSRN or GSRN-P (a service relation: a patient, a
// caregiver) as an EPC URN or in a Digital Link (AI 8018, 8017).
var personKey = regexp.MustCompile(`^(urn:epc:id:gsrnp?:|https?://[A-Za-z0-9.-]+(/[^/]+)*?/801[78]/)`)

// IsPersonID reports whether an identifier names a person (a GSRN or
// GSRN-P: in healthcare a patient's or a caregiver's service relation),
// which no ledger may hold.
func IsPersonID(v string) bool { return personKey.MatchString(v) }

// CheckEPC refuses an identifier that is neither an EPC URN nor a GS1
// Digital Link without a query, or that names a person (IsPersonID).
func CheckEPC(field, v string) error {
	if len(v) > maxURI || (!epcURN.MatchString(v) && !digitalLink.MatchString(v)) {
		return ccerr.Invalid(field, "%q is not an EPC URN or a GS1 Digital Link (no query string, at most 256 characters)", trim(v))
	}
	if IsPersonID(v) {
		return ccerr.Invalid(field, "is a GSRN: it identifies a person (a patient, a caregiver), whom no ledger names")
	}
	return nil
}

// CheckLocation refuses a location that is not an SGLN.
func CheckLocation(field, v string) error {
	if len(v) > maxURI || (!sglnURN.MatchString(v) && !glnLink.MatchString(v)) {
		return ccerr.Invalid(field, "%q is not an SGLN (urn:epc:id:sgln: or a Digital Link with /414/)", trim(v))
	}
	return nil
}

// CheckObject refuses an index key that is neither a carechain id (a
// unit's GTIN.serial, an SSCC) nor an identifier CheckEPC takes.
func CheckObject(field, v string) error {
	if unitIDForm.MatchString(v) {
		gtin, serial, _ := strings.Cut(v, ".")
		if err := CheckGTIN(field, gtin); err != nil {
			return err
		}
		return CheckSerial(field, serial)
	}
	if len(v) == 18 && CheckSSCC(field, v) == nil {
		return nil
	}
	return CheckEPC(field, v)
}

func trim(v string) string {
	if len(v) > 64 {
		return v[:64] + "…"
	}
	return v
}

// Check refuses an input event naming its field (as events[i].field[j]
// below the given prefix); now is the transaction time, after which no
// event may be dated.
func (in *CaptureInput) Check(prefix string, now time.Time) error {
	if err := in.checkHeader(prefix, now); err != nil {
		return err
	}
	if err := in.checkIdentifiers(prefix); err != nil {
		return err
	}
	if len(in.Objects) == 0 || len(in.Objects) > MaxCaptureObjects {
		return ccerr.Invalid(prefix+".objects", "names %d objects, not 1 to %d", len(in.Objects), MaxCaptureObjects)
	}
	for i, o := range in.Objects {
		if err := CheckObject(fmt.Sprintf("%s.objects[%d]", prefix, i), o); err != nil {
			return err
		}
	}
	if err := in.checkLocations(prefix); err != nil {
		return err
	}
	if err := in.Quantities.check(prefix); err != nil {
		return err
	}
	if err := checkBizTransactions(prefix, in.BizTransactions); err != nil {
		return err
	}
	if in.ErrorDeclaration != nil {
		if err := in.ErrorDeclaration.Check(prefix+".errorDeclaration", now); err != nil {
			return err
		}
	}
	if !hex64.MatchString(in.Commitment) {
		return ccerr.Invalid(prefix+".commitment", "is not a SHA-256 commitment in lower-case hex")
	}
	return nil
}

func (in *CaptureInput) checkLocations(prefix string) error {
	for _, loc := range [][2]string{{".readPoint", in.ReadPoint}, {".bizLocation", in.BizLocation}} {
		if loc[1] != "" {
			if err := CheckLocation(prefix+loc[0], loc[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (in *CaptureInput) checkHeader(prefix string, now time.Time) error {
	if !captureTypes[in.Type] {
		return ccerr.Invalid(prefix+".type", "%q is not an EPCIS 2.0 event type", trim(in.Type))
	}
	if in.EventID != "" && !eventIDForm.MatchString(in.EventID) {
		return ccerr.Invalid(prefix+".eventID", "%q is not an event id URI", trim(in.EventID))
	}
	if (in.Type == "TransformationEvent") != (in.Action == "") || (in.Action != "" && in.Action != "ADD" && in.Action != "OBSERVE" && in.Action != "DELETE") {
		return ccerr.Invalid(prefix+".action", "%q: ADD, OBSERVE or DELETE, none for a TransformationEvent", in.Action)
	}
	for _, v := range [][2]string{{".bizStep", in.BizStep}, {".disposition", in.Disposition}} {
		if v[1] != "" && !cbvTerm.MatchString(v[1]) && !vocabURI.MatchString(v[1]) {
			return ccerr.Invalid(prefix+v[0], "%q is not a CBV term or a vocabulary URI", trim(v[1]))
		}
	}
	at, err := time.Parse(time.RFC3339Nano, in.EventTime)
	if err != nil {
		return ccerr.Invalid(prefix+".eventTime", "%q is not an RFC 3339 time", trim(in.EventTime))
	}
	if at.After(now.Add(5 * time.Minute)) {
		return ccerr.Invalid(prefix+".eventTime", "%s is after the transaction's time", in.EventTime)
	}
	return nil
}

func (in *CaptureInput) checkIdentifiers(prefix string) error {
	if in.ParentID != "" {
		if err := CheckEPC(prefix+".parentID", in.ParentID); err != nil {
			return err
		}
	}
	lists := []struct {
		name string
		ids  []string
	}{{".epcList", in.EPCList}, {".childEPCs", in.ChildEPCs}, {".inputEPCList", in.Inputs}, {".outputEPCList", in.Outputs}}
	n := 0
	for _, l := range lists {
		n += len(l.ids)
		for i, v := range l.ids {
			if err := CheckEPC(fmt.Sprintf("%s%s[%d]", prefix, l.name, i), v); err != nil {
				return err
			}
		}
	}
	if n += in.Quantities.count(); n > MaxCaptureObjects {
		return ccerr.Invalid(prefix+".epcList", "the event names %d identifiers, over %d", n, MaxCaptureObjects)
	}
	return nil
}
