package epcis

import (
	"encoding/json"

	"github.com/carechain/carechain/client/standards/gs1"
)

// Document types.
const (
	TypeDocument      = "EPCISDocument"
	TypeQueryDocument = "EPCISQueryDocument"
)

// Event types of EPCIS 2.0.
const (
	ObjectEvent         = "ObjectEvent"
	AggregationEvent    = "AggregationEvent"
	TransactionEvent    = "TransactionEvent"
	TransformationEvent = "TransformationEvent"
	AssociationEvent    = "AssociationEvent"
)

// Actions.
const (
	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"
)

// DefaultContext is the EPCIS 2.0 JSON-LD context.
const DefaultContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// Extensions are members the model has no field for, by name, as written.
type Extensions map[string]json.RawMessage

// Document is an EPCISDocument or an EPCISQueryDocument.
type Document struct {
	Type string `json:"type"`
	// Context is @context as written (nil: DefaultContext on writing).
	Context            json.RawMessage `json:"@context,omitempty"`
	ID                 string          `json:"id,omitempty"`
	SchemaVersion      string          `json:"schemaVersion,omitempty"`
	CreationDate       string          `json:"creationDate,omitempty"`
	InstanceIdentifier string          `json:"instanceIdentifier,omitempty"`
	Sender             string          `json:"sender,omitempty"`
	Receiver           string          `json:"receiver,omitempty"`
	// Header is epcisHeader (master data), as written.
	Header json.RawMessage `json:"epcisHeader,omitempty"`
	// QueryName and SubscriptionID are a query document's.
	QueryName      string `json:"queryName,omitempty"`
	SubscriptionID string `json:"subscriptionID,omitempty"`
	// Vocabularies is a query result's vocabularyList, as written.
	Vocabularies json.RawMessage `json:"vocabularyList,omitempty"`
	Events       []Event         `json:"events"`
	// Extensions of the document, of epcisBody, of queryResults and of
	// resultsBody.
	Extensions        Extensions `json:"extensions,omitempty"`
	BodyExtensions    Extensions `json:"bodyExtensions,omitempty"`
	QueryExtension    Extensions `json:"queryExtensions,omitempty"`
	ResultsExtensions Extensions `json:"resultsExtensions,omitempty"`
}

// Identifier is a URI naming an object, a class, a location or a party.
// Key is the GS1 key it names, nil for URIs that name none (geo:,
// urn:uuid:, http URIs without a GS1 key, EPC schemes gs1 does not read).
type Identifier struct {
	URI string   `json:"uri"`
	Key *gs1.Key `json:"key,omitempty"`
}

// Same reports whether two identifiers name the same thing: equal keys
// (whatever their forms), or equal URIs.
func (id Identifier) Same(o Identifier) bool {
	if id.Key != nil && o.Key != nil {
		return id.Key.Same(*o.Key)
	}
	return id.Key == nil && o.Key == nil && id.URI == o.URI
}

// Quantity is an element of a quantity list: a class and how much of it.
type Quantity struct {
	Class Identifier `json:"epcClass"`
	// Quantity is the amount as written (nil: not given).
	Quantity *json.Number `json:"quantity,omitempty"`
	UOM      string       `json:"uom,omitempty"`
}

// Location is a readPoint or bizLocation.
type Location struct {
	ID         Identifier `json:"id"`
	Extensions Extensions `json:"extensions,omitempty"`
}

// BizTransaction is a business transaction reference.
type BizTransaction struct {
	Type Vocab  `json:"type"`
	ID   string `json:"bizTransaction"`
}

// Party is a source or destination.
type Party struct {
	Type Vocab      `json:"type"`
	ID   Identifier `json:"id"`
}

// PersistentDisposition sets and unsets dispositions that persist.
type PersistentDisposition struct {
	Set   []Vocab `json:"set,omitempty"`
	Unset []Vocab `json:"unset,omitempty"`
}

// ErrorDeclaration declares an earlier event erroneous.
type ErrorDeclaration struct {
	DeclarationTime    string     `json:"declarationTime"`
	Reason             Vocab      `json:"reason"`
	CorrectiveEventIDs []string   `json:"correctiveEventIDs,omitempty"`
	Extensions         Extensions `json:"extensions,omitempty"`
}

// ILMD is instance/lot master data: the CBV master data attributes
// carechain uses, and the rest as written.
type ILMD struct {
	Lot            string     `json:"lot,omitempty"`            // cbvmda:lotNumber
	ExpirationDate string     `json:"expirationDate,omitempty"` // cbvmda:itemExpirationDate, YYYY-MM-DD
	BestBeforeDate string     `json:"bestBeforeDate,omitempty"` // cbvmda:bestBeforeDate
	SellByDate     string     `json:"sellByDate,omitempty"`     // cbvmda:sellByDate
	Other          Extensions `json:"other,omitempty"`
}

// SensorElement is one element of a sensorElementList.
type SensorElement struct {
	Metadata   *SensorMetadata `json:"sensorMetadata,omitempty"`
	Reports    []SensorReport  `json:"sensorReport"`
	Extensions Extensions      `json:"extensions,omitempty"`
}

// SensorMetadata describes the device and the time of a sensor element.
type SensorMetadata struct {
	Time                 string     `json:"time,omitempty"`
	StartTime            string     `json:"startTime,omitempty"`
	EndTime              string     `json:"endTime,omitempty"`
	DeviceID             string     `json:"deviceID,omitempty"`
	DeviceMetadata       string     `json:"deviceMetadata,omitempty"`
	RawData              string     `json:"rawData,omitempty"`
	DataProcessingMethod string     `json:"dataProcessingMethod,omitempty"`
	BizRules             string     `json:"bizRules,omitempty"`
	Extensions           Extensions `json:"extensions,omitempty"`
}

// SensorReport is one measurement (or alert) of a sensor element.
type SensorReport struct {
	Type      Vocab `json:"type"`      // MeasurementTypes
	Exception Vocab `json:"exception"` // SensorAlertTypes
	// URIs and times, as written.
	DeviceID, DeviceMetadata, RawData, DataProcessingMethod, BizRules string
	Time, Microorganism, ChemicalSubstance, CoordinateReferenceSystem string
	URIValue, HexBinaryValue                                          string
	Component                                                         Vocab
	// Numbers as written (nil: not given).
	Value, MinValue, MaxValue, MeanValue, SDev, PercRank, PercValue *json.Number
	StringValue                                                     *string
	BooleanValue                                                    *bool
	UOM                                                             string
	Extensions                                                      Extensions
}

// Event is an EPCIS 2.0 event of any type; the members a type does not
// have stay empty.
type Event struct {
	Type string `json:"type"`
	// Context is the event's own @context, as written (rare inside a
	// document).
	Context             json.RawMessage `json:"@context,omitempty"`
	EventID             string          `json:"eventID,omitempty"`
	EventTime           string          `json:"eventTime"`
	RecordTime          string          `json:"recordTime,omitempty"`
	EventTimeZoneOffset string          `json:"eventTimeZoneOffset"`
	CertificationInfo   json.RawMessage `json:"certificationInfo,omitempty"` // a URI or a list, as written
	ErrorDeclaration    *ErrorDeclaration

	Action                string
	BizStep, Disposition  Vocab
	PersistentDisposition *PersistentDisposition

	EPCList, ChildEPCs, InputEPCList, OutputEPCList                        []Identifier
	ParentID                                                               *Identifier
	QuantityList, ChildQuantityList, InputQuantityList, OutputQuantityList []Quantity
	TransformationID                                                       string

	ReadPoint, BizLocation *Location
	BizTransactions        []BizTransaction
	Sources, Destinations  []Party
	SensorElements         []SensorElement
	ILMD                   *ILMD
	Extensions             Extensions
}
