package records

import (
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// GetHead returns a record's public trace (current version, status,
// custodian, erased), for any member of an org in the parts registry:
// requesters need the custodian to ask its peer for the key.
func (c *Contract) GetHead(ctx contractapi.TransactionContextInterface, id string) (*wire.Head, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	return t.head(id)
}

// MatchSubject tells whether record id belongs to patient subject, for a
// claim that cites it. It answers only the claims chaincode (a direct call
// is FORBIDDEN), asking as a provider's billing staff about the provider's
// own records or as a payer's adjudicator: a yes/no answer on a pseudonym
// is otherwise an oracle of who was treated where.
func (c *Contract) MatchSubject(ctx contractapi.TransactionContextInterface, id, subject string) (*wire.SubjectMatch, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.mayMatchSubject(); err != nil {
		return nil, err
	}
	if err := validate.Identifier("subject", subject); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &wire.SubjectMatch{}, nil
	}
	if err != nil {
		return nil, err
	}
	if t.Caller.Role == parts.RoleBilling && h.Custodian != t.Caller.MSPID {
		return nil, ccerr.Forbidden("%s's billing staff may ask only about %s's records, not %s's", t.Caller.MSPID, t.Caller.MSPID, h.Custodian)
	}
	a, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	m := &wire.SubjectMatch{Known: true, Matches: a.Subject == subject}
	if h.Status == wire.StatusEnteredInError {
		m.EnteredInError = h.Updated
	}
	return m, nil
}

// Verify compares a value with a record version's plaintext commitment
// (PlaintextCommitment under the salt a key holder passed on with the
// document) or its ciphertext's SHA-256, for any member of an org in the
// parts registry; version 0 is the current. It is no oracle for guessed
// contents: the bare SHA-256 of a plaintext never matches, and without the
// salt, which only holders of the document key know, no guess can be
// committed to.
func (c *Contract) Verify(ctx contractapi.TransactionContextInterface, id string, version int, sha256Hex string) (*wire.Verification, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireMember(); err != nil {
		return nil, err
	}
	if err := validate.SHA256Hex("sha256", sha256Hex); err != nil {
		return nil, err
	}
	if err := validate.Range("version", int64(version), 0, 1<<30); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &wire.Verification{Result: wire.Unknown}, nil
	}
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = h.Version
	}
	a, err := t.anchor(id, version)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return &wire.Verification{Result: wire.Unknown}, nil
	}
	if err != nil {
		return nil, err
	}
	v := &wire.Verification{Result: wire.Mismatch, Status: a.Status, Version: a.Version}
	switch sha256Hex {
	case a.PlainCommitment:
		v.Result, v.Of = wire.Match, "plaintext"
	case a.CipherSHA256:
		v.Result, v.Of = wire.Match, "ciphertext"
	}
	return v, nil
}

// Get returns a record version's anchor (version 0: the current one), for
// the custodian org's clinicians, clerks and privacy officer, the patient
// and the regulator's auditor.
func (c *Contract) Get(ctx contractapi.TransactionContextInterface, id string, version int) (*wire.Anchor, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.mayReadAnchors(); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	if version, err = versionOf(h, version); err != nil {
		return nil, err
	}
	a, err := t.anchor(id, version)
	if err != nil {
		return nil, err
	}
	if err := t.mayReadAnchor(a); err != nil {
		return nil, err
	}
	return a, nil
}

// History returns a record's versions, newest first, from bookmark (the
// next version to list; empty: the current one), each with its public
// anchor hash: the chain of PreviousAnchorHash links and these hashes
// verify the whole history, key erased or not. Readers as for Get.
func (c *Contract) History(ctx contractapi.TransactionContextInterface, id string, pageSize int32, bookmark string) (*wire.HistoryPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.mayReadAnchors(); err != nil {
		return nil, err
	}
	h, err := t.head(id)
	if err != nil {
		return nil, err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	from, err := historyBookmark(h, bookmark)
	if err != nil {
		return nil, err
	}
	current, err := t.anchor(id, h.Version)
	if err != nil {
		return nil, err
	}
	if err := t.mayReadAnchor(current); err != nil {
		return nil, err
	}
	return t.historyPage(h, from, size)
}

func historyBookmark(h *wire.Head, bookmark string) (int, error) {
	if bookmark == "" {
		return h.Version, nil
	}
	v, err := strconv.Atoi(bookmark)
	if err != nil || v < 1 || v >= h.Version {
		return 0, ccerr.Invalid("bookmark", "is not a bookmark of this record's history")
	}
	return v, nil
}

func (t *tx) historyPage(h *wire.Head, from int, size int32) (*wire.HistoryPage, error) {
	out := &wire.HistoryPage{Items: []wire.VersionEntry{}}
	for v := from; v >= 1; v-- {
		if len(out.Items) == int(size) {
			out.Bookmark = strconv.Itoa(v)
			break
		}
		a, err := t.anchor(h.ID, v)
		if err != nil {
			return nil, err
		}
		vk, err := versionKey(objVersion, h.ID, v)
		if err != nil {
			return nil, err
		}
		trace, err := state.Get[VersionTrace](t.Stub, vk)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, wire.VersionEntry{Anchor: *a, AnchorHash: trace.AnchorHash, KeyErased: h.KeyErased})
	}
	return out, nil
}

// ListBySubject lists a patient's records by the time they were anchored
// (order "newest" — the default — or "oldest"), each as its current
// anchor, for the patient (subject empty or their own) and the regulator's
// auditor.
func (c *Contract) ListBySubject(ctx contractapi.TransactionContextInterface, subject, order string, pageSize int32, bookmark string) (*wire.RecordPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if !t.isPatient() && !t.isAuditor() {
		return nil, ccerr.Forbidden("only the patient or the regulator's auditor may list a patient's records")
	}
	if subject, err = t.listSubject(subject); err != nil {
		return nil, err
	}
	if order, err = orderOf(order); err != nil {
		return nil, err
	}
	b, err := t.blinder()
	if err != nil {
		return nil, err
	}
	ids, next, err := t.pageIndex(ixRecordsBySubject, order, subjectAttr(b, subject), pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.RecordPage{Items: make([]wire.Anchor, 0, len(ids)), Bookmark: next}
	for _, id := range ids {
		h, err := t.head(id)
		if err != nil {
			return nil, err
		}
		a, err := t.anchor(id, h.Version)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *a)
	}
	return out, nil
}
