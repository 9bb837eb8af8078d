// Command consent runs the consent chaincode (package consent) as a process
// the peer starts through carechain's external builder.
package main

import (
	"log"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent"
)

// buildVersion is stamped at deploy time (-X main.buildVersion).
var buildVersion = "dev"

func main() {
	cc, err := contractapi.NewChaincode(&consent.Contract{Clock: time.Now})
	if err != nil {
		log.Fatal(err)
	}
	cc.Info.Title = "carechain consent"
	cc.Info.Version = buildVersion
	if err := cc.Start(); err != nil {
		log.Fatal(err)
	}
}
