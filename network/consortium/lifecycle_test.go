package consortium

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Readiness counts the approvals against the majority and names who is
// missing; the error of a commit too early says who still has to approve.
func TestReadinessNamesWhoIsMissing(t *testing.T) {
	r := Readiness{Chaincode: "basic", Channel: "care", Sequence: 1, Need: 2,
		Approvals: map[string]bool{"RegulatorMSP": false, "ProviderMSP": true, "PayerMSP": false}}
	assert.False(t, r.Ready())
	assert.Equal(t, []string{"ProviderMSP"}, r.Approved())
	assert.Equal(t, []string{"PayerMSP", "RegulatorMSP"}, r.Missing(), "sorted")
	err := &NotReadyError{Readiness: r}
	assert.Contains(t, err.Error(), "still to approve: [PayerMSP RegulatorMSP]")
	assert.Contains(t, err.Error(), "carenet approve basic --org ORG")
	r.Approvals["PayerMSP"] = true
	assert.True(t, r.Ready())
	assert.Contains(t, r.String(), "missing [RegulatorMSP]")
}

// An approval the peer refuses because the org made it already is done; a
// definition that conflicts with the committed one is not.
func TestAnApprovalMadeBeforeIsDone(t *testing.T) {
	for msg, done := range map[string]bool{
		"Error: proposal failed with status: 500 - failed to invoke backing implementation of 'ApproveChaincodeDefinitionForMyOrg': attempted to redefine uncommitted sequence (1) for namespace consent with unchanged content": true,
		"Error: ... 'ApproveChaincodeDefinitionForMyOrg': attempted to redefine the current committed sequence (2) for namespace parts":                                                                                          true,
		"Error: ... attempted to redefine the current committed sequence (2) for namespace parts with different parameters: expected EndorsementPlugin 'escc' but got 'x'":                                                       false,
		"Error: connection refused": false,
	} {
		assert.Equal(t, done, alreadyApproved(errors.New(msg)), msg)
	}
}
