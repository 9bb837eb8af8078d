package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const stepEvaluate step = "evaluate"

// fabricError returns the error fabric-gateway's client gives when the
// gateway answers err at step: an *client.EndorseError, *client.SubmitError
// or *client.CommitStatusError, as on the consortium.
func fabricError(t *testing.T, at step, err error) error {
	t.Helper()
	g := &grpcGateway{}
	ctx := context.Background()
	switch at {
	case stepEndorse:
		g.endorseErr = err
	case stepSubmit:
		g.submitErr = err
	case stepStatus:
		g.statusErr = err
	case stepEvaluate:
		g.evalErr = err
	}
	f, _ := startGateway(t, g)
	var got error
	switch at {
	case stepEndorse:
		p, perr := f.propose(testCall)
		require.NoError(t, perr)
		_, got = p.endorse(ctx)
		assert.IsType(t, &client.EndorseError{}, got)
	case stepSubmit:
		got = endorsed(t, f).submit(ctx)
		assert.IsType(t, &client.SubmitError{}, got)
	case stepStatus:
		_, got = f.commitStatus(ctx, "care", "tx1")
		assert.IsType(t, &client.CommitStatusError{}, got)
	case stepEvaluate:
		_, got = f.evaluate(ctx, testCall)
	}
	require.Error(t, got)
	return got
}

const unreachable = `rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:7051: connect: connection refused"`

// gatewayErrorCase is a gateway's answer at a step and its classification.
type gatewayErrorCase struct {
	name      string
	at        step
	err       error
	wantCode  Code
	wantField string
	wantMsg   string // contained in the message
}

var gatewayErrorCases = []gatewayErrorCase{
	{"chaincode code with a field", stepEndorse,
		withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			`chaincode response 500, INVALID_ARGUMENT: field "key": must not be empty`),
		CodeInvalidArgument, "key", "must not be empty"},
	{"chaincode code without a field", stepEndorse,
		withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			`chaincode response 500, NOT_FOUND: claim "c1" not found`),
		CodeNotFound, "", `claim "c1" not found`},
	{"a chaincode code beats an unreachable peer", stepEndorse,
		withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			unreachable, "chaincode response 500, CONFLICT: claim c1 is paid"),
		CodeConflict, "", "claim c1 is paid"},
	{"endorsement mismatch", stepEndorse,
		withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info",
			"ProposalResponsePayloads do not match"),
		CodeEndorsementMismatch, "", "do not match"},
	{"endorsers unreachable behind the gateway", stepEndorse,
		withDetails(codes.Aborted, "failed to collect enough transaction endorsements, see attached details for more info", unreachable),
		CodeUnavailable, "", "connection refused"},
	{"creator refused", stepEndorse,
		withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"error validating proposal: access denied: channel [care] creator org unknown, creator is malformed"),
		CodeAccessDenied, "", "access denied"},
	{"duplicate transaction id at endorsement", stepEndorse,
		withDetails(codes.Aborted, "failed to endorse transaction, see attached details for more info",
			"duplicate transaction found [tx1]. Creator [0a07]"),
		CodeDuplicateTxID, "", "duplicate"},
	{"gateway has no peers", stepEndorse, status.Error(codes.Unavailable, "no peers available to evaluate chaincode baseline"),
		CodeUnavailable, "", "no peers"},
	{"endorse timeout", stepEndorse, status.Error(codes.DeadlineExceeded, "endorsement timeout expired while collecting endorsements"),
		CodeTimeout, "", "timeout"},
	{"no endorsers", stepEndorse, status.Error(codes.FailedPrecondition, "no endorsers found in the gateway's organization"),
		CodeUnknown, "", "no endorsers"},

	{"orderer already has it: details beat the code", stepSubmit,
		withDetails(codes.Unavailable, "no orderers could successfully process transaction",
			"received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: request already exists"),
		CodeDuplicateTxID, "", "request already exists"},
	{"orderers unreachable", stepSubmit,
		withDetails(codes.Unavailable, "no orderers could successfully process transaction", unreachable),
		CodeUnavailable, "", "no orderers"},
	{"orderer refuses", stepSubmit,
		status.Error(codes.Aborted, "received unsuccessful response from orderer: status=BAD_REQUEST, info=message too large"),
		CodeUnknown, "", "BAD_REQUEST"},
	{"submit timeout", stepSubmit, status.Error(codes.DeadlineExceeded, "submit timeout expired while broadcasting to ordering service"),
		CodeTimeout, "", "submit timeout"},

	{"commit status refused by ACL", stepStatus, status.Error(codes.PermissionDenied, "failed evaluating policy"),
		CodeAccessDenied, "", "failed evaluating policy"},
	{"commit status not in time", stepStatus, status.Error(codes.DeadlineExceeded, "context deadline exceeded"),
		CodeTimeout, "", "deadline"},
	{"commit status aborted", stepStatus, status.Error(codes.Aborted, "unexpected close of commit notification channel"),
		CodeUnknown, "", "unexpected close"},

	{"evaluate: chaincode code in the message", stepEvaluate,
		withDetails(codes.Unknown, `evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: consent "c1" not found`,
			`chaincode response 500, NOT_FOUND: consent "c1" not found`),
		CodeNotFound, "", `consent "c1" not found`},
	{"evaluate: unreachable", stepEvaluate, status.Error(codes.Unavailable, "connection refused"),
		CodeUnavailable, "", "connection refused"},
}

func TestClassifyGatewayErrors(t *testing.T) {
	for _, tt := range gatewayErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			err := fabricError(t, tt.at, tt.err)
			e := classify(err, "tx1")
			assert.Equal(t, tt.wantCode, e.Code, "%v", err)
			assert.Equal(t, tt.wantField, e.Field)
			assert.Contains(t, e.Message, tt.wantMsg)
			assert.Equal(t, "tx1", e.TxID)
			assert.Same(t, err, e.Err, "the cause is kept")
			assert.Equal(t, status.Code(tt.err), status.Code(errors.Unwrap(e)), "the gRPC status is reachable")
		})
	}
}

func TestClassifyOtherErrors(t *testing.T) {
	coded := &Error{Code: CodeNotFound, Message: "x"}
	tests := []struct {
		name           string
		err            error
		wantCode       Code
		wantValidation string
	}{
		{"MVCC read conflict", &client.CommitError{Code: peer.TxValidationCode_MVCC_READ_CONFLICT}, CodeMVCCConflict, "MVCC_READ_CONFLICT"},
		{"phantom read conflict", &client.CommitError{Code: peer.TxValidationCode_PHANTOM_READ_CONFLICT}, CodeMVCCConflict, "PHANTOM_READ_CONFLICT"},
		{"endorsement policy", &client.CommitError{Code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE}, CodeEndorsementPolicy, "ENDORSEMENT_POLICY_FAILURE"},
		{"duplicate txid", &client.CommitError{Code: peer.TxValidationCode_DUPLICATE_TXID}, CodeDuplicateTxID, "DUPLICATE_TXID"},
		{"other invalid", &client.CommitError{Code: peer.TxValidationCode_BAD_PAYLOAD}, CodeInvalidTransaction, "BAD_PAYLOAD"},
		{"wrapped commit error", fmt.Errorf("x: %w", &client.CommitError{Code: peer.TxValidationCode_MVCC_READ_CONFLICT}), CodeMVCCConflict, "MVCC_READ_CONFLICT"},
		{"client-side cancel", status.Error(codes.Canceled, "context canceled"), CodeCanceled, ""},
		{"context deadline", fmt.Errorf("endorse: %w", context.DeadlineExceeded), CodeTimeout, ""},
		{"context canceled", context.Canceled, CodeCanceled, ""},
		{"chaincode text without gRPC", errors.New("CONFLICT: claim c1 already exists"), CodeConflict, ""},
		{"anything else", errors.New("boom"), CodeUnknown, ""},
		{"an *Error already made", fmt.Errorf("y: %w", coded), CodeNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := classify(tt.err, "tx1")
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, tt.wantValidation, e.Validation)
		})
	}
	assert.Same(t, coded, classify(fmt.Errorf("y: %w", coded), "tx1"), "an *Error is returned as it is")
	assert.Nil(t, classify(nil, "tx1"))
}

func TestMatchMessage(t *testing.T) {
	tests := []struct {
		msg  string
		want Code
	}{
		{"ProposalResponsePayloads do not match", CodeEndorsementMismatch},
		{"Duplicate transaction found [tx1]. Creator [0a]", CodeDuplicateTxID},
		{"info=failed to submit request: request already exists", CodeDuplicateTxID},
		{"error validating proposal: access denied: channel [care]", CodeAccessDenied},
		{"Creator org unknown, creator is malformed", CodeAccessDenied},
		{unreachable, CodeUnavailable},
		{"no combination of peers can be derived which satisfy the endorsement policy", CodeUnavailable},
		{"chaincode response 500, boom", ""},
		{"", ""},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		assert.Equal(t, tt.want, matchMessage(tt.msg), tt.msg)
		for _, k := range knownMessages {
			if strings.Contains(strings.ToLower(tt.msg), strings.ToLower(k.text)) {
				covered[k.text] = true
			}
		}
	}
	for _, k := range knownMessages {
		assert.True(t, covered[k.text], "known message %q has no test", k.text)
	}
}

func TestRefusedBySubmit(t *testing.T) {
	for _, c := range []codes.Code{codes.InvalidArgument, codes.FailedPrecondition, codes.PermissionDenied,
		codes.Unauthenticated, codes.Aborted, codes.ResourceExhausted} {
		assert.True(t, refusedBySubmit(status.Error(c, "no")), "%s", c)
	}
	for _, err := range []error{status.Error(codes.Unavailable, "reset"), status.Error(codes.DeadlineExceeded, "late"),
		status.Error(codes.Canceled, "canceled"), status.Error(codes.Internal, "RST_STREAM"), status.Error(codes.Unknown, "?"),
		context.DeadlineExceeded, errors.New("boom")} {
		assert.False(t, refusedBySubmit(err), "%v", err)
	}
}

func TestErrorFormatAndMatching(t *testing.T) {
	e := &Error{Code: CodeInvalidArgument, Field: "key", Message: "must not be empty", TxID: "tx1", Err: errors.New("cause")}
	assert.Equal(t, `INVALID_ARGUMENT: field "key": must not be empty (tx tx1)`, e.Error())
	assert.ErrorIs(t, e, ErrInvalidArgument)
	assert.NotErrorIs(t, e, ErrNotFound)
	assert.Equal(t, "cause", errors.Unwrap(e).Error())
	assert.Equal(t, CodeInvalidArgument, CodeOf(fmt.Errorf("wrapped: %w", e)))
	assert.Equal(t, CodeUnknown, CodeOf(errors.New("plain")))

	u := commitUnknown("tx2", classify(status.Error(codes.Unavailable, "reset"), "tx2"))
	assert.ErrorIs(t, u, ErrCommitUnknown)
	assert.NotErrorIs(t, u, ErrUnavailable, "the cause's *Error is not in the chain")
	assert.Equal(t, codes.Unavailable, status.Code(errors.Unwrap(u)), "the cause's gRPC error is")
	assert.Contains(t, u.Error(), "(tx tx2)")
	assert.Contains(t, u.Error(), "last failure: UNAVAILABLE")
}
