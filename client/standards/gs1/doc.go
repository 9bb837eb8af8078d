// Package gs1 reads and writes GS1 identifiers as trading partners' systems
// and scanners exchange them, client side only (the chaincode keeps its
// compact GTIN.serial and SSCC ids):
//
//   - check digits (GS1 mod 10) of GTINs, SSCCs, GLNs, GRAIs and GSRNs, and
//     GTIN-8/12/13 widened to GTIN-14;
//   - EPC pure-identity URIs (GS1 Tag Data Standard): urn:epc:id:sgtin,
//     sscc, sgln, pgln, grai, giai, gsrn, and the class URIs
//     urn:epc:class:lgtin and urn:epc:idpat:sgtin. A URI splits the GS1
//     company prefix from the rest, and that split cannot be read off a
//     GTIN: its length comes from data, a Table of company prefixes or of
//     GCP lengths (Table, TableFromPrefixes); a key whose prefix the table
//     does not know has no URI (ErrUnknownPrefix) — no length is assumed;
//   - GS1 Digital Link URIs (https://id.gs1.org/01/{gtin}/10/{lot}/21/{serial}?17=YYMMDD,
//     custom domains and path prefixes), in and out;
//   - GS1 element strings as a scanner delivers them: a symbology
//     identifier (]d2, ]C1, ]Q3, ]e0, ]J1), application identifiers with
//     GS (FNC1) separators, or the parenthesised human-readable form.
//
// Every identifier reads into one model, Key: a URN and a Digital Link
// naming the same item give equal Keys.
package gs1
