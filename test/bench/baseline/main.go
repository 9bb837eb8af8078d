// Command baseline is the yardstick chaincode of carechain's benchmarks: one
// state write per transaction, one state read per query, nothing else. Every
// domain chaincode is measured against it in the same run, so the figures
// say what the domain logic costs on top of Fabric itself.
package main

import (
	"fmt"
	"log"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// buildVersion is stamped at build time by the deploy step (-X).
var buildVersion = "dev"

// Contract is the baseline contract.
type Contract struct {
	contractapi.Contract
}

// Put writes value under key.
func (Contract) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	if key == "" {
		return fmt.Errorf("INVALID_ARGUMENT: field \"key\": must not be empty")
	}
	return ctx.GetStub().PutState("baseline~"+key, []byte(value))
}

// Emit writes value under key, as Put does, and raises the chaincode event
// "Emit" whose payload is the key (the chaos suite's durable listeners).
func (c Contract) Emit(ctx contractapi.TransactionContextInterface, key, value string) error {
	if err := c.Put(ctx, key, value); err != nil {
		return err
	}
	return ctx.GetStub().SetEvent("Emit", []byte(key))
}

// Get reads the value under key.
func (Contract) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	v, err := ctx.GetStub().GetState("baseline~" + key)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: key %q", key)
	}
	return string(v), nil
}

// Version reports the deployed build's version stamp.
func (Contract) Version() string { return buildVersion }

func main() {
	cc, err := contractapi.NewChaincode(&Contract{})
	if err != nil {
		log.Fatal(err)
	}
	cc.Info.Title = "baseline"
	cc.Info.Version = "1"
	if err := cc.Start(); err != nil {
		log.Fatal(err)
	}
}
