package roles

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/chaincode/kit/caller"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

func TestIsPatient(t *testing.T) {
	p := caller.Caller{MSPID: PatientMSP, Role: parts.RolePatient, Attrs: map[string]string{AttrPatientID: "pt-1"}}
	assert.True(t, IsPatient(p, "pt-1"))
	assert.False(t, IsPatient(p, "pt-2"), "another patient")
	hospital := p
	hospital.MSPID = "ProviderMSP"
	assert.False(t, IsPatient(hospital, "pt-1"), "a patient role outside the patients' org")
	clerk := p
	clerk.Role = parts.RoleRecordsClerk
	assert.False(t, IsPatient(clerk, "pt-1"))
	assert.False(t, IsPatient(caller.Caller{MSPID: PatientMSP, Role: parts.RolePatient}, ""), "no patient_id")
}

func TestIsAuditor(t *testing.T) {
	assert.True(t, IsAuditor(caller.Caller{MSPID: RegulatorMSP, Role: parts.RoleAuditor}))
	assert.False(t, IsAuditor(caller.Caller{MSPID: "ProviderMSP", Role: parts.RoleAuditor}))
	assert.False(t, IsAuditor(caller.Caller{MSPID: RegulatorMSP, Role: parts.RoleRegistrar}))
}
