package serve

import (
	"errors"

	"github.com/carechain/carechain/client"
)

var errPanic = errors.New("handler panicked")

// serverError is an error the server itself raises with a client code.
func serverError(code client.Code, msg string) error { return &client.Error{Code: code, Message: msg} }

func unavailable(msg string) error { return serverError(client.CodeUnavailable, msg) }
