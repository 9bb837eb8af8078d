package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/client"
)

func TestStatusOfEveryCode(t *testing.T) {
	for code, want := range map[client.Code]int{
		client.CodeInvalidArgument:     400,
		CodeBadRequest:                 400,
		client.CodeForbidden:           403,
		client.CodeAccessDenied:        403,
		client.CodeNotFound:            404,
		client.CodeConflict:            409,
		client.CodeFailedPrecondition:  409,
		client.CodeMVCCConflict:        409,
		client.CodeCommitUnknown:       202,
		client.CodeUnavailable:         503,
		client.CodeCanceled:            503,
		client.CodeTimeout:             504,
		client.CodeEndorsementMismatch: 502,
		client.CodeEndorsementPolicy:   502,
		client.CodeInvalidTransaction:  502,
		client.CodeDuplicateTxID:       502,
		client.CodeInternal:            500,
		client.CodeUnknown:             500,
		"SOMETHING_NEW":                500,
	} {
		assert.Equal(t, want, StatusOf(code), code)
	}
}

func TestProblemOfAClientError(t *testing.T) {
	cause := &client.Error{Code: client.CodeCommitUnknown, Message: "may have been ordered", TxID: "tx1"}
	p := ProblemOf(fmt.Errorf("event 3: %w", cause))
	assert.Equal(t, http.StatusAccepted, p.Status)
	assert.Equal(t, "COMMIT_UNKNOWN", p.Code)
	assert.Equal(t, "tx1", p.TxID)
	assert.Contains(t, p.Advice, "do not send the request again")
	assert.Equal(t, "urn:carechain:problem:COMMIT_UNKNOWN", p.Type)

	p = ProblemOf(&client.Error{Code: client.CodeInvalidArgument, Field: "serials[2]", Message: "bad serial"})
	assert.Equal(t, Problem{Type: "urn:carechain:problem:INVALID_ARGUMENT", Title: "Bad Request", Status: 400, Detail: "bad serial",
		Code: "INVALID_ARGUMENT", Field: "serials[2]"}, p)
	assert.Contains(t, ProblemOf(&client.Error{Code: client.CodeMVCCConflict}).Advice, "safe to send the request again")
}

func TestProblemOfAnOtherErrorHidesItsText(t *testing.T) {
	p := ProblemOf(errors.New("open /secret/patient-42.json: denied"))
	assert.Equal(t, 500, p.Status)
	assert.Equal(t, "INTERNAL", p.Code)
	assert.NotContains(t, p.Detail, "patient-42")
	assert.Equal(t, 503, ProblemOf(&client.Error{Code: client.CodeUnavailable, Err: context.DeadlineExceeded}).Status)
}

func TestProblemOfABadRequestNamesItsField(t *testing.T) {
	p := ProblemOf(BadRequest("epcisBody.eventList[2].eventTime", errors.New("is missing")))
	assert.Equal(t, 400, p.Status)
	assert.Equal(t, "BAD_REQUEST", p.Code)
	assert.Equal(t, "epcisBody.eventList[2].eventTime", p.Field)
	assert.Equal(t, 415, ProblemOf(UnsupportedMedia("text/xml", "application/json")).Status)
}
