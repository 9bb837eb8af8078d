package claims

import (
	"slices"

	"github.com/carechain/carechain/chaincode/claims/wire"
)

// The patient-day index serves one fraud signal: more claims for one
// patient and service day than the plan allows, from one provider. Each
// (payer, patient, day) has one private record in the provider–payer
// pair's collection, keyed by a token of the three, listing the live
// claims with a line on that day. (Claims of the same service from other
// providers or to other payers are the cross-payer screen's, screen.go.)
// A private range query would not do: Fabric allows none in a
// transaction that writes. A point read is in the read set, so two claims
// racing for the same patient-day conflict, as they should; claims of
// different patients or days share no key. Nothing of it is public: the
// key's and the value's hashes in the block are a token's and a salted
// record's.

// dayEntry is a patient-day record.
type dayEntry struct {
	// Claims are the ids of the live claims with a line on the day, sorted.
	Claims []string `json:"claims"`
}

// dayKey is the private key of a patient-day record in the pair's
// collection coll.
func (t *tx) dayKey(coll, payer, patient, day string) (string, error) {
	return t.blindKey(coll, objPatientDay, payer, patient, day)
}

// dayClaims are the claims of a patient-day record, as this transaction
// left it.
func (t *tx) dayClaims(coll, k string) ([]string, error) {
	if ids, ok := t.days[coll+"\x00"+k]; ok {
		return ids, nil
	}
	var e dayEntry
	if _, err := t.lookup(coll, k, "claims of a patient-day", &e); err != nil {
		return nil, err
	}
	return e.Claims, nil
}

// putDay writes a patient-day record, or deletes it when no claim is left.
func (t *tx) putDay(coll, k string, ids []string) error {
	t.days[coll+"\x00"+k] = ids
	if len(ids) == 0 {
		return t.deletePrivate(coll, k)
	}
	_, err := t.putPrivate(coll, k, dayEntry{Claims: ids})
	return err
}

// claimsOnDay counts the live claims of a provider's patient-day with a
// payer but the claim being replaced.
func (t *tx) claimsOnDay(provider, payer, patient, day, replaces string) (int, error) {
	coll := wire.PairCollection(provider, payer)
	k, err := t.dayKey(coll, payer, patient, day)
	if err != nil {
		return 0, err
	}
	ids, err := t.dayClaims(coll, k)
	if err != nil {
		return 0, err
	}
	n := len(ids)
	if replaces != "" && slices.Contains(ids, replaces) {
		n--
	}
	return n, nil
}

// moveDays adds (add true) or removes a provider's claim from the records
// of each of its service days.
func (t *tx) moveDays(provider string, c *wire.ClaimInput, add bool) error {
	coll := wire.PairCollection(provider, c.Payer)
	for _, d := range serviceDays(c) {
		k, err := t.dayKey(coll, c.Payer, c.Patient, d)
		if err != nil {
			return err
		}
		ids, err := t.dayClaims(coll, k)
		if err != nil {
			return err
		}
		ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == c.ID })
		if add {
			ids = append(ids, c.ID)
			slices.Sort(ids)
		}
		if err := t.putDay(coll, k, ids); err != nil {
			return err
		}
	}
	return nil
}
