package fhir

import (
	"encoding/json"
	"strings"

	"github.com/carechain/carechain/client/standards/refusal"
)

// Issue types of an OperationOutcome (R4 value set issue-type) that
// carechain answers with.
const (
	IssueInvalid      = "invalid"
	IssueNotSupported = "not-supported"
	IssueForbidden    = "forbidden"
	IssueNotFound     = "not-found"
	IssueConflict     = "conflict"
	IssueBusinessRule = "business-rule"
	IssueTransient    = "transient"
	IssueIncomplete   = "incomplete"
	IssueException    = "exception"
	IssueProcessing   = "processing"
)

// OutcomeIssue is one issue of an OperationOutcome: its issue type, what
// happened, and the element it is about as a FHIRPath expression
// (Claim.item[2].productOrService), when there is one.
type OutcomeIssue struct {
	Code        string
	Diagnostics string
	Expression  string
}

// RefusalIssues are the issues of a refusal (*refusal.Error), each naming
// its element: invalid R4 and what carechain cannot represent are
// IssueInvalid and IssueNotSupported, told apart by the reason.
func RefusalIssues(e *refusal.Error) []OutcomeIssue {
	out := make([]OutcomeIssue, 0, len(e.Issues))
	for _, is := range e.Issues {
		code := IssueNotSupported
		if strings.HasPrefix(is.Reason, "not valid R4") {
			code = IssueInvalid
		}
		out = append(out, OutcomeIssue{Code: code, Diagnostics: is.Reason, Expression: is.Path})
	}
	return out
}

// OperationOutcome writes issues as an R4 OperationOutcome, each of
// severity error: what a FHIR server answers a request it refused or
// failed.
func OperationOutcome(issues ...OutcomeIssue) ([]byte, error) {
	if len(issues) == 0 {
		issues = []OutcomeIssue{{Code: IssueException, Diagnostics: "the request failed"}}
	}
	list := make([]any, 0, len(issues))
	for _, is := range issues {
		e := obj{"severity": "error", "code": is.Code}
		if is.Diagnostics != "" {
			e["diagnostics"] = is.Diagnostics
		}
		if is.Expression != "" {
			e["expression"] = []any{is.Expression}
		}
		list = append(list, e)
	}
	return emit(obj{"resourceType": "OperationOutcome", "issue": list})
}

// SearchSet writes resources (each as carechain emitted it) as an R4
// Bundle of type searchset: self is the search's URL, next the next
// page's, if any.
func SearchSet(self, next string, resources ...[]byte) ([]byte, error) {
	entries := make([]any, 0, len(resources))
	for _, r := range resources {
		entries = append(entries, obj{"resource": json.RawMessage(r), "search": obj{"mode": "match"}})
	}
	links := []any{obj{"relation": "self", "url": self}}
	if next != "" {
		links = append(links, obj{"relation": "next", "url": next})
	}
	b := obj{"resourceType": "Bundle", "type": "searchset", "link": links}
	if len(entries) > 0 {
		b["entry"] = entries
	}
	return emit(b)
}
