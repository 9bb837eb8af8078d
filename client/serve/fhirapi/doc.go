// Package fhirapi serves FHIR R4 (JSON) over HTTP under carectl serve's
// /fhir (mounted with serve.WithRoutes), through the mappings of package
// client/standards/fhir: what carechain cannot represent is refused
// naming the element, and everything answered is validated as R4 first.
//
// Routes, as GET /fhir/metadata lists them (the CapabilityStatement is
// built from the same table as the routes, so neither lists what the
// other lacks):
//
//   - Claim create (POST /Claim), answered with the claim's ClaimResponse;
//     ClaimResponse and ExplanationOfBenefit read, by claim id.
//   - Coverage create and read: a payer's own coverages.
//   - Consent create, read, search by patient and $revoke.
//   - DocumentReference create (content inline: it is encrypted into the
//     document store, its key goes through the records chaincode), read,
//     and $get (POST, with the purpose of use: access is requested and
//     logged as a disclosure, the content answered as a Binary).
//
// Errors are OperationOutcome resources whose issues name the element at
// fault as a FHIRPath expression (Claim.item[2].productOrService), with
// the HTTP status of the client's typed error (serve.StatusOf). A call is
// made once: a create whose outcome is unknown answers 202 with the
// transaction id, and is never sent again by the server.
package fhirapi
