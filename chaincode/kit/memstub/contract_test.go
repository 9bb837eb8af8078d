package memstub_test

import (
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// notes is a tiny contract that stores notes and lets only clerks write.
type notes struct {
	contractapi.Contract
}

func (notes) Put(ctx contractapi.TransactionContextInterface, id, text string) error {
	role, found, err := ctx.GetClientIdentity().GetAttributeValue("role")
	if err != nil {
		return err
	}
	if !found || role != "clerk" {
		return fmt.Errorf("FORBIDDEN: role %q may not write notes", role)
	}
	if err := ctx.GetStub().SetEvent("notes", []byte(id)); err != nil {
		return err
	}
	return ctx.GetStub().PutState(id, []byte(text))
}

func (notes) Get(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	v, err := ctx.GetStub().GetState(id)
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", fmt.Errorf("NOT_FOUND: note %q", id)
	}
	return string(v), nil
}

func (notes) Whoami(ctx contractapi.TransactionContextInterface) (string, error) {
	mspID, err := ctx.GetClientIdentity().GetMSPID()
	if err != nil {
		return "", err
	}
	enrollment, _, err := ctx.GetClientIdentity().GetAttributeValue("hf.EnrollmentID")
	if err != nil {
		return "", err
	}
	return mspID + "/" + enrollment, nil
}

func TestContractAPIEndToEnd(t *testing.T) {
	cc, err := contractapi.NewChaincode(&notes{})
	require.NoError(t, err)
	p := memstub.NewPeer("care")
	p.Install("notes", cc)
	clerk := memstub.NewIdentity("Org1MSP", "alice", map[string]string{"role": "clerk"})
	patient := memstub.NewIdentity("Org2MSP", "bob", map[string]string{"role": "patient"})

	res := p.Invoke("notes", clerk, at(1), nil, "Put", "n1", "hello")
	require.True(t, res.Committed, res.Message)
	assert.Equal(t, &memstub.Event{Name: "notes", Payload: []byte("n1")}, res.Event)

	got := p.Query("notes", patient, at(2), "Get", "n1")
	assert.Equal(t, int32(200), got.Status)
	assert.Equal(t, "hello", string(got.Payload))

	before := p.Snapshot()
	denied := p.Invoke("notes", patient, at(3), nil, "Put", "n1", "overwrite")
	assert.Equal(t, int32(500), denied.Status)
	assert.Equal(t, `FORBIDDEN: role "patient" may not write notes`, denied.Message)
	assert.False(t, denied.Committed)
	assert.Equal(t, before, p.Snapshot())

	who := p.Query("notes", patient, at(4), "Whoami")
	assert.Equal(t, "Org2MSP/bob", string(who.Payload))

	missing := p.Query("notes", patient, at(5), "Get", "n2")
	assert.Equal(t, `NOT_FOUND: note "n2"`, missing.Message)

	unknown := p.Query("notes", patient, at(6), "Nope")
	assert.Equal(t, int32(500), unknown.Status)
	assert.Contains(t, unknown.Message, "Function Nope not found")
}
