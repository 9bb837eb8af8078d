package x12api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/refusal"
	"github.com/carechain/carechain/client/standards/x12"
)

// maxInterchange is the largest 837P the route takes.
const maxInterchange = 8 << 20

// Claim statuses of a SubmitResponse.
const (
	// StatusSubmitted: the claim committed; Receipt has its id and txId.
	StatusSubmitted = "submitted"
	// StatusRefused: carechain cannot represent the claim; Issues name
	// each element (loop, segment, element). Nothing was submitted.
	StatusRefused = "refused"
	// StatusFailed: the submission failed; Problem says why (a
	// COMMIT_UNKNOWN problem names the transaction that may be ordered).
	StatusFailed = "failed"
)

// SubmitResponse is what POST /x12/837 answers: the 999 of the
// interchange, and one result per claim in document order.
type SubmitResponse struct {
	// Ack999 is the 005010X231A1 acknowledgement, as X12 text.
	Ack999 string        `json:"ack999"`
	Claims []ClaimResult `json:"claims"`
}

// ClaimResult is one claim's outcome.
type ClaimResult struct {
	// ClaimID is CLM01; Set the ST02 of its transaction set.
	ClaimID string          `json:"claimId"`
	Set     string          `json:"set"`
	Status  string          `json:"status"`
	Receipt *Receipt        `json:"receipt,omitempty"`
	Issues  []refusal.Issue `json:"issues,omitempty"`
	Problem *serve.Problem  `json:"problem,omitempty"`
}

// Receipt is a submitted claim's receipt.
type Receipt struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	TxID   string `json:"txId"`
}

func (a *API) post837(w http.ResponseWriter, r *http.Request) {
	data, err := readInterchange(r)
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	now := a.now()
	opts := []x12.Option{x12.SubmittedAt(now), x12.WithMembers(a.member), x12.WithPayers(a.payer)}
	derive, err := a.dir.claimIDs()
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	if derive != nil {
		opts = append(opts, x12.WithClaimIDs(derive))
	}
	batch, err := x12.Read837(data, opts...)
	if err != nil {
		serve.WriteError(w, r, serve.BadRequest("body", err))
		return
	}
	ack, err := batch.Ack999(a.nextControl(), now)
	if err != nil {
		serve.WriteError(w, r, fmt.Errorf("x12api: writing the 999: %w", err))
		return
	}
	res := SubmitResponse{Ack999: string(ack), Claims: make([]ClaimResult, 0, len(batch.Claims))}
	for _, c := range batch.Claims {
		res.Claims = append(res.Claims, a.submit(r.Context(), c))
	}
	serve.WriteJSON(w, http.StatusOK, "application/json", res)
}

// readInterchange reads an X12 body within maxInterchange.
func readInterchange(r *http.Request) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != MediaX12 && mt != "text/plain" {
		return nil, serve.UnsupportedMedia(mt, MediaX12+" or text/plain")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxInterchange+1))
	if err != nil {
		return nil, serve.BadRequest("body", err)
	}
	if len(data) > maxInterchange {
		return nil, serve.BadRequest("body", fmt.Errorf("is over %d bytes", maxInterchange))
	}
	return data, nil
}

// submit submits one mapped claim, once; a refused one is reported as is.
func (a *API) submit(ctx context.Context, c x12.ClaimResult) ClaimResult {
	out := ClaimResult{ClaimID: c.ID, Set: c.Set}
	if !c.Accepted() {
		out.Status, out.Issues = StatusRefused, refusal.Issues(c.Err)
		if out.Issues == nil {
			out.Issues = []refusal.Issue{{Path: "837 claim " + c.ID, Reason: c.Err.Error()}}
		}
		return out
	}
	rc, err := a.claims.Submit(ctx, *c.Input)
	if err != nil {
		p := a.problem(ctx, err)
		out.Status, out.Problem = StatusFailed, &p
		return out
	}
	out.Status, out.Receipt = StatusSubmitted, &Receipt{ID: rc.ID, Status: rc.Status, TxID: rc.TxID}
	return out
}

// problem is a failed call's problem document, with the chaincode's
// message (a caller's own claim) but never an internal error's text.
func (a *API) problem(ctx context.Context, err error) serve.Problem {
	p := serve.ProblemOf(err)
	var ce *client.Error
	if p.Status >= 500 && !errors.As(err, &ce) {
		a.log.ErrorContext(ctx, "x12 call failed", "error", err.Error())
	}
	return p
}

func (a *API) payer(id string) (string, bool) {
	msp, ok := a.dir.Payers[id]
	return msp, ok
}

func (a *API) member(payerID, memberID string) (string, bool) {
	s, ok := a.dir.Members[payerID+"/"+memberID]
	return s, ok
}

// dated is the time an answer is dated with (UTC).
func (a *API) dated() time.Time { return a.now().UTC() }
