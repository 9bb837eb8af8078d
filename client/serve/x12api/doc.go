// Package x12api serves X12 over HTTP under carectl serve's /x12 (mounted
// with serve.WithRoutes): POST /x12/837 takes an 837P (005010X222A1)
// interchange with one or many claims and answers its 999 acknowledgement
// with one result per claim; GET /x12/835/{claimID} answers the 835 of a
// paid claim.
//
// The claims go through package proclaim, the mapping the FHIR Claim path
// shares (x12.Read837): a claim carechain cannot represent is refused by
// loop, segment and element (2300 CLM05-3) and never submitted; every
// other claim of the interchange is submitted once, on its own (a
// refusal of one is no reason to hold back another, and nothing is sent
// again: a claim whose outcome is unknown says so with its transaction id).
//
// An 837P names its patient by the payer's member id and its payer by a
// payer id; carechain names them by subject and MSP id. The Directory,
// which the provider's integration keeps off the ledger, resolves them;
// what it does not know is refused by element (2010BA NM109), never
// guessed.
package x12api
