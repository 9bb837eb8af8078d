package memstub_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

func TestIdentityReadByCid(t *testing.T) {
	tests := []struct {
		name      string
		id        *memstub.Identity
		wantAttrs map[string]string
		absent    []string
		wantOU    []string
	}{
		{
			name:      "fabric CA enrollment",
			id:        memstub.NewIdentity("Org1MSP", "alice", map[string]string{"role": "clerk"}),
			wantAttrs: map[string]string{"hf.EnrollmentID": "alice", "hf.Type": "client", "hf.Affiliation": "", "role": "clerk"},
			wantOU:    []string{"client"},
		},
		{
			name:      "type overridden",
			id:        memstub.NewIdentity("Org1MSP", "root", map[string]string{"hf.Type": "admin"}),
			wantAttrs: map[string]string{"hf.Type": "admin", "hf.EnrollmentID": "root"},
			absent:    []string{"role"},
			wantOU:    []string{"admin"},
		},
		{
			name:   "no attribute extension",
			id:     memstub.NewIdentityFrom(memstub.IdentitySpec{MSPID: "Org2MSP", CommonName: "peer0", OrganizationalUnits: []string{"peer"}}),
			absent: []string{"hf.EnrollmentID", "role"},
			wantOU: []string{"peer"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := memstub.NewPeer("care")
			run(t, p, tt.id, 1, func(stub shim.ChaincodeStubInterface) error {
				ci, err := cid.New(stub)
				require.NoError(t, err)
				mspID, err := ci.GetMSPID()
				require.NoError(t, err)
				assert.Equal(t, tt.id.MSPID, mspID)
				for name, want := range tt.wantAttrs {
					got, found, err := ci.GetAttributeValue(name)
					require.NoError(t, err)
					assert.True(t, found, name)
					assert.Equal(t, want, got, name)
				}
				for _, name := range tt.absent {
					_, found, err := ci.GetAttributeValue(name)
					require.NoError(t, err)
					assert.False(t, found, name)
				}
				cert, err := ci.GetX509Certificate()
				require.NoError(t, err)
				assert.Equal(t, tt.wantOU, cert.Subject.OrganizationalUnit)
				assert.Equal(t, tt.id.Cert.Subject.CommonName, cert.Subject.CommonName)
				return nil
			})
		})
	}
}
