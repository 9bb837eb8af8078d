package provenance

import (
	"testing"

	"github.com/carechain/carechain/chaincode/kit/cctest"
)

// Every function name in package wire is a transaction of the contract,
// and every transaction has its name there: a rename breaks this test.
func TestWireNamesEveryTransaction(t *testing.T) {
	cctest.CheckFunctions(t, &Contract{}, "wire")
}
