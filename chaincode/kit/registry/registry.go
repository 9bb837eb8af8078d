// Package registry is how a carechain chaincode asks the parts registry
// (chaincode parts, on the same channel) who plays which part, and checks a
// caller against it. A role attribute counts only together with the part
// its issuing org plays: a ProviderMSP certificate that says
// role=adjudicator is refused wherever an adjudicator must be a payer's.
//
// The registry is read with a chaincode-to-chaincode call inside the
// caller's transaction, so its keys are in the transaction's read set: a
// registry change committed first makes the transaction fail MVCC
// validation instead of acting on a stale answer.
package registry

import (
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/cccall"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// Org reads mspID's entry. An org the registry does not list is FORBIDDEN:
// it plays no part.
func Org(stub shim.ChaincodeStubInterface, mspID string) (wire.Org, error) {
	var o wire.Org
	err := cccall.Call(stub, wire.Chaincode, wire.FnGet, &o, mspID)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return o, ccerr.Forbidden("%s plays no part in the consortium registry", mspID)
	}
	return o, err
}

// RequirePart reads mspID's entry and checks that it plays one of parts.
func RequirePart(stub shim.ChaincodeStubInterface, mspID string, parts ...string) (wire.Org, error) {
	o, err := Org(stub, mspID)
	if err != nil {
		return o, err
	}
	for _, p := range parts {
		if o.Plays(p) {
			return o, nil
		}
	}
	return o, ccerr.Forbidden("%s does not play the part of %s in the consortium registry", mspID, strings.Join(parts, " or "))
}

// Require checks the caller: its org plays part, its role is one of
// roleNames, and part lets that role count. It returns the caller's org.
func Require(stub shim.ChaincodeStubInterface, c caller.Caller, part string, roleNames ...string) (wire.Org, error) {
	if err := c.RequireRole(roleNames...); err != nil {
		return wire.Org{}, err
	}
	o, err := RequirePart(stub, c.MSPID, part)
	if err != nil {
		return o, err
	}
	if !o.Allows(part, c.Role) {
		return o, ccerr.Forbidden("role %q does not count in a %s's org (%s)", c.Role, part, c.MSPID)
	}
	return o, nil
}

// RequireAny is Require for an operation that members of several parts may
// do (a pharmacist of a pharmacy or a logistics clerk of a distributor): the
// caller passes when one of parts lets its role count. It returns the
// caller's org and the part that let it.
func RequireAny(stub shim.ChaincodeStubInterface, c caller.Caller, parts []string, roleNames ...string) (wire.Org, string, error) {
	if err := c.RequireRole(roleNames...); err != nil {
		return wire.Org{}, "", err
	}
	o, err := Org(stub, c.MSPID)
	if err != nil {
		return o, "", err
	}
	for _, p := range parts {
		if o.Allows(p, c.Role) {
			return o, p, nil
		}
	}
	return o, "", ccerr.Forbidden("role %q of %s counts for none of the parts %s", c.Role, c.MSPID, strings.Join(parts, ", "))
}
