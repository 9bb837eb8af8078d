// Package claims is the carechain insurance-claims chaincode: providers
// submit claims, payers adjudicate and pay, duplicates and impossible claims
// are refused, and claim details stay between the provider and the payer.
//
// # Privacy
//
// Any provider bills any payer. Diagnoses, procedures, amounts and the
// patient-day index of a claim live only in the collection of its
// provider and payer, claims_<PROVIDER>_<PAYER> (wire.PairCollection),
// whose members are the two and whose endorsement policy needs both
// peers; the chaincode picks it from the claim's parties. A payer's
// coverages, plan rules, duplicate salt and member accumulators live in
// its own collection, claimsPayer_<PAYER> (wire.PayerCollection), whose
// members are the payer and every provider on the channel, and whose
// policy needs the payer's peer and a provider's: every claim transaction
// is endorsed by the claim's provider and payer, and both must read them
// to compute the same adjudication, so they cannot be the payer's alone;
// and they cannot be per pair, since a member's deductible and annual
// limit count across every provider. (A provider reads what an X12 271
// eligibility answer tells it anyway: coverage, deductible met.) The
// payers' collection claimsPayers holds the cross-payer duplicate screen
// (screen.go). carenet generates every definition from the topology
// (network/collections), so a payer or provider that joins has its
// collections with the next chaincode definition. Details are sent as
// transient data. Another payer's or provider's peer holds no claim
// detail.
//
// Every block still carries, for each private key written or read, the
// SHA-256 of the key, and for each value written, the SHA-256 of the
// value. So nothing private is keyed or stored in a form anyone could
// rebuild from a guess (package kit/blind; each collection's blinding
// secret is set once by SetupBlinding, which carenet calls after deploying):
//
//   - Keys. Every private key is [type, token], the token an HMAC under the
//     collection's secret of the type and its attributes: coverage (payer,
//     coverage id — a coverage id identifies a member), rules (payer, plan
//     — a plan name is a public fact, but a claim reads its plan's rules,
//     so an unblinded key would name every claim's plan), salt (payer),
//     accumulator (payer, member, year), claimsByPatientDay (payer, patient,
//     service day). The patient index, claimsByPatient, is keyed [type,
//     token of the patient, inverted stamp, claim id] so that it can be
//     listed by the token (patientindex.go): its key hashes too need the
//     secret. A claim's record is [claim, token, id]: the trace names
//     the token (Trace.Record), so that every peer, member or not, finds the
//     record's hash and checks the trace against it. That key's hash is
//     therefore known to whoever reads the trace; it says what the
//     transaction, which writes both, already says (this is the record of
//     claim id) and nothing of the patient. The id in the key binds the
//     record to its trace: a forged trace naming another claim's token
//     finds no record.
//   - Values. Every private value is sealed: its salt (Blinder.Salt of the
//     key in that transaction, 256 bits, the same on every endorser),
//     length-prefixed as commit.Sum frames it, then its JSON. The value's
//     SHA-256, which the block carries, is thus commit.Sum(salt, JSON):
//     unguessable, and a commitment the record's holder can open.
//   - The trace's detailsHash is that commitment: a regulator given the
//     record and its salt by either party checks it with commit.Sum; a
//     diagnosis, code or amount guessed into a rebuilt claim confirms
//     nothing without the salt.
//
// # What is public
//
// Everything below is in world state or in every block; none of it names,
// counts or dates a patient.
//
//	claimTrace/ID            {id, status, outcome, provider, payer, record,
//	                         detailsHash, updated}
//	claimByStatus/PARTY/STATUS/INVERTED-STAMP/ID   for the provider, the
//	                         payer and "*" (the regulator's lists)
//	claimFingerprint/FP      {claim, sequence}, one per claim line
//	settings/channel         {paymentConsentRequired, updated}
//	events                   claim.STATUS (id, provider, payer);
//	                         coverage.registered and rules.set (the
//	                         transaction id, the payer); settings.changed
//	responses                receipts: the claim's id, status, outcome and
//	                         transaction id; for coverage and rules the
//	                         transaction id only
//	arguments                claim ids, the settings' boolean, the
//	                         collection name; every other input is transient
//
// Coordination of benefits and the cross-payer screen add no public key:
// a crossover is a claim like any other (its id is CrossoverID of the
// primary's, its trace names the secondary payer), and the screen writes
// only the payers' collection.
//
// Why each reveals nothing:
//
//   - The claim id is the public handle of a claim (its trace, lists,
//     events, the arguments of every transaction on it), so it must be
//     opaque: Submit refuses one that contains the patient's pseudonym or
//     the coverage id, and carectl mints random ids. It is not linked to a
//     patient anywhere in public state.
//   - Status and outcome are what the parties must be able to prove to
//     others; parties are orgs. Why a claim is pended (coverage, prior
//     authorization, a fraud signal) is not public: receipts leave it out,
//     and Get tells the parties.
//   - Time stamps (updated, the inverted stamps of the status index) are
//     those of the transactions that changed the claim, which every block
//     header carries anyway. They date claim actions, not a patient's
//     visits: service dates and billable periods are private, and no public
//     key groups a patient's claims.
//   - A line fingerprint is an HMAC, under the payer's salt (private, set
//     once, 32 random bytes or more), of provider, patient, date, code,
//     modifiers and units: nobody without the salt can test a patient and
//     a service against it, and each service has its own key, so two
//     claims never share one (a duplicate is refused). Its value names only
//     the claim and line.
//   - The per-patient-day index is private (claimsByPatientDay): the old
//     public index put all of a patient's claims of a day under one key
//     prefix, which counted them for every block reader.
//   - record is a token (an HMAC), detailsHash a salted commitment: neither
//     is the hash of anything guessable.
//   - Coverage and rules transactions name neither the coverage, the member
//     nor the plan: only that the payer registered one, or set a plan's
//     rules.
//
// # Who may do what
//
// Every transaction checks its caller first, against the parts registry
// (chaincode parts, read through kit/registry): a role attribute counts
// only when the caller's org plays the part that grants it. An org the
// registry does not list is FORBIDDEN everywhere, and an identity without
// a role (an org's admin) wherever the table names a role.
//
//	Submit                  billing of an org playing the provider; the claim's
//	                        payer must play the payer (INVALID_ARGUMENT "payer")
//	SubmitIntake            claims intake of an org playing the payer, for
//	                        itself; the provider named must play the
//	                        provider (INVALID_ARGUMENT "provider")
//	Void, Replace, Appeal   billing of the claim's provider
//	Dispute                 billing of the provider named on an intake claim
//	Crossover               billing of the claim's provider; adjudicators and
//	                        claims intake of the secondary payer it names
//	                        (not the primary's: it is no member of the
//	                        secondary's collections)
//	SealedRecord            Get's readers
//	Screen                  adjudicators and claims intake of the claim's
//	                        payer, on its own peer
//	ListFlags               adjudicators and claims intake of a payer (its
//	                        own flags)
//	SealedFlag              adjudicators and claims intake of the claim's
//	                        payer, on its own peer
//	ResolveFlag             adjudicator of the claim's payer
//	Adjudicate, Pay,
//	ReversePayment          adjudicator of the claim's payer
//	SetRules                adjudicator of a payer, for its own plans
//	RegisterCoverage,
//	SetSalt                 enrollment of a payer, for its own plans and salt
//	SetSettings             an admin of the org playing the regulator
//	Get, Remittance         billing of the claim's provider; adjudicators and
//	                        claims intake of its payer
//	GetCoverage             the coverage's payer's adjudicators, claims intake
//	                        and enrollment; billing of a provider (eligibility)
//	ListByPatient           billing of a provider and adjudicators and claims
//	                        intake of a payer: the patient's claims their org
//	                        is a party to (patient in transient)
//	ListByStatus            billing of a provider and adjudicators and claims
//	                        intake of a payer (their org's claims); auditors of
//	                        the regulator (every claim)
//	GetTrace, GetSettings   any identity of an org the registry lists
//	SetupBlinding           an admin of a member org of the collection, once
//	BlindingReady           any identity of a member org
//
// Rules, coverages and salts belong to a payer: they are keyed by the payer
// (rules by payer and plan), so one payer cannot touch another's, and when
// the payer's registry entry lists plans, the plan must be one of them. A
// coverage is adjudicated only while its payer still owns its plan. Each
// payer has its own salt, set once.
//
// # Duplicates and fingerprints
//
// Each claim line has a fingerprint: HMAC-SHA256, keyed with the payer's
// salt, over what makes a service the same service — provider, patient,
// date of service, procedure code, modifiers (normalised and sorted) and
// units — and never over what the provider bills for it or how the
// billable period is written. Each line fingerprint is a public key of its
// own, so a duplicate is found with one read per line, and nobody without
// the salt (only the provider and the payer hold it) can test guesses of a
// patient and a service against it. A claim with a line that an earlier,
// live claim to the same payer billed is refused with CONFLICT naming the
// original claim and line; two lines of one claim that bill the same
// service are INVALID_ARGUMENT. Void and Replace release the fingerprints.
//
// # Coordination of benefits
//
// A claim names the patient's next coverage (Secondary). Once the primary
// payer has adjudicated it, Crossover (cob.go) makes the claim for the
// remainder at the secondary, endorsed by the provider's and the
// secondary's peers, in their pair's collection. The secondary's peer
// cannot read the primary pair's collection, so the crossover carries the
// primary's sealed record in the transient map, and every endorser checks
// its SHA-256 against the trace's commitment, which is the record's hash
// every peer holds (GetPrivateDataHash): a record that was changed, or is
// another claim's, is refused. The secondary adjudicates by its own plan
// and then pays, per line, the least of what its rules pay and what the
// primary left to the patient: never what the primary paid (shown as
// OA-23), and what the patient still owes keeps the primary's codes. Its
// annual limit counts what it paid; its deductible is not credited by a
// crossover. The remittance shows both (Prior, priorPaid). A crossover
// happens once (its id is taken), and is no duplicate: its fingerprints
// are the secondary's, and the screen spares a claim and its crossover.
//
// While a crossover is live (not voided), its primary is neither voided,
// replaced, appealed, disputed nor denied a line as a duplicate
// (FAILED_PRECONDITION naming the crossover): the secondary's claim rests
// on the primary's adjudication. To correct a primary, the secondary
// reverses its payment of the crossover (a paid claim is not voided), the
// provider voids the crossover, and then the primary changes; a
// replacement crosses over under its own id (resolve.go, crossoverSettled).
//
// # Duplicates across payers
//
// The line fingerprints above are per payer. The payers' screen (Screen,
// screen.go) finds the same service billed to two payers, or billed by
// the provider and submitted by an insurer's intake: a consortium-wide
// token of provider, patient, date of service, procedure, modifiers and
// units under the secret of the payers' collection claimsPayers, which no
// other org's peer holds, so nobody else can compute it. A provider's peer
// can neither read that collection nor compute the token, and every
// endorser must produce the same read-write set, so the screen is a
// transaction of its own: the claim's payer runs it after the claim
// commits (its system, the claims client's Automate or carectl claims
// follow --screen, does it on each new claim's event, so the second claim
// of a service is flagged to both payers as soon as it is on the ledger,
// whichever payer screens first), endorsed by its peer. A screen always
// writes its payer's entries, even unchanged: Fabric validates a
// transaction without writes against the chaincode's policy, which one
// payer's peer does not meet. Each line's token keys one entry per
// payer (that payer's live claims with the line); another live claim in
// any entry, not related by coordination of benefits, flags both lines,
// each to its own payer (ListFlags): the payer's own claim and line, and a
// match token the payers flagged for the service share. A one-cent,
// modifier-order or billable-period change is the same service.
//
// A payer resolves a flag on its own claim (ResolveFlag, resolve.go): the
// line is a duplicate, and is denied (CO-18; its payment and deductible
// leave the member's accumulator; an adjudicated claim only), or the flag
// is cleared; with a reason. The resolution is kept in the claim's record,
// which only the provider and the payer hold, never in the payers'
// collection: the other payer flagged for the service learns nothing of
// it. The provider's peer endorses the change and holds no payers'
// collection, so the payer hands it the flag as stored (SealedFlag),
// checked against the private-data hash every peer holds.
//
// Forged writes. The payers' collection's policy is any payer's peer, so
// that each payer screens alone. Each entry and each flag carries a
// key-level policy of its payer's peer: no other payer, nor any pair of
// other orgs, rewrites or deletes a payer's entries or flags. The
// collection's secret needs every payer's peer. A payer can create flags
// for another payer (the screen must, to flag both): a forged flag is at
// worst a false alarm that its payer reviews, and ListFlags shows a flag
// only when it names a claim of the caller's own org. Providers, the regulator and any pair of them
// cannot write the payers' collection at all. Two colluding payers can
// hide nothing from a third payer's screen but their own claims (a payer
// that does not screen its claims leaves them out of every entry).
//
// Residual risks of the screen. Every payer's peer holds the whole payers'
// collection: a payer's operator, outside the chaincode, can read which
// claim ids of another payer share a service with which, and, knowing a
// patient's pseudonym, can compute the token of a guessed service and
// look up another payer's entry for it. The screen's reads and writes of
// entry keys are in the blocks as key hashes: two screens of the same
// service read the same hashes, so a block reader learns that two claims
// (public ids) bill one service — that a match exists — though not whose
// patient or which service; the number of writes shows whether a screen
// flagged. Flags are listed a page at a time from a private range query
// that starts at the bookmark, to any length. The screen relies on each payer
// screening its claims; a claim voided or replaced afterwards stays in
// the entries but no longer matches (its trace says so).
//
// # Time
//
// Contract.Clock (time.Now in cmd/main.go) is the endorsing peer's clock:
// a transaction stamped more than five minutes from it is refused
// (INVALID_ARGUMENT "timestamp"). Each claim keeps the stamp of its latest
// change, and a transaction stamped before it is refused; so do new rules
// of a plan and new settings. Appeals are allowed for AppealWindow after
// the adjudication; with the two checks, a backdated appeal cannot reopen
// a window that has closed.
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
// error; more claims for one patient and service day than the plan allows
// (counted in the private patient-day records, patientday.go). Drug lines
// cannot be validated against the supply channel: chaincode can only read
// another channel (a query, not part of this transaction's validation), so
// a dispensed-unit check would not be endorsed state; it is left to the
// payer's off-chain review.
//
// # Lists
//
// Every change of a claim moves its status index entries, keyed (party,
// status, inverted stamp of the change, id) for the provider, the payer and
// all parties: a list is one partial-key range that starts at its bookmark
// and stops after the page, newest change first, however many claims there
// are. Independent claims write no common key: only their own trace, index
// entries and fingerprints, and the private records of their patient-days
// and their member's accumulator.
//
// # Trust model
//
// The chaincode's endorsement policy on care is any two of the three peer
// orgs (provider, payer, regulator). On top of it:
//
//   - Claim keys. Every public key of a claim — its trace, its status index
//     entries and its line fingerprints — carries a key-level endorsement
//     policy: the claim's provider's peer AND its payer's peer. Submitting,
//     adjudicating, paying, reversing, appealing, voiding or replacing a
//     claim therefore needs both parties' peers, whatever the chaincode
//     policy, and both peers run the checks above.
//   - Private records. Claims and patient-day records are in their pair's
//     collection, whose endorsement policy is AND of the provider's and
//     the payer's peers; coverages, rules, salts and accumulators in the
//     payer's, whose policy is AND of the payer's peer and any provider's;
//     each collection's blinding secret in it. We
//     chose the collection-level policy over key-level policies on private
//     keys because it also covers the first write of a key (a key-level
//     policy exists only once the key does, so another pair could create a
//     plan's rules first). What protects a payer's rules, coverages and
//     salt is the payer's own peer, which endorses only what its
//     adjudicator or enrollment staff submitted; the provider's peer adds a
//     second check of the same code.
//   - Reads that distrust state. A trace is a claim only when the private
//     record keyed by the token it names and its own id exists and its
//     SHA-256 (readable on every peer) is the trace's detailsHash — a trace
//     copied under another id names a key that does not exist; a status
//     index entry counts only when its claim's trace has that status, stamp
//     and party; a fingerprint entry counts only when the live claim it
//     names has that line fingerprint. The patient-day records that count
//     claims for the fraud signal are private, so only the two parties
//     write them (when they were public, any pair could add entries).
//
// What two colluding orgs can and cannot do:
//
//   - The provider and the payer of a claim (both endorse every write of
//     it) can write anything about their own claims and their collection —
//     that is the agreement the claim records — including skipping the
//     consent check; they can forge the channel settings, which guard only
//     disclosures between the two of them. They cannot touch another
//     provider's or payer's claims, whose keys name other peers, nor put
//     claim details on a third org's peer.
//   - The provider and the regulator cannot change a claim, its index
//     entries or fingerprints (the payer's peer is missing), nor write any
//     private record: the hospital cannot rewrite the insurer's fee
//     schedule, coverage or salt, nor the blinding secret. Neither pair
//     learns the secret (it never leaves the collection) or any private
//     key or value from the blocks. The payer and the regulator likewise
//     cannot change a claim or a private record without the provider's
//     peer. Either pair can create public keys no claim owns yet (the
//     chaincode policy allows it): a fake trace, status entry or
//     fingerprint entry is ignored when read; a squatted claim id is a
//     CONFLICT for that id only, and a squatted fingerprint key whose
//     forged policy blocks the honest claim is a denial of service, not a
//     forgery.
//   - Any two of the three peer orgs are a majority of care and can change
//     the parts registry (its governance rule, in blocks for all to see):
//     they could make the hospital a payer. Its adjudicator could then set
//     rules, but only the hospital's own (rules are keyed by payer): claims
//     to the insurer keep the insurer's rules.
//
// Residual risks of privacy. Fabric needs each private key's hash in the
// block, so transactions that touch the same private record show the
// same opaque hash: the claims of one member under one coverage (the
// coverage is read by each), of one member and year (the accumulator), of
// one patient and day (the patient-day record), of one plan (its rules)
// are linkable to one another by anyone holding the blocks — to one
// another, never to the member, whose pseudonym, coverage and plan no
// block names or lets anyone recompute. A claim's number of lines shows
// (one fingerprint key each), and a service billed again after a void
// writes the fingerprint key the voided claim released, linking the two
// claims. Blinding holds only while the secret stays in the collection:
// it is set once, from the transient map, with the members' peers
// endorsing (the collection's policy also guards it), and cannot change,
// since every token depends on it. The cross-chaincode calls (records'
// MatchSubject, consent's Check) put their own reads in the transaction:
// those chaincodes blind their keys.
//
// Residual risks of trust: Fabric does not bound the client's timestamp;
// the skew guard relies on honest endorsers' clocks, and within its five
// minutes a client chooses its time. Accumulators carry no stamp of their
// own: they change only in claim transactions, which are stamp-checked per
// claim.
// The fingerprint counts units and modifiers as part of the service: the
// same visit billed with another modifier or unit count is not a
// duplicate (the patient-day signal and the payer's review remain). A
// payer's collection is shared with every provider: a provider's peer
// holds every coverage, plan's rules and member accumulator of the payer
// (blinded keys, sealed values), which its chaincode shows its billing
// staff only for a coverage id they name; a peer's operator could read
// them all. The payer and one colluding provider can write the payer's
// records (the collection's policy), which adjudications of another
// provider's claims then read. State written by versions before the
// collections per pair (claimsProviderPayer), before the parts registry
// or before blinding (unblinded or unsealed private records, the public
// patient-day index) is not read: payers set their salt, rules and
// coverages again, and claims from before cannot be read or changed.
package claims
