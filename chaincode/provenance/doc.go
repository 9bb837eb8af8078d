// Package provenance is the carechain drug supply chain chaincode (channel
// supply), after GS1 EPCIS 2.0 and the US DSCSA: manufacturers register
// products and lots and commission serialized units; units are packed into
// cases and cases onto pallets; trading partners ship and receive them with
// their DSCSA documents kept between the two; pharmacists verify and
// dispense; suspect product is quarantined, cleared or found illegitimate;
// lots are recalled; every step is an EPCIS event on the unit's trace.
//
// # State
//
// Ownership, custody and disposition live on the outermost container: a
// unit in a case on a pallet is wherever the pallet is, so shipping a
// pallet of 1,000 units writes one item key. What counts for a unit is
// therefore its effective state (effectiveOf): the outermost container's
// disposition and the gravest suspect state on the way out, unless the
// unit's own life has ended (dispensed, destroyed, decommissioned,
// illegitimate). Verify, Dispense, GetItem and RecallReport read it;
// Unpack carries it down to what it releases, so a destroyed or
// illegitimate case never yields live units. Only outermost items are
// suspected, cleared, destroyed or decommissioned, so an inner unit has no
// state its containers do not show. A container keeps the lots it holds
// with their unit counts (maintained by Pack, Unpack and Dispense): Pack,
// Ship and Receive refuse a recalled lot inside a pallet by reading the
// pallet's lots, not its units. Nothing unfit travels hidden: Pack refuses
// recalled, suspect, quarantined, illegitimate or finished items.
//
// # Who may do what
//
// Every transaction checks its caller first against the parts registry
// (chaincode parts, through kit/registry): a role attribute counts only in
// an org playing a part that grants it. Trading partners (manufacturer,
// distributor, pharmacy) must in addition hold an active licence today in
// the regulator's partner registry (RegisterPartner), which stays the
// regulator's licensing record: the parts registry says what an org is,
// the licence that it may trade now. Ownership comes last: the holder is
// the owner of the outermost container, at rest (not in transit).
//
//	RegisterPartner              the regulator's registrar
//	RegisterProduct, CreateBatch quality staff of a manufacturer whose GS1
//	                             company prefixes (registry) own the GTIN;
//	                             a lot only of its own registered product
//	Commission                   quality or logistics staff of that manufacturer
//	AnchorUnits                  quality staff of the manufacturer of the lot
//	                             (units commissioned before anchors existed)
//	Pack, Unpack, Decommission,
//	Destroy                      the holder's quality, logistics or pharmacist
//	                             staff (each as its part grants it)
//	Ship                         the holder's logistics staff or pharmacist, to
//	                             another licensed org playing a trading part;
//	                             a licensed shipper that does not hold an item
//	                             is refused and its attempt kept as a
//	                             counterfeit signal
//	Receive                      logistics staff or pharmacist of the named
//	                             receiver
//	AddReading                   staff of the shipment's sender or receiver
//	ReportReading                the holder's staff, of an item at rest
//	Dispense                     a pharmacist of an org playing the pharmacy,
//	                             holding the unit
//	Suspect                      the holder's staff, or the registrar
//	Clear, MarkIllegitimate      the holder's quality staff or pharmacist (the
//	                             trading partner that holds suspect product
//	                             investigates, DSCSA), or the registrar
//	RecallLot                    quality staff of the product's manufacturer, or
//	                             the registrar
//	Verify, GetItem, GetShipment,
//	GetPartner, Trace,
//	RecallReport, ListSignals    any member of a supply part with a role that
//	                             counts there (the auditor reads, never acts)
//	GetDSCSA                     staff of the shipment's two partners (the
//	                             documents and the salt of their commitment)
//	SetupBlinding                the admin of a member org of the collection
//	                             (dscsa_A_B: A or B; commission_X: X)
//	BlindingReady                any supply member, or an org's admin
//
// An org the registry does not list is FORBIDDEN everywhere, licence or
// not, and so is an identity without a role (an org's admin) except for
// the two blinding transactions. A transaction sent more arguments than
// it takes is INVALID_ARGUMENT "args" before anything else (contractapi
// would ignore them, but they would reach the block).
//
// # Trust model: who must agree to each write
//
// The chaincode's own policy on supply is any two of the four peer orgs
// (network/topology.yaml); it cannot be a majority, as Ship's transient
// DSCSA documents would then reach a third endorser. That alone would let
// two colluding orgs endorse a fabricated write set for any key, so every
// record that belongs to someone carries a key-level (state-based)
// policy, set when it is created and moved with the state (endorse.go):
//
//	item or container at rest       AND(owner)      Commission, Pack, Receive,
//	                                                Unpack, Dispense set it
//	item in transit, its shipment   AND(sender, receiver)   Ship
//	shipment received               AND(receiver)   Receive
//	unit or case inside a container,
//	container-content entries, lot
//	index entries, recalls, events,
//	verifications, signals          sealed: OutOf(n/2+1) of the n orgs
//	                                with peers in the parts registry
//	product, lot                    AND(manufacturer)
//	partner licence                 AND(the registrar's org)
//	a unit's commissioning anchor   AND(manufacturer), the collection-level
//	                                policy of commission_<manufacturer>,
//	                                which governs new keys too
//	a shipment's DSCSA documents    AND(sender, receiver), the collection-
//	                                level policy of their dscsa collection
//	a collection's blinding secret  the collection-level policy: both
//	                                partners (dscsa), the manufacturer
//	                                (commission); set once, by a member's
//	                                admin (SetupBlinding, CONFLICT after)
//
// Units inside a container are sealed rather than owned because their
// owner changes with the outermost container, which their keys cannot
// follow without rewriting every unit (the pallet would no longer be one
// key): with the owner-at-packing policy the packer alone could later pull
// a unit it sold out of the pallet. Sealed, such a change needs a majority
// of the peer orgs — the same majority that governs the parts registry and
// the chaincode lifecycle, so it adds no new power. The price: Unpack and
// a Dispense from a container are endorsed by that majority, which the
// gateway plans from the policies the simulation touched.
//
// A key-level policy protects a key only once it exists: the creation of
// a key is validated against the chaincode's policy alone, so any two orgs
// can create records. What makes a unit real is therefore not its record
// but its commissioning anchor (anchor.go): Commission writes, in the same
// transaction, a commitment to the unit's GTIN, serial, lot and expiry
// into its manufacturer's commissioning collection, whose collection-level
// endorsement policy is the manufacturer's peer — for new keys as for
// existing ones. Every read that gives a unit meaning compares its record
// with the anchor's hash (GetPrivateDataHash, which every peer answers)
// in the collection of the product's manufacturer as the parts registry
// confirms it (a manufacturer whose company prefixes own the GTIN). A unit
// record without a matching anchor is as if it did not exist: Verify
// answers UNKNOWN_SERIAL and records a SERIAL_NOT_COMMISSIONED signal;
// Dispense, Pack, Ship, Receive, Suspect, Destroy, GetItem and Trace are
// NOT_FOUND (Pack and Ship: INVALID_ARGUMENT "does not exist" naming the
// index); RecallReport leaves it out; Commission does not write over it
// (the key may carry the forgers' policy) but signals it.
//
// Honest code must not act on forged input either — the owner's peer
// would endorse the result, as it runs the same code. Receive and
// AddReading act only on items that a real Ship put in transit on that
// shipment (a forged shipment record naming another's stock is refused);
// Unpack releases only genuine children that point back at the container
// and leaves other contents entries alone; RecallReport lists only genuine
// units of the lot it is asked about.
//
// Hence, for each write: the caller's org must pass the access table and
// the listed peers must endorse. Any two colluding orgs cannot: create a
// unit that verifies or can be dispensed, packed, shipped or received
// (without the manufacturer's peer there is no anchor; a second
// manufacturer among them anchors only in its own collection, which counts
// only for GTINs under its own prefixes); move, release or rewrite an item
// or shipment held by a third org, or one in transit between a third org
// and one of them (sender and receiver together decide only their own
// trade), including by a forged shipment record; pull a unit out of a
// container; take a recall back or hide a unit from its recall report;
// rewrite another's product, lot or licence; rewrite or delete an event,
// verification, signal or anchor; set, replace or plant the blinding
// secret or the DSCSA documents of a collection they are not both
// members of (a replaced secret would hide every blinded key). They can create keys that do not exist
// yet, none of which gives a unit meaning: a unit record (ignored, and
// its serial is then taken: the manufacturer cannot commission it —
// signalled), a lot or a product record (the real manufacturer can no
// longer create that lot or register that GTIN — visible; their units are
// unknown), a container (an empty shell: any unit it claims is unknown,
// though the shell itself can be shipped, received and listed as a case),
// a shipment record (nothing real moves with it), contents entries under a
// real container (skipped by Unpack), a licence for a registry org the
// regulator never licensed (a licence for an org the parts registry does
// not list is useless, as both checks are needed; rewriting or
// reinstating an existing one needs the regulator), a recall (a visible
// denial of service); add or remove event index entries (a trace shows
// more or fewer events; the events themselves are sealed) and forge
// counterfeit signals. One org alone can change only what it owns at
// rest, its own products, lots and anchors (the manufacturer) or licences
// (the regulator) — which the chaincode lets it change anyway.
//
// # Time
//
// The transaction timestamp is the only now. Begin refuses one further
// than txtime's default skew (five minutes) from the endorsing peer's
// clock (Contract.Clock, time.Now in cmd/main.go; nil in unit tests), and
// every item, container, shipment, lot, product and licence keeps the stamp
// of its latest change: a transaction stamped before it is refused, and a
// verification is refused before the latest change of the unit, its
// containers or its lot's recall. Backdating therefore cannot reopen a
// window that a later change closed. Event index keys carry fixed-width
// stamps, ascending and descending, so traces read either way.
//
// # Lists
//
// Trace merges the event indexes of an item and of every container it
// travelled in, page by page from a bookmark that names the next event's
// place (each index is read from there for at most one page), so a trace
// pages to any length, oldest or newest first. ListSignals pages an
// object's signals either way; RecallReport pages a lot's units in serial
// order. No scan reads more than a page, or the at most 1,000 children of
// one container (Unpack).
//
// # What is public
//
// The first rule of the domain: nothing on the ledger names a patient,
// and nothing lets a channel member, or anyone holding the blocks, link a
// block to one — nor, since employees are persons too, to an employee
// (a pharmacist's verification history would be workplace surveillance).
// Every block carries the transaction's arguments, its response, its
// chaincode event, its public writes and, for each private write, the
// SHA-256 of the key and of the value. What provenance puts there:
//
// World state (every key a composite key; values JSON):
//
//	partner~MSP                    an org's licence: name, licence number,
//	                               GLN, validity, status — an org, not a person
//	product~GTIN, batch~GTIN~LOT   product and lot master data, the
//	                               manufacturer org
//	recall~GTIN~LOT                the recalling org (not its employee), the
//	                               reason (free text the client chooses:
//	                               public, like every argument), the time
//	item~ID                        a unit (SGTIN) or container (SSCC): owner
//	                               and custodian orgs, disposition, shipment,
//	                               containers, lot counts, the latest change
//	unitsByLot~GTIN~LOT~SERIAL,
//	contains~SSCC~CHILD            empty index entries of supply objects
//	shipment~ID                    sender and receiver orgs, items, the
//	                               salted commitment to the DSCSA documents
//	                               (dscsaHash, below), stamps, excursions
//	event~TX~N                     the EPCIS event: objects, step,
//	                               disposition, orgs (source, destination,
//	                               recordedBy), a logger's device id
//	eventByObject(Desc)~OBJ~STAMP~TX~N   index entries
//	verification~UNIT~TX           the unit, the identifier checked, the
//	                               result and the org that asked
//	signal(Desc)~OBJ~STAMP~TX      a counterfeit signal: code, object, the
//	                               org whose act raised it, a reason the
//	                               chaincode writes (orgs and serials only)
//
// and key-level endorsement policies naming orgs' peers. Chaincode events
// (one envelope per transaction: its id and time, then changes) carry
// epcis.<step> (event id, count), counterfeit.signal (object, code),
// unit.verified (unit, result), suspect.<state> and lot.recalled (the
// acting org), partner.<status>, product.registered, batch.created,
// units.anchored (lot, count) and provenance.blinding-set (the
// collection). Responses are receipts, verifications and signals, with
// orgs only. None of them names a person: verifications, signals and
// recalls record the org (Caller.MSPID), never Caller.Key(); ListSignals
// cuts the enrollment id off signals written before.
//
// Patients: provenance knows none. A unit is dispensed by its id alone —
// no patient, prescription or pharmacist argument exists, and a client
// that adds one is refused before endorsement, so it never reaches a
// block. That a unit was dispensed, by which pharmacy org and when, is
// public by design: a dispensed serial that reappears is a counterfeit
// signal (DSCSA), and the time is the block's own timestamp. A pack's
// serial links to a patient only off the ledger, in the pharmacy's
// records or in the hands of whoever holds the pack.
//
// Times: every record carries its transaction's stamp, which the block
// header carries anyway; they date the supply actions of orgs.
//
// Private data, as the blocks show it:
//
//	dscsa_A_B      [dscsa, Token("shipment", id)] → {"salt", "documents"}
//	               (dscsa.go): the key's hash is of a token only the pair
//	               can compute, the value's hash is over a 256-bit salt,
//	               and the public dscsaHash is commit.Sum(salt,
//	               documents) — none is recomputable from a guessed
//	               shipment id, invoice or statement (the partners show the
//	               salt to the regulator with the documents). Shipments
//	               shipped before keep [dscsa, id] → the raw documents and a
//	               bare SHA-256 dscsaHash, in blocks that cannot be rewritten.
//	commission_X   [unit id] → {gtin, serial, lot, expiry}: the anchor is a
//	               commitment to facts the public unit record states in the
//	               same transaction, and it must stay recomputable from
//	               them: every peer, member of the collection or not,
//	               checks a unit record against its anchor's hash
//	               (anchor.go). Its key and value hashes reveal nothing the
//	               public record does not, so they carry no token and no
//	               salt (a salt kept in the public record would hide
//	               nothing either). A test keeps anchors to exactly those
//	               fields.
//	both           blindingSecret~v1 → the collection's secret (32 random
//	               bytes or more, carenet's), hashed once.
//
// # Residual risks
//
//   - Fabric does not bound client timestamps: the skew guard relies on
//     the endorsing peers' clocks being honest and roughly right; within
//     the skew a client still picks its time.
//   - New keys are written under the chaincode's policy, which no
//     key-level policy can precede: two colluding orgs can create records
//     that never existed (see above). Units are anchored; containers,
//     shipments, lots, products, licences and recalls are not, so the
//     forgers can squat their names (a visible denial of service) and a
//     forged container is a shell that travels like a case until its
//     units are verified. Signals, events and their indexes are
//     append-only evidence, not access decisions; forged contents entries
//     lengthen Unpack's scan past the 1,000 children of a real container.
//   - Anchors need a commissioning collection per manufacturer in the
//     chaincode definition (collections.json), approved like the rest of
//     the definition by the channel majority: a manufacturer that the
//     parts registry lists without one cannot commission (INTERNAL, naming
//     the collection) until the definition adds it. A GTIN prefix that the
//     registry moves to another org makes the units of its products
//     unknown (their anchors are in the former owner's collection).
//   - Units commissioned before anchors existed are unknown until their
//     manufacturer anchors them (AnchorUnits). The chaincode cannot tell
//     them from a forgery made before the upgrade: the manufacturer
//     anchors only serials its own records show it commissioned.
//   - Anchor values are on the manufacturer's peers only; every other
//     peer has their hashes, which is all a read compares.
//   - A majority of the peer orgs can do anything, as it can change the
//     chaincode.
//   - Endorsers that withhold endorsement (an owner refusing to endorse the
//     registrar's quarantine of its stock) block a change; the refusal is
//     visible, the change is not forged.
//   - A shipment holding a recalled lot cannot be received and stays in
//     transit with its sender; containers packed before lot counts existed
//     carry none and are not checked for recalled lots until repacked.
//   - Events recorded before the newest-first index existed are only in
//     the oldest-first one, and signals recorded before signals were
//     time-keyed list oldest-first only.
//   - The DSCSA documents are in the two partners' collection only; the
//     regulator sees their commitment, and must ask a partner for them
//     and their salt (GetDSCSA gives both).
//   - Until a dscsa collection has its blinding secret (carenet sets it
//     after deploying, where network/topology.yaml asks for it), Ship and
//     GetDSCSA between that pair are FAILED_PRECONDITION. Ship now reads
//     the pair's secret, so its endorsers must be the pair's peers — which
//     the collection's endorsement policy required already.
//   - Fabric signs every proposal with the submitter's enrollment
//     certificate, so the creator of each transaction (a block field the
//     chaincode cannot change) still names the employee; an org that wants
//     its staff unlinkable must submit through an org-level identity.
//   - Records written before these rules keep what they held: signals,
//     verifications and recalls with "MSP/enrollment id", and the legacy
//     DSCSA keys and bare hashes, in world state and in old blocks.
//   - Free-text arguments (reasons, device ids) are public: the client
//     must not put personal data in them.
package provenance
