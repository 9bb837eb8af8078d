// Package x12 reads and writes the ASC X12 005010 health care transactions
// carechain speaks: the 837P professional claim (005010X222A1) in, with a
// 999 implementation acknowledgement (005010X231A1) and one result per
// claim back, and the 835 claim payment advice (005010X221A1) out, with a
// parser of it so that what carechain writes can be read back.
//
// Tokenize splits an interchange into segments with the delimiters its ISA
// declares; Encode writes segments back. ParseInterchange checks the
// ISA/GS/ST envelopes (control numbers and counts). Read837 maps every
// claim of an 837P interchange to carechain's claim input through package
// proclaim, the mapping the FHIR Claim path shares: a claim carechain
// cannot represent is refused naming the loop, segment and element
// (2300 CLM05-3, 2400[2] SV107-1), never dropped in part. Ack999 writes the
// acknowledgement of what Read837 found; Write835 the remittance of a paid
// claim; Parse835 reads an 835.
package x12
