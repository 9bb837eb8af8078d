package caclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels that errors.Is matches a *Error against.
var (
	// ErrAuthentication: a wrong, unknown or used-up enrollment secret, or a
	// token the CA does not accept (HTTP 401).
	ErrAuthentication = errors.New("authentication failed")
	// ErrAuthorization: the registrar may not do this (HTTP 403): register
	// that type or attribute, revoke, or list identities.
	ErrAuthorization = errors.New("not authorized")
	// ErrAlreadyRegistered: the enrollment id is taken (Fabric CA code 74).
	ErrAlreadyRegistered = errors.New("identity already registered")
	// ErrNotFound: no such identity or certificate (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrUnreachable: the CA could not be reached or its answer not read.
	ErrUnreachable = errors.New("CA unreachable")
)

// Fabric CA error codes this package names.
const (
	CodeAuthenticationFailure = 20
	CodeAuthorizationFailure  = 71
	CodeDuplicateIdentity     = 74
)

// Message is one error of a Fabric CA answer.
type Message struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Error is a call the CA refused (Status and its Messages) or that did not
// reach it (Err).
type Error struct {
	Op       string // enroll, register, revoke, identities
	Status   int    // HTTP status; 0 when no answer was read
	Messages []Message
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fabric CA %s", e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	for _, m := range e.Messages {
		fmt.Fprintf(&b, ": code %d: %s", m.Code, m.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinels by HTTP status and Fabric CA code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrAuthentication:
		return e.Status == http.StatusUnauthorized || e.hasCode(CodeAuthenticationFailure)
	case ErrAuthorization:
		return e.Status == http.StatusForbidden || e.hasCode(CodeAuthorizationFailure)
	case ErrAlreadyRegistered:
		return e.Status == http.StatusConflict || e.hasCode(CodeDuplicateIdentity)
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	}
	return false
}

func (e *Error) hasCode(code int) bool {
	for _, m := range e.Messages {
		if m.Code == code {
			return true
		}
	}
	return false
}
