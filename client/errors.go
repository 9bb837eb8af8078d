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
	// CodeTimeout: a deadline passed before anything could have been
	// ordered. (Once a transaction may have been ordered, a deadline gives
	// CodeCommitUnknown instead.)
	CodeTimeout Code = "TIMEOUT"
	// CodeCanceled: the caller's context was canceled.
	CodeCanceled Code = "CANCELED"
	// CodeAccessDenied: the identity may not use the channel or chaincode.
	CodeAccessDenied Code = "ACCESS_DENIED"
	// CodeMVCCConflict: the transaction read a key another transaction
	// changed first; it committed as invalid, had no effect and is safe to
	// submit again.
	CodeMVCCConflict Code = "MVCC_CONFLICT"
	// CodeEndorsementMismatch: endorsing peers computed different results;
	// nothing was ordered.
	CodeEndorsementMismatch Code = "ENDORSEMENT_MISMATCH"
	// CodeEndorsementPolicy: the endorsements did not satisfy the policy.
	CodeEndorsementPolicy Code = "ENDORSEMENT_POLICY_FAILURE"
	// CodeInvalidTransaction: the transaction committed as invalid for another reason.
	CodeInvalidTransaction Code = "INVALID_TRANSACTION"
	// CodeDuplicateTxID: the ordering service or the ledger already has a
	// transaction with this id, so an earlier send of the same transaction
	// got through. Submit resolves it by asking that transaction's commit
	// status and never returns it.
	CodeDuplicateTxID Code = "DUPLICATE_TXID"
	// CodeCommitUnknown: the transaction may have been ordered, and whether
	// it committed could not be learned in time. Error.TxID names it; ask
	// Session.CommitStatus later, and do not submit the call again before
	// knowing.
	CodeCommitUnknown Code = "COMMIT_UNKNOWN"
	// CodeUnknown: anything else.
	CodeUnknown Code = "UNKNOWN"
)

// Error is every error the client returns for a transaction.
type Error struct {
	Code    Code
	Field   string // the input field a chaincode refused, if any
	Message string
	// TxID is the transaction of this call that may have been ordered: set
	// from the moment a signed transaction was handed to the gateway's
	// Submit. It is empty when nothing of the call can have been ordered
	// (endorsement failed, or every transaction built committed as an MVCC
	// conflict before the failure), so the call certainly wrote nothing.
	TxID string
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
	ErrCommitUnknown   = &Error{Code: CodeCommitUnknown}
)

// CodeOf returns the code of an error the client returned, or CodeUnknown.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeUnknown
}

// commitUnknown is the error of a transaction that may have been ordered
// and whose outcome could not be learned. It keeps the last failure's
// underlying error as its cause, not that failure's *Error, so that
// errors.Is(err, ErrUnavailable) never invites a caller to submit again.
func commitUnknown(txID string, last *Error) *Error {
	msg := "the transaction may have been ordered and its outcome is not known; ask its commit status later"
	var cause error
	if last != nil {
		msg += " (last failure: " + string(last.Code) + ")"
		cause = last.Err
	}
	return &Error{Code: CodeCommitUnknown, Message: msg, TxID: txID, Err: cause}
}

// classify turns a fabric-gateway error into an *Error. It looks, in this
// order, at: an *Error already made; a commit's validation code
// (*client.CommitError); a chaincode's coded message ("CODE: field \"x\":
// msg") in the gRPC status or its details; Fabric's own messages in the
// details (knownMessages); the gRPC status code; Fabric's messages in the
// status message; and context errors.
func classify(err error, txID string) *Error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	var commitErr *client.CommitError
	if errors.As(err, &commitErr) {
		return committedInvalid(txID, commitErr.Code, err)
	}
	out := &Error{Code: CodeUnknown, Message: err.Error(), TxID: txID, Err: err}
	top, details, isStatus := messages(err)
	if isStatus {
		out.Message = strings.Join(append([]string{top}, details...), "; ")
	}
	for _, m := range append([]string{top}, details...) {
		if cc, ok := ccerr.Parse(m); ok {
			out.Code, out.Field, out.Message = Code(cc.Code), cc.Field, cc.Message
			return out
		}
	}
	out.Code = transportCode(err, top, details)
	return out
}

// committedInvalid is the error of transaction txID, which committed with
// validation code v; cause is the error that said so, if any.
func committedInvalid(txID string, v peer.TxValidationCode, cause error) *Error {
	if cause == nil {
		cause = fmt.Errorf("transaction %s committed with validation code %d (%s)", txID, int32(v), v)
	}
	return &Error{
		Code:       validationCode(v),
		Message:    "transaction committed as invalid: " + v.String(),
		TxID:       txID,
		Validation: v.String(),
		Err:        cause,
	}
}

// validationCode is the Code of a transaction committed with validation code v.
func validationCode(v peer.TxValidationCode) Code {
	switch v {
	case peer.TxValidationCode_MVCC_READ_CONFLICT, peer.TxValidationCode_PHANTOM_READ_CONFLICT:
		return CodeMVCCConflict
	case peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE:
		return CodeEndorsementPolicy
	case peer.TxValidationCode_DUPLICATE_TXID:
		return CodeDuplicateTxID
	default:
		return CodeInvalidTransaction
	}
}

// messages returns a gRPC status error's message and the messages of its
// details (fabric-gateway's gateway.ErrorDetail, one per peer or orderer),
// or err's text when err carries no gRPC status.
func messages(err error) (top string, details []string, isStatus bool) {
	st, ok := status.FromError(err)
	if !ok {
		return err.Error(), nil, false
	}
	for _, d := range st.Details() {
		if m, ok := d.(interface{ GetMessage() string }); ok && m.GetMessage() != "" {
			details = append(details, m.GetMessage())
		}
	}
	return st.Message(), details, true
}

// grpcCodes are the gRPC status codes that alone say what happened.
var grpcCodes = map[codes.Code]Code{
	codes.Unavailable:      CodeUnavailable,
	codes.DeadlineExceeded: CodeTimeout,
	codes.Canceled:         CodeCanceled,
	codes.PermissionDenied: CodeAccessDenied,
}

// transportCode classifies an error that carries no chaincode code.
func transportCode(err error, top string, details []string) Code {
	for _, d := range details {
		if c := matchMessage(d); c != "" {
			return c
		}
	}
	if st, ok := status.FromError(err); ok {
		if c, ok := grpcCodes[st.Code()]; ok {
			return c
		}
	}
	if c := matchMessage(top); c != "" {
		return c
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	}
	return CodeUnknown
}

// knownMessages are the facts Fabric reports only as text: in the details
// of a gateway error (one per peer or orderer) or in its message. This is
// the one place where the client matches error text.
var knownMessages = []struct {
	text string
	code Code
}{
	// Endorse: two endorsers' responses differ (the gateway's plan).
	{"ProposalResponsePayloads do not match", CodeEndorsementMismatch},
	// Endorse: an endorser refused a transaction id it already has.
	{"duplicate transaction found", CodeDuplicateTxID},
	// Submit (BFT orderers): the orderer already has this transaction.
	{"request already exists", CodeDuplicateTxID},
	// Endorse or evaluate: the peer refused the creator (ACL, unknown MSP).
	{"access denied", CodeAccessDenied},
	{"creator org unknown", CodeAccessDenied},
	// A peer or orderer behind the gateway could not be reached.
	{"code = Unavailable", CodeUnavailable},
	// Endorse: the gateway found no live set of peers for the policy (a
	// peer restarting); nothing was endorsed, so it is safe to retry.
	{"no combination of peers can be derived", CodeUnavailable},
}

// matchMessage returns the code of the first known message within msg
// (case-insensitively), or "".
func matchMessage(msg string) Code {
	lower := strings.ToLower(msg)
	for _, k := range knownMessages {
		if strings.Contains(lower, strings.ToLower(k.text)) {
			return k.code
		}
	}
	return ""
}

// grpcCode is err's gRPC status code, or codes.Unknown.
func grpcCode(err error) codes.Code {
	if st, ok := status.FromError(err); ok {
		return st.Code()
	}
	return codes.Unknown
}
