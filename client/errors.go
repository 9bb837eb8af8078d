package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
)

// Code classifies an error: the chaincode's own codes, and what Fabric or
// the transport reported.
type Code string

// Chaincode codes, as the chaincode kit returns them.
const (
	CodeInvalidArgument    Code = Code(ccerr.CodeInvalidArgument)
	CodeNotFound           Code = Code(ccerr.CodeNotFound)
	CodeForbidden          Code = Code(ccerr.CodeForbidden)
	CodeConflict           Code = Code(ccerr.CodeConflict)
	CodeFailedPrecondition Code = Code(ccerr.CodeFailedPrecondition)
	CodeInternal           Code = Code(ccerr.CodeInternal)
)

// Fabric and transport codes.
const (
	// CodeUnavailable: no peer or orderer could be reached.
	CodeUnavailable Code = "UNAVAILABLE"
	// CodeTimeout: a deadline passed; a submitted transaction may still commit.
	CodeTimeout Code = "TIMEOUT"
	// CodeAccessDenied: the identity may not use the channel or chaincode.
	CodeAccessDenied Code = "ACCESS_DENIED"
	// CodeMVCCConflict: the transaction read a key another transaction
	// changed first; it had no effect and is safe to submit again.
	CodeMVCCConflict Code = "MVCC_CONFLICT"
	// CodeEndorsementMismatch: endorsing peers computed different results.
	CodeEndorsementMismatch Code = "ENDORSEMENT_MISMATCH"
	// CodeEndorsementPolicy: the endorsements did not satisfy the policy.
	CodeEndorsementPolicy Code = "ENDORSEMENT_POLICY_FAILURE"
	// CodeInvalidTransaction: the transaction committed as invalid for another reason.
	CodeInvalidTransaction Code = "INVALID_TRANSACTION"
	// CodeUnknown: anything else.
	CodeUnknown Code = "UNKNOWN"
)

// Error is every error the client returns for a transaction.
type Error struct {
	Code    Code
	Field   string // the input field a chaincode refused, if any
	Message string
	TxID    string
	// Validation is the commit's validation code, for committed-invalid transactions.
	Validation string
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TxID != "" {
		fmt.Fprintf(&b, " (tx %s)", e.TxID)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches errors by code, so errors.Is(err, client.ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrInvalidArgument = &Error{Code: CodeInvalidArgument}
	ErrNotFound        = &Error{Code: CodeNotFound}
	ErrForbidden       = &Error{Code: CodeForbidden}
	ErrConflict        = &Error{Code: CodeConflict}
	ErrPrecondition    = &Error{Code: CodeFailedPrecondition}
	ErrUnavailable     = &Error{Code: CodeUnavailable}
	ErrTimeout         = &Error{Code: CodeTimeout}
	ErrAccessDenied    = &Error{Code: CodeAccessDenied}
	ErrMVCCConflict    = &Error{Code: CodeMVCCConflict}
)

// CodeOf returns the code of an error the client returned, or CodeUnknown.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeUnknown
}

// classify turns a fabric-gateway error into an *Error.
func classify(err error, txID string) *Error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	out := &Error{Code: CodeUnknown, Message: err.Error(), TxID: txID, Err: err}
	var commitErr *client.CommitError
	if errors.As(err, &commitErr) {
		out.Validation = commitErr.Code.String()
		out.Message = "transaction committed as invalid: " + commitErr.Code.String()
		switch commitErr.Code {
		case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT:
			out.Code = CodeMVCCConflict
		case peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE:
			out.Code = CodeEndorsementPolicy
		default:
			out.Code = CodeInvalidTransaction
		}
		return out
	}
	// A chaincode error travels in the status details, one per peer.
	var messages []string
	if st, ok := status.FromError(err); ok {
		messages = append(messages, st.Message())
		for _, d := range st.Details() {
			if m, ok := d.(interface{ GetMessage() string }); ok {
				messages = append(messages, m.GetMessage())
			}
		}
		for _, m := range messages {
			if cc, ok := ccerr.Parse(m); ok {
				out.Code, out.Field, out.Message = Code(cc.Code), cc.Field, cc.Message
				return out
			}
		}
		all := strings.Join(messages, "; ")
		out.Message = all
		switch {
		case strings.Contains(all, "ProposalResponsePayloads do not match") || strings.Contains(all, "responses do not match"):
			out.Code = CodeEndorsementMismatch
		case st.Code() == codes.Unavailable:
			out.Code = CodeUnavailable
		case st.Code() == codes.DeadlineExceeded:
			out.Code = CodeTimeout
		case st.Code() == codes.PermissionDenied || strings.Contains(all, "access denied") || strings.Contains(all, "creator org unknown"):
			out.Code = CodeAccessDenied
		}
		return out
	}
	if errors.Is(err, context.DeadlineExceeded) {
		out.Code = CodeTimeout
	}
	if cc, ok := ccerr.Parse(err.Error()); ok {
		out.Code, out.Field, out.Message = Code(cc.Code), cc.Field, cc.Message
	}
	return out
}
