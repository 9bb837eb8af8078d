// Package claims is the carechain insurance-claims chaincode: providers
// submit claims, payers adjudicate and pay, duplicates and impossible claims
// are refused, and claim details stay between the provider and the payer.
//
// # Privacy
//
// Diagnoses, procedures, amounts, coverage, plan rules and the duplicate
// salt live only in the private collection "claimsProviderPayer", whose
// members are the provider and the payer and whose endorsement policy needs
// both. They are sent as transient data. Public state holds per claim its
// id, status, outcome, the two orgs, the SHA-256 of the private record and
// its duplicate fingerprint: what the two parties must be able to prove to
// others (a regulator can ask either party for the private record and check
// it against the hash). A third org's peer holds no claim detail.
//
// # Duplicates and fingerprints
//
// A claim's fingerprint is HMAC-SHA256 over provider, patient, service
// dates, procedure codes with modifiers and the total, keyed with a salt the
// payer sets once and that only the two parties hold. It is kept in public
// state under its own composite key, so a duplicate is found with one read,
// and nobody without the salt can test guesses of a patient and a service
// against it. A duplicate is refused with the original claim's id.
//
// # Consent
//
// HIPAA (45 CFR 164.506(c)) permits a provider to disclose information to
// a payer for payment without the patient's authorization, so by default
// claims do not ask the consent chaincode. A consortium that wants more
// sets the channel-level setting paymentConsentRequired (the regulator's
// admin does), and then Submit asks consent's Check for action disclose,
// purpose payment, class "claims", as the submitting billing clerk.
//
// # Fraud signals
//
// Recorded on the claim with their reason, and any signal pends the claim
// for review: a cited record anchor that does not exist or belongs to
// another patient; a service date after the cited record was entered in
// error; more claims for one patient and service day than the plan allows.
// Drug lines cannot be validated against the supply channel: chaincode can
// only read another channel (a query, not part of this transaction's
// validation), so a dispensed-unit check would not be endorsed state; it is
// left to the payer's off-chain review.
//
// # State-based endorsement
//
// Once submitted, a claim's public key needs endorsements from both the
// provider's and the payer's peers to change, whatever the chaincode policy.
// Independent claims write no common key: only their own claim, trace,
// fingerprint, index entries and the patient's yearly accumulator.
package claims
