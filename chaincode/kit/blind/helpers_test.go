package blind_test

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

type pbResponse = pb.Response

func respond(err error) *pb.Response {
	if err != nil {
		return &pb.Response{Status: shim.ERROR, Message: err.Error()}
	}
	return &pb.Response{Status: shim.OK}
}
