package x12api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/serve"
	"github.com/carechain/carechain/client/standards/x12"
)

// ErrNotPaid is a claim with no payment (or only reversed ones): there
// is nothing to remit.
var ErrNotPaid = &client.Error{Code: client.CodeFailedPrecondition, Message: "the claim has no payment to remit"}

// get835 answers the 835 of the claim the path names: its carechain id,
// or, with a claim id key, its patient control number (CLM01).
func (a *API) get835(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "claimID")
	derive, err := a.dir.claimIDs()
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	if derive != nil && !strings.HasPrefix(id, pcnPrefix) {
		id = derive(id)
	}
	rem, err := a.claims.Remittance(r.Context(), id)
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	if !paid(rem) {
		serve.WriteError(w, r, ErrNotPaid)
		return
	}
	payer, payee, err := a.parties(rem)
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	c, err := a.claims.Get(r.Context(), id)
	if err != nil {
		serve.WriteError(w, r, err)
		return
	}
	data, err := x12.Write835(rem, x12.Remit835{Control: a.nextControl(), At: a.dated(),
		Sender: a.dir.Sender, Receiver: a.dir.Receiver, Payer: payer, Payee: payee, Patient: c.Input.Patient,
		PatientControl: patientControl(c.Input.Identifiers)})
	if err != nil {
		a.log.ErrorContext(r.Context(), "835 not written", "error", err.Error())
		serve.WriteError(w, r, fmt.Errorf("x12api: claim %s: %w", id, err))
		return
	}
	w.Header().Set("Content-Type", MediaX12)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// patientControl is the claim's CLM01 when its id was made from it.
func patientControl(ids []cl.Identifier) string {
	for _, id := range ids {
		if id.System == x12.SystemPCN {
			return id.Value
		}
	}
	return ""
}

// paid reports whether a remittance has a payment that stands.
func paid(r *cl.Remittance) bool {
	for _, p := range r.Payments {
		if p.Reversed == "" {
			return true
		}
	}
	return false
}

// parties are the payer and payee as the 835 names them (N1*PR with the
// payer's TIN, N1*PE with the payee's NPI), from the directory: an 835
// without them is no 835, so a missing one is refused, naming it.
func (a *API) parties(rem *cl.Remittance) (payer, payee x12.Party, err error) {
	payer, okPayer := a.dir.Parties[rem.Payer]
	payee, okPayee := a.dir.Parties[rem.Provider]
	for _, m := range []struct {
		msp string
		ok  bool
	}{{rem.Payer, okPayer}, {rem.Provider, okPayee}} {
		if !m.ok || a.dir.Parties[m.msp].ID == "" {
			return payer, payee, &client.Error{Code: client.CodeFailedPrecondition, Field: "parties",
				Message: fmt.Sprintf("the X12 directory names no 835 party (name and TIN or NPI) for %s", m.msp)}
		}
	}
	return payer, payee, nil
}
