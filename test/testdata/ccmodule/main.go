// Command ccmodule is a small chaincode in a Go module of its own, outside
// carechain's module, written for carechain's e2e tests of `carenet deploy`
// with a chaincode it did not write (as the Fabric samples' asset-transfer
// -basic is): CreateAsset and ReadAsset.
//
// With CHAINCODE_SERVER_ADDRESS set it runs as a chaincode service (CCaaS):
// it listens there, with CHAINCODE_ID the package id the peers know it by
// and the TLS key pair in CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY (PEM
// files); otherwise it connects to its peer as a peer-built chaincode.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Asset is what the ledger holds under its id.
type Asset struct {
	ID    string `json:"ID"`
	Owner string `json:"Owner"`
	Value int    `json:"Value"`
}

// Contract creates and reads assets.
type Contract struct {
	contractapi.Contract
}

// CreateAsset writes a new asset; an id in use is refused.
func (Contract) CreateAsset(ctx contractapi.TransactionContextInterface, id, owner string, value int) error {
	if id == "" {
		return fmt.Errorf("id: empty")
	}
	have, err := ctx.GetStub().GetState(id)
	if err != nil {
		return err
	}
	if have != nil {
		return fmt.Errorf("asset %s already exists", id)
	}
	data, err := json.Marshal(Asset{ID: id, Owner: owner, Value: value})
	if err != nil {
		return err
	}
	return ctx.GetStub().PutState(id, data)
}

// ReadAsset reads an asset; an unknown id is an error.
func (Contract) ReadAsset(ctx contractapi.TransactionContextInterface, id string) (*Asset, error) {
	data, err := ctx.GetStub().GetState(id)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("asset %s does not exist", id)
	}
	var a Asset
	return &a, json.Unmarshal(data, &a)
}

func main() {
	cc, err := contractapi.NewChaincode(&Contract{})
	if err != nil {
		log.Fatal(err)
	}
	addr := os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if addr == "" {
		if err := cc.Start(); err != nil {
			log.Fatal(err)
		}
		return
	}
	cert, err := os.ReadFile(os.Getenv("CHAINCODE_TLS_CERT"))
	if err != nil {
		log.Fatal(err)
	}
	key, err := os.ReadFile(os.Getenv("CHAINCODE_TLS_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	server := &shim.ChaincodeServer{CCID: os.Getenv("CHAINCODE_ID"), Address: addr, CC: cc,
		TLSProps: shim.TLSProperties{Key: key, Cert: cert}}
	if err := server.Start(); err != nil {
		log.Fatal(err)
	}
}
