// Package serve is carechain's HTTP server: one enrolled identity of one
// org (the insurer's claim system, the distributor's warehouse, the
// hospital's EHR integration) speaking the standards over HTTP through
// the client library.
//
// The server listens on a loopback address unless it is given TLS with
// client-certificate authentication (Listen refuses anything else). Every
// request is logged as one structured line (method, path, status,
// duration, request id; never a body, which can hold PHI). Errors are
// RFC 9457 problem documents whose status follows the client's typed
// error code (StatusOf). The server documents its own routes as OpenAPI 3
// at /openapi.json, built from the same table that builds the router.
//
// Routes:
//
//   - GET /healthz: the session reaches its gateway.
//   - GET /openapi.json: this server's OpenAPI 3 document.
//   - POST /verify: DSCSA product-identifier verification of a scanned GS1
//     element string or Digital Link (GS1 Lightweight Messaging Standard
//     for verification).
//   - /epcis: EPCIS 2.0 capture and query after GS1's REST binding. A
//     captured document's events with custody meaning are applied through
//     the provenance client (epcismap's plan); the others — without
//     custody meaning for carechain, or with one it cannot take (gap
//     codes say what) — are captured only, anchored with provenance
//     Capture; every event's status says which, and why. Capture jobs are
//     kept in the server's memory (a restart forgets the jobs, never what
//     they wrote). Queries name their objects (MATCH_epc, MATCH_anyEPC)
//     and read their custody traces and captured events together; a
//     query by location only (EQ_readPoint, EQ_bizLocation) reads the
//     events captured there.
//
// Other standards mount their routes with WithRoutes, which documents them
// in the same OpenAPI document: FHIR R4 under /fhir (package fhirapi),
// X12 837P/999/835 under /x12 (package x12api); their handlers answer
// errors with WriteError (or, for FHIR, as OperationOutcome).
package serve
