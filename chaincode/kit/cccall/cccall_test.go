package cccall

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// callee answers "Echo" with its arguments and "Refuse" with a FORBIDDEN error.
var callee = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	fn, args := stub.GetFunctionAndParameters()
	switch fn {
	case "Echo":
		return shim.Success([]byte(`{"args":["` + args[0] + `","` + args[1] + `"]}`))
	case "Refuse":
		return shim.Error(ccerr.Forbidden("not you").Error())
	}
	return shim.Success([]byte("not json"))
})

func TestCall(t *testing.T) {
	p := memstub.NewPeer("care")
	p.Install("callee", callee)
	id := memstub.NewIdentity("ProviderMSP", "u1", nil)
	var got struct {
		Args []string `json:"args"`
	}
	var errs []error
	res := p.Run("caller", id, time.Unix(0, 0), func(stub shim.ChaincodeStubInterface) error {
		errs = append(errs, Call(stub, "callee", "Echo", &got, "a", "b"))
		errs = append(errs, Call(stub, "callee", "Refuse", nil))
		errs = append(errs, Call(stub, "callee", "Other", &got))
		errs = append(errs, Call(stub, "missing", "Echo", nil))
		return nil
	})
	require.True(t, res.OK(), res.Message)
	require.NoError(t, errs[0])
	assert.Equal(t, []string{"a", "b"}, got.Args)
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(errs[1]))
	assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(errs[2]))
	assert.Error(t, errs[3])
}
