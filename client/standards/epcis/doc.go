// Package epcis reads and writes GS1 EPCIS 2.0 documents in JSON and
// JSON-LD (EPCISDocument and EPCISQueryDocument), client side only: the
// chaincode keeps its compact event model.
//
// Every event type is read — ObjectEvent, AggregationEvent,
// TransactionEvent, TransformationEvent, AssociationEvent, and extension
// event types named by URI — into one model (Document, Event):
//
//   - CBV values in all their forms (shipping,
//     urn:epcglobal:cbv:bizstep:shipping,
//     https://ref.gs1.org/cbv/BizStep-shipping, cbv:BizStep-shipping) read
//     as one Vocab; values of other vocabularies keep their URI;
//   - identifiers (EPC URNs and GS1 Digital Link URIs) read as gs1.Key, so
//     the same item compares equal in either form; other URIs are kept;
//   - sourceList/destinationList, bizTransactionList, quantity lists,
//     structured ilmd (lot and expiry, cbvmda), sensorElementList,
//     readPoint/bizLocation, persistentDisposition and errorDeclaration.
//
// Nothing is dropped in silence: a member the model has no field for is
// kept as written, as an Extension of the object it was in (namespaced
// members such as example:myField, ilmd attributes, extension members of
// sensor data), and Document.Extensions lists each by path. A member
// that is neither known for its object nor namespaced is refused, naming
// its path, as are duplicate member names.
//
// Write writes a Document back as EPCIS 2.0 JSON-LD in the form GS1's
// EPCIS 2.0 JSON schema validates (CBV values as bare terms); Validator
// checks a document against that schema (github.com/santhosh-tekuri/jsonschema
// with dlclark/regexp2, as the schema's patterns need lookaheads).
package epcis
