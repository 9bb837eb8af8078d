package provenance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/policy"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Key-level (state-based) endorsement. The chaincode's own policy on the
// supply channel is "any 2 of the 4 peer orgs", so without key-level
// policies two colluding orgs could write any state by endorsing a
// fabricated write set. Every record that belongs to someone therefore
// carries the policy of who must agree to change it, moved with the state:
//
//   - owned: an item or container at rest, AND(owner); a product and its
//     lots, AND(manufacturer); a partner licence, AND(regulator).
//   - in transit: a shipped item and its shipment, AND(sender, receiver).
//   - sealed: what nobody may change alone or in pairs — units and cases
//     inside a container (their owner changes with the outermost container,
//     which the key cannot follow), the container-content and lot indexes,
//     recalls, events and signals: OutOf(majority of the channel's peer
//     orgs, as the parts registry lists them).

// peersOf is the policy AND(m.peer, ...) of the sorted, distinct orgs.
func peersOf(msps ...string) ([]byte, error) {
	ids := slices.Clone(msps)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return envelope(fmt.Sprintf("OutOf(%d, %s)", len(ids), principals(ids)))
}

func principals(ids []string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = "'" + id + ".peer'"
	}
	return strings.Join(quoted, ", ")
}

func envelope(s string) ([]byte, error) {
	p, err := policy.Parse(s)
	if err != nil {
		return nil, ccerr.Internal("endorsement policy %s: %v", s, err)
	}
	env, err := p.Envelope()
	if err != nil {
		return nil, ccerr.Internal("endorsement policy %s: %v", s, err)
	}
	return env, nil
}

// sealPolicy is OutOf(n/2+1) of the n orgs that run peers on the channel,
// by the parts registry: the same majority that governs the registry and
// the chaincode's lifecycle.
func (t *tx) sealPolicy() ([]byte, error) {
	if t.seal != nil {
		return t.seal, nil
	}
	var reg parts.Registry
	if err := cccall.Call(t.Stub, parts.Chaincode, parts.FnList, &reg); err != nil {
		return nil, err
	}
	var ids []string
	for _, o := range reg.Orgs {
		if o.Peer {
			ids = append(ids, o.MSPID)
		}
	}
	if len(ids) == 0 {
		return nil, ccerr.Internal("the parts registry lists no org with a peer")
	}
	slices.Sort(ids)
	env, err := envelope(fmt.Sprintf("OutOf(%d, %s)", len(ids)/2+1, principals(ids)))
	t.seal = env
	return env, err
}

// endorseBy sets the key's policy to AND(msps' peers).
func (t *tx) endorseBy(obj string, attrs []string, msps ...string) error {
	ep, err := peersOf(msps...)
	if err != nil {
		return err
	}
	return t.setPolicy(ep, obj, attrs...)
}

// sealKey sets the key's policy to the channel majority.
func (t *tx) sealKey(obj string, attrs ...string) error {
	ep, err := t.sealPolicy()
	if err != nil {
		return err
	}
	return t.setPolicy(ep, obj, attrs...)
}

func (t *tx) setPolicy(ep []byte, obj string, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	if err := t.Stub.SetStateValidationParameter(k, ep); err != nil {
		return ccerr.Internal("endorsement policy of %s: %v", obj, err)
	}
	return nil
}

// ownItem gives an item at rest to its owner's peer.
func (t *tx) ownItem(it *wire.Item) error { return t.endorseBy(objItem, []string{it.ID}, it.Owner) }
