package consortium

import (
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
