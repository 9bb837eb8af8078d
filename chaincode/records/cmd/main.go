// Command records runs the records chaincode (package records) as a process
// the peer starts through carechain's external builder.
package main

import (
	"log"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/records"
)

// buildVersion is stamped at deploy time (-X main.buildVersion).
var buildVersion = "dev"

func main() {
	cc, err := contractapi.NewChaincode(&records.Contract{KEK: records.EnvKEK, Clock: time.Now})
	if err != nil {
		log.Fatal(err)
	}
	cc.Info.Title = "carechain records"
	cc.Info.Version = buildVersion
	if err := cc.Start(); err != nil {
		log.Fatal(err)
	}
}
