package records

import (
	"fmt"
	"strings"

	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/policy"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// Key-level endorsement. Every key a record's custodian owns (the public
// head and version traces, the private anchors, wrapped keys and
// access-log entries, the custodian's registered key) carries the
// validation parameter
//
//	AND('CUSTODIAN.peer', OutOf(1, 'OTHER1.peer', 'OTHER2.peer', ...))
//
// over the orgs that run peers in the parts registry: no change is valid
// without the custodian's own peer, and the custodian still needs one
// other org, as the chaincode policy asked before. (statebased can only
// express an AND of orgs; kit/policy writes the envelope.) The parameter is
// written again with every write, so it moves with the state: a new
// version's keys get it when they are created.

// custodianPolicy returns the validation parameter of custodian's keys.
func (t *tx) custodianPolicy(custodian string) ([]byte, error) {
	if p, ok := t.policy[custodian]; ok {
		return p, nil
	}
	var reg parts.Registry
	if err := cccall.Call(t.Stub, parts.Chaincode, parts.FnList, &reg); err != nil {
		return nil, err
	}
	var others []string
	for _, o := range reg.Orgs {
		if o.Peer && o.MSPID != custodian {
			others = append(others, "'"+o.MSPID+".peer'")
		}
	}
	expr := "'" + custodian + ".peer'"
	if len(others) > 0 {
		expr = fmt.Sprintf("AND(%s, OutOf(1, %s))", expr, strings.Join(others, ", "))
	}
	p, err := policy.Parse(expr)
	if err != nil {
		return nil, ccerr.Internal("endorsement policy of %s: %v", custodian, err)
	}
	env, err := p.Envelope()
	if err != nil {
		return nil, ccerr.Internal("endorsement policy of %s: %v", custodian, err)
	}
	t.policy[custodian] = env
	return env, nil
}

// putOwned writes a public key of custodian's and its validation parameter.
func (t *tx) putOwned(custodian, k string, v any) error {
	ep, err := t.custodianPolicy(custodian)
	if err != nil {
		return err
	}
	if err := state.Put(t.Stub, k, v); err != nil {
		return err
	}
	if err := t.Stub.SetStateValidationParameter(k, ep); err != nil {
		return ccerr.Internal("endorsement policy of %s: %v", state.DisplayKey(k), err)
	}
	return nil
}

// putOwnedPrivate writes raw at a private key of custodian's, with its
// validation parameter.
func (t *tx) putOwnedPrivate(custodian, k string, raw []byte) error {
	ep, err := t.custodianPolicy(custodian)
	if err != nil {
		return err
	}
	if err := t.Stub.PutPrivateData(Collection, k, raw); err != nil {
		return ccerr.Internal("write %s: %v", state.DisplayKey(k), err)
	}
	if err := t.Stub.SetPrivateDataValidationParameter(Collection, k, ep); err != nil {
		return ccerr.Internal("endorsement policy of %s: %v", state.DisplayKey(k), err)
	}
	return nil
}
