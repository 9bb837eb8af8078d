package serve

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/carechain/carechain/client"
)

// Problem is an RFC 9457 problem document, with the client's error code,
// the field it names and, for a transaction that may have been ordered,
// its id and what to do.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	TxID   string `json:"txId,omitempty"`
	Advice string `json:"advice,omitempty"`
	// RequestID names the request in the server's access log.
	RequestID string `json:"requestId,omitempty"`
}

// ProblemType is the problem type URI of a code.
func ProblemType(code client.Code) string { return "urn:carechain:problem:" + string(code) }

// CodeBadRequest is the code of a request the server refuses before any
// call: a body that does not parse, a parameter out of range.
const CodeBadRequest client.Code = "BAD_REQUEST"

// statusOf maps each code to its HTTP status.
var statusOf = map[client.Code]int{
	CodeBadRequest:                 http.StatusBadRequest,
	client.CodeInvalidArgument:     http.StatusBadRequest,
	client.CodeForbidden:           http.StatusForbidden,
	client.CodeAccessDenied:        http.StatusForbidden,
	client.CodeNotFound:            http.StatusNotFound,
	client.CodeConflict:            http.StatusConflict,
	client.CodeFailedPrecondition:  http.StatusConflict,
	client.CodeMVCCConflict:        http.StatusConflict,
	client.CodeCommitUnknown:       http.StatusAccepted,
	client.CodeUnavailable:         http.StatusServiceUnavailable,
	client.CodeCanceled:            http.StatusServiceUnavailable,
	client.CodeTimeout:             http.StatusGatewayTimeout,
	client.CodeEndorsementMismatch: http.StatusBadGateway,
	client.CodeEndorsementPolicy:   http.StatusBadGateway,
	client.CodeInvalidTransaction:  http.StatusBadGateway,
	client.CodeDuplicateTxID:       http.StatusBadGateway,
	client.CodeInternal:            http.StatusInternalServerError,
	client.CodeUnknown:             http.StatusInternalServerError,
}

// advice says what a caller should do after an error of a code, where it
// is not plain from the status.
var advice = map[client.Code]string{
	client.CodeCommitUnknown:       "the transaction may have been ordered: do not send the request again; ask the commit status of txId (carectl tx status) first",
	client.CodeMVCCConflict:        "the transaction committed as invalid and had no effect: it is safe to send the request again",
	client.CodeUnavailable:         "no gateway could be reached and nothing was ordered: send the request again later",
	client.CodeTimeout:             "nothing was ordered before the deadline: send the request again later",
	client.CodeEndorsementMismatch: "peers disagreed and nothing was ordered: send the request again",
}

// StatusOf is the HTTP status of an error of a code: INVALID_ARGUMENT 400,
// FORBIDDEN and ACCESS_DENIED 403, NOT_FOUND 404, CONFLICT,
// FAILED_PRECONDITION and MVCC_CONFLICT 409, COMMIT_UNKNOWN 202 (the
// request was taken and its outcome is not known), UNAVAILABLE 503,
// TIMEOUT 504, Fabric's refusals 502, anything else 500.
func StatusOf(code client.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ProblemOf is the problem document of an error: a *client.Error keeps its
// code, field and transaction id; any other error is INTERNAL with no
// detail (its text may hold what a caller must not see; the log has it).
func ProblemOf(err error) Problem {
	var ce *client.Error
	if !errors.As(err, &ce) {
		var br *badRequest
		if errors.As(err, &br) {
			return problem(CodeBadRequest, br.field, br.Error())
		}
		var um *unsupportedMedia
		if errors.As(err, &um) {
			p := problem(CodeBadRequest, "Content-Type", um.Error())
			p.Status, p.Title = http.StatusUnsupportedMediaType, http.StatusText(http.StatusUnsupportedMediaType)
			return p
		}
		return problem(client.CodeInternal, "", "the server failed; its log names the request")
	}
	p := problem(ce.Code, ce.Field, ce.Message)
	p.TxID = ce.TxID
	return p
}

func problem(code client.Code, field, detail string) Problem {
	status := StatusOf(code)
	return Problem{Type: ProblemType(code), Title: http.StatusText(status), Status: status, Detail: detail,
		Code: string(code), Field: field, Advice: advice[code]}
}

// badRequest is a request refused before any call, naming its field.
type badRequest struct {
	field string
	err   error
}

func (b *badRequest) Error() string { return b.err.Error() }
func (b *badRequest) Unwrap() error { return b.err }

// BadRequest is an error refusing a request's field (a parameter or a
// body member) before any call: 400 with code BAD_REQUEST.
func BadRequest(field string, err error) error { return &badRequest{field: field, err: err} }

// WriteError answers a request with the problem document of err and the
// request's id, as the server's own routes do: routes mounted with
// WithRoutes answer their errors the same way.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(err)
	p.RequestID = middleware.GetReqID(r.Context())
	writeProblem(w, p)
}

// WriteJSON writes v as JSON with a status and a content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	writeJSON(w, status, contentType, v)
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as JSON with a status.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, problem(client.CodeInternal, "", "the answer could not be encoded"))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
