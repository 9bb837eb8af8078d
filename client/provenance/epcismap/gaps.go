package epcismap

// Gap codes: what the provenance chaincode cannot take today. Each is
// input for a chaincode change; GapDescriptions says what it means.
const (
	GapEventTime           = "event-time"
	GapEventID             = "event-id"
	GapReadPoint           = "read-point"
	GapBizLocation         = "biz-location"
	GapBizTransactions     = "biz-transactions"
	GapPartyDetail         = "party-detail"
	GapDisposition         = "disposition"
	GapPersistentDisp      = "persistent-disposition"
	GapCertification       = "certification-info"
	GapExtensions          = "extensions"
	GapILMD                = "ilmd-attributes"
	GapQuantities          = "quantity-list"
	GapObjectKind          = "object-kind"
	GapSerialCharset       = "serial-charset"
	GapLotCharset          = "lot-charset"
	GapNoLot               = "commission-without-lot"
	GapNoExpiry            = "lot-without-expiry"
	GapExpiryMismatch      = "expiry-mismatch"
	GapAddToContainer      = "add-to-container"
	GapMixedContainer      = "mixed-container"
	GapPartialUnpack       = "partial-unpack"
	GapPartialReceipt      = "partial-receipt"
	GapPartialShipment     = "partial-shipment"
	GapNoShipmentRef       = "no-shipment-reference"
	GapNoReceiver          = "no-receiver"
	GapUnknownParty        = "unknown-party"
	GapSensorType          = "sensor-measurement-type"
	GapSensorAggregate     = "sensor-aggregate"
	GapSensorTime          = "sensor-time"
	GapSensorDevice        = "sensor-device"
	GapSensorUnit          = "sensor-unit"
	GapSensorRange         = "sensor-range"
	GapSensorPrecision     = "sensor-precision"
	GapSensorAlert         = "sensor-alert"
	GapErrorDeclaration    = "error-declaration"
	GapTransformation      = "transformation"
	GapAssociation         = "association"
	GapTransactionEvent    = "transaction-event"
	GapActionNotModelled   = "action"
	GapExtensionEventType  = "extension-event-type"
	GapDispenseNotUnit     = "dispense-not-unit"
	GapEndInsideContainer  = "end-inside-container"
	GapAggregationTypeless = "aggregation-parent"
)

// GapDescriptions describes each gap code, as a chaincode change would
// have to address it.
var GapDescriptions = map[string]string{
	GapEventTime:           "the event's eventTime, recordTime and eventTimeZoneOffset are not kept: the chaincode stamps the transaction's time (within 5 minutes of the peer's clock), so a past event is recorded as of its import",
	GapEventID:             "the event's eventID is not kept: the chaincode mints its own ni:///sha-256 id (a hash of the transaction id, though its form says CBV 2.0 event hash)",
	GapReadPoint:           "readPoint is not kept (Event.ReadPoint exists but no transaction takes one)",
	GapBizLocation:         "bizLocation is not kept: carechain events have no location",
	GapBizTransactions:     "business transactions other than the shipment's are not kept (a shipment's event records only its own desadv urn:carechain:shipment:ID)",
	GapPartyDetail:         "sourceList/destinationList are reduced to the two orgs' MSP ids: their types (owning vs possessing party) and location entries are not kept",
	GapDisposition:         "the event's disposition is not the one the chaincode sets for the step (e.g. receiving: in_progress given, active or sellable_accessible set)",
	GapPersistentDisp:      "persistentDisposition (set/unset) has no place in the item model",
	GapCertification:       "certificationInfo is not kept",
	GapExtensions:          "extension members (namespaced fields) are not kept",
	GapILMD:                "instance/lot master data other than lot and expiry (best-before, country of origin, weights, extensions) is not kept",
	GapQuantities:          "class-level quantities (quantityList, childQuantityList, input/outputQuantityList) cannot be represented: carechain tracks serialized units and SSCC containers only",
	GapObjectKind:          "objects that are neither SGTIN units nor SSCC containers (GRAI, GIAI, GSRN, SGLN, non-GS1 URIs) cannot be tracked",
	GapSerialCharset:       "the serial uses GS1 characters the chaincode refuses (it takes 1-20 letters and digits; GS1 allows the 82-character set)",
	GapLotCharset:          "the lot uses GS1 characters the chaincode refuses (it takes 1-20 letters, digits and dashes)",
	GapNoLot:               "commissioning without a lot (no ilmd cbvmda:lotNumber, no lot in the Digital Link): the chaincode commissions units of a registered lot only",
	GapNoExpiry:            "the lot is not registered and the event gives no expiry (ilmd cbvmda:itemExpirationDate): CreateBatch needs one",
	GapExpiryMismatch:      "the event's expiry differs from the registered lot's; the chaincode keeps one expiry per lot",
	GapAddToContainer:      "aggregating into an existing container: Pack creates a new container only",
	GapMixedContainer:      "a container of units and containers together: a case holds units, a pallet cases",
	GapPartialUnpack:       "unpacking only some children: Unpack empties the whole container",
	GapPartialReceipt:      "receiving only some of a shipment's items: Receive takes the whole shipment",
	GapPartialShipment:     "a shipment holding goods both commissioned in carechain and not",
	GapNoShipmentRef:       "shipping without a desadv or po bizTransaction to name the shipment",
	GapNoReceiver:          "shipping without a destination party the chaincode needs as its receiver",
	GapUnknownParty:        "a source or destination that no licensed partner's GLN matches",
	GapSensorType:          "sensor readings other than temperature (humidity, speed, light, ...): AddReading takes a temperature",
	GapSensorAggregate:     "aggregated sensor reports (minValue, maxValue, meanValue, sDev, percentiles) have no single value to add",
	GapSensorTime:          "a reading's own time (sensorMetadata or sensorReport time) is not kept",
	GapSensorDevice:        "the sensor's device is not an identifier the chaincode takes (or none is given)",
	GapSensorUnit:          "a temperature without a unit, or in a unit other than CEL, FAH or KEL",
	GapSensorRange:         "a temperature outside -100.0 to 100.0 °C, which AddReading refuses",
	GapSensorPrecision:     "a temperature finer than 0.1 °C, rounded to AddReading's tenths",
	GapSensorAlert:         "sensor alerts (exception ALARM_CONDITION/ERROR_CONDITION) and non-numeric values are not kept",
	GapErrorDeclaration:    "an error declaration (retracting an earlier event) cannot undo a committed transaction",
	GapTransformation:      "TransformationEvent (inputs consumed, outputs made from them): no such transaction",
	GapAssociation:         "AssociationEvent (a device or asset associated with a container): no such transaction",
	GapTransactionEvent:    "TransactionEvent (objects tied to a business transaction): no such transaction",
	GapActionNotModelled:   "an action the business step has no transaction for (e.g. commissioning OBSERVE, shipping ADD)",
	GapExtensionEventType:  "an extension event type (named by URI)",
	GapDispenseNotUnit:     "dispensing a container or a quantity: Dispense takes one unit",
	GapEndInsideContainer:  "decommissioning or destroying an item inside a container: the chaincode ends outermost items only",
	GapAggregationTypeless: "an aggregation whose parent is not an SSCC (a returnable asset, a location)",
}

// capturedBecause says, per gap code that keeps an event from changing
// custody, why the event is captured only; other codes say it through
// their description.
var capturedBecause = map[string]string{
	GapErrorDeclaration: "error declaration: the declared event stays on the ledger (no committed transaction is undone); the declaration is captured and returned with the event's errorDeclaration",
	GapNoReceiver:       "shipping without a destinationList: custody moves to an org only when a destination party names it, so the goods stay with their custodian",
	GapTransformation:   "TransformationEvent: no transaction consumes inputs into outputs, so the inputs stay active and no output is commissioned",
	GapQuantities:       "class-level quantities: carechain tracks serialized units and SSCC containers only, so no custody changes",
	GapTransactionEvent: "TransactionEvent: tying objects to a business transaction changes no custody in carechain",
	GapAssociation:      "AssociationEvent: associating a device or asset with a container changes no custody in carechain",
}

// CapturedReason is why an event whose gaps keep it from changing custody
// (an Unsupported plan) is captured only: the first gap's reason.
func CapturedReason(gaps []Gap) string {
	if len(gaps) == 0 {
		return "captured only: custody unchanged"
	}
	if r, ok := capturedBecause[gaps[0].Code]; ok {
		return r
	}
	return "captured only, custody unchanged: " + GapDescriptions[gaps[0].Code]
}
