package client_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/carechain/carechain/client"
)

// statusAsker is the part of *client.Session that settles a COMMIT_UNKNOWN.
type statusAsker interface {
	CommitStatus(ctx context.Context, channel, txID string) (*client.TxStatus, error)
}

var _ statusAsker = (*client.Session)(nil)

// handle is what a caller does with the answer of Session.Submit.
func handle(ctx context.Context, s statusAsker, res *client.Result, err error) string {
	if err == nil {
		return fmt.Sprintf("committed %s in block %d", res.TxID, res.Block)
	}
	var e *client.Error
	if !errors.As(err, &e) {
		return "not a transaction error: " + err.Error()
	}
	switch e.Code {
	case client.CodeCommitUnknown:
		// It may have committed: never submit the call again before knowing.
		return settle(ctx, s, e.TxID)
	case client.CodeInvalidArgument:
		return fmt.Sprintf("refused, fix field %q: %s", e.Field, e.Message)
	case client.CodeForbidden, client.CodeAccessDenied:
		return "not allowed: " + e.Message
	}
	// Any other error: the call had no effect. With no TxID, no
	// transaction of it was even ordered; with one, that transaction
	// committed as invalid (or was refused by the ordering service).
	if e.TxID == "" {
		return fmt.Sprintf("%s, nothing written: safe to try again later", e.Code)
	}
	return fmt.Sprintf("%s: transaction %s had no effect (%s)", e.Code, e.TxID, e.Validation)
}

// settle asks what became of a transaction whose outcome was unknown.
func settle(ctx context.Context, s statusAsker, txID string) string {
	st, err := s.CommitStatus(ctx, "care", txID)
	switch {
	case errors.Is(err, client.ErrCommitUnknown):
		return "still unknown: ask again later about " + txID
	case err != nil:
		return "cannot tell yet: " + string(client.CodeOf(err))
	case st.Valid():
		return fmt.Sprintf("%s did commit, in block %d: done", txID, st.Block)
	}
	return fmt.Sprintf("%s committed as %s: it had no effect", txID, st.Validation)
}

// ledger answers CommitStatus as a gateway would, from a fixed ledger.
type ledger map[string]client.TxStatus

func (l ledger) CommitStatus(_ context.Context, _, txID string) (*client.TxStatus, error) {
	if st, ok := l[txID]; ok {
		return &st, nil
	}
	return nil, &client.Error{Code: client.CodeCommitUnknown, TxID: txID}
}

// Handling the typed errors of Session.Submit: errors.As to *client.Error,
// a switch on its Code, and its TxID to settle an unknown outcome.
func ExampleError() {
	ctx := context.Background()
	l := ledger{"3f9a": {TxID: "3f9a", Block: 42, Validation: "VALID"}}
	answers := []struct {
		res *client.Result
		err error
	}{
		{&client.Result{TxID: "3f9a", Block: 42}, nil},
		{nil, &client.Error{Code: client.CodeInvalidArgument, Field: "npi", Message: "bad check digit"}},
		{nil, &client.Error{Code: client.CodeUnavailable, Message: "gateway unreachable"}},
		{nil, &client.Error{Code: client.CodeMVCCConflict, TxID: "77c1", Validation: "MVCC_READ_CONFLICT"}},
		{nil, fmt.Errorf("claims submit: %w", &client.Error{Code: client.CodeCommitUnknown, TxID: "3f9a"})},
		{nil, &client.Error{Code: client.CodeCommitUnknown, TxID: "b20e"}},
	}
	for _, a := range answers {
		fmt.Println(handle(ctx, l, a.res, a.err))
	}
	// Output:
	// committed 3f9a in block 42
	// refused, fix field "npi": bad check digit
	// UNAVAILABLE, nothing written: safe to try again later
	// MVCC_CONFLICT: transaction 77c1 had no effect (MVCC_READ_CONFLICT)
	// 3f9a did commit, in block 42: done
	// still unknown: ask again later about b20e
}
