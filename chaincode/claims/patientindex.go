package claims

import (
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// The patient index lists a patient's claims for the provider and the
// payer of each, newest first. Each claim has one private entry in its
// provider–payer pair's collection, keyed [claimsByPatient, token,
// inverted submission stamp, claim id], the token an HMAC under the
// collection's blinding secret of the patient's pseudonym: the key's
// SHA-256, which the block carries, can be rebuilt only with the secret,
// so nobody outside the pair can test a pseudonym against it, and the
// entries of one patient share no public key or hash prefix. The value is
// sealed like every private record. Nothing is public: no key of world
// state names or counts a patient's claims.

// patientEntry is a patient index entry's value.
type patientEntry struct {
	Claim string `json:"claim"`
}

// putPatientEntry writes a new claim's patient index entry.
func (t *tx) putPatientEntry(cl *wire.Claim, tr *wire.Trace) error {
	coll := wire.PairCollection(tr.Provider, tr.Payer)
	token, err := t.patientToken(coll, cl.Input.Patient)
	if err != nil {
		return err
	}
	inv, err := invertedStamp(cl.Submitted)
	if err != nil {
		return err
	}
	k, err := key(objByPatient, token, inv, cl.Input.ID)
	if err != nil {
		return err
	}
	_, err = t.putPrivate(coll, k, patientEntry{Claim: cl.Input.ID})
	return err
}

// patientToken is the patient's token in a pair's collection.
func (t *tx) patientToken(coll, patient string) (string, error) {
	b, err := t.blinder(coll)
	if err != nil {
		return "", err
	}
	return b.Token(objByPatient, patient), nil
}

// ListByPatient lists, newest first, the claims of a patient (transient
// "patient", a PatientQuery) that the caller's org is a party to: for the
// billing staff of an org playing the provider, its claims with every
// payer; for the adjudicators and claims intake of an org playing the
// payer, every provider's claims it pays. Each page reads at most
// pageSize entries of one pair's collection at a time, from the bookmark.
// It reads private data: evaluate it, on the caller's own peer.
func (c *Contract) ListByPatient(ctx contractapi.TransactionContextInterface, pageSize int32, bookmark string) (*wire.ClaimPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	_, part, err := t.require(providerBilling, payerClaimStaff)
	if err != nil {
		return nil, err
	}
	var q wire.PatientQuery
	if err := t.Transient(wire.TransientPatient, &q, 1024); err != nil {
		return nil, err
	}
	if err := validate.Identifier("patient", q.Patient); err != nil {
		return nil, err
	}
	size, err := state.PageSize(pageSize)
	if err != nil {
		return nil, err
	}
	colls, err := t.pairCollections(part)
	if err != nil {
		return nil, err
	}
	at, err := openPatientBookmark(bookmark, colls)
	if err != nil {
		return nil, err
	}
	return t.patientPage(q.Patient, colls, at, size)
}

// patientBookmark is where a patient's next page starts: a pair's
// collection and the bookmark within it.
type patientBookmark struct {
	Collection string `json:"c"`
	Within     string `json:"b,omitempty"`
}

func openPatientBookmark(s string, colls []string) (patientBookmark, error) {
	if s == "" {
		if len(colls) == 0 {
			return patientBookmark{}, nil
		}
		return patientBookmark{Collection: colls[0]}, nil
	}
	var b patientBookmark
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(raw, &b)
	}
	if err != nil || !slices.Contains(colls, b.Collection) {
		return patientBookmark{}, ccerr.Invalid("bookmark", "is not a bookmark of this list")
	}
	return b, nil
}

func (b patientBookmark) String() string {
	raw, _ := json.Marshal(b)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// patientPage fills a page from the pair collections, in order, from at,
// reading at most size entries.
func (t *tx) patientPage(patient string, colls []string, at patientBookmark, size int32) (*wire.ClaimPage, error) {
	out := &wire.ClaimPage{Items: []wire.Claim{}}
	for i, left := slices.Index(colls, at.Collection), size; i >= 0 && i < len(colls); i++ {
		if left == 0 {
			out.Bookmark = patientBookmark{Collection: colls[i]}.String()
			return out, nil
		}
		next, read, err := t.patientClaimsIn(colls[i], patient, left, at.Within, out)
		if err != nil {
			return nil, err
		}
		if next != "" {
			out.Bookmark = patientBookmark{Collection: colls[i], Within: next}.String()
			return out, nil
		}
		left -= read
		at.Within = ""
	}
	return out, nil
}

// patientClaimsIn appends up to limit of the patient's claims in one
// pair's collection to out, and returns the bookmark that follows them
// and how many entries it read (never more than limit).
func (t *tx) patientClaimsIn(coll, patient string, limit int32, within string, out *wire.ClaimPage) (string, int32, error) {
	token, err := t.patientToken(coll, patient)
	if err != nil {
		return "", 0, err
	}
	page, err := state.ScanPrivateByPartialKey(t.Stub, coll, objByPatient, []string{token}, limit, within)
	if err != nil {
		return "", 0, err
	}
	var read int32
	for _, r := range page.Records {
		read++
		cl, err := t.patientClaim(r.Key, patient)
		if err != nil {
			return "", 0, err
		}
		if cl != nil {
			out.Items = append(out.Items, *cl)
		}
	}
	return page.Bookmark, read, nil
}

// patientClaim is the claim an entry points to, or nil when it is not the
// patient's (an entry this chaincode did not write).
func (t *tx) patientClaim(k, patient string) (*wire.Claim, error) {
	_, attrs, err := state.SplitKey(k)
	if err != nil || len(attrs) != 3 {
		return nil, nil
	}
	tr, err := t.trace(attrs[2])
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cl, err := t.record(tr)
	if err != nil || cl.Input.Patient != patient {
		return nil, err
	}
	return cl, nil
}

// pairCollections are the pair collections of the caller's org on the
// side of part, sorted: with every payer for a provider, with every
// provider for a payer. Only orgs that run peers have collections.
func (t *tx) pairCollections(part string) ([]string, error) {
	var reg parts.Registry
	if err := cccall.Call(t.Stub, parts.Chaincode, parts.FnList, &reg); err != nil {
		return nil, err
	}
	me := t.Caller.MSPID
	var out []string
	for _, o := range reg.Orgs {
		switch {
		case o.MSPID == me || !o.Peer || !t.org.Peer:
		case part == parts.PartProvider && o.Plays(parts.PartPayer):
			out = append(out, wire.PairCollection(me, o.MSPID))
		case part == parts.PartPayer && o.Plays(parts.PartProvider):
			out = append(out, wire.PairCollection(o.MSPID, me))
		}
	}
	slices.Sort(out)
	return out, nil
}
