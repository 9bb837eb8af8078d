package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Contract is a chaincode on a channel, as one session sees it: the base of
// the typed domain clients (consent, records, claims, provenance).
type Contract struct {
	Session   *Session
	Channel   string
	Chaincode string
}

// Input is a transaction's input: public arguments, and data that must stay
// off the ledger, sent as JSON in the transient map under a key.
type Input struct {
	Args         []string
	TransientKey string
	Transient    any
	Endorsers    []string
}

func (c Contract) call(fn string, in Input) (Call, error) {
	call := Call{Channel: c.Channel, Chaincode: c.Chaincode, Function: fn, Args: in.Args, Endorsers: in.Endorsers}
	if in.TransientKey != "" {
		data, err := json.Marshal(in.Transient)
		if err != nil {
			return call, fmt.Errorf("encode %s: %w", in.TransientKey, err)
		}
		call.Transient = map[string][]byte{in.TransientKey: data}
	}
	return call, nil
}

// Submit submits fn and decodes its JSON answer into out (when not nil).
func (c Contract) Submit(ctx context.Context, fn string, in Input, out any) (*Result, error) {
	call, err := c.call(fn, in)
	if err != nil {
		return nil, err
	}
	res, err := c.Session.Submit(ctx, call)
	if err != nil {
		return nil, err
	}
	return res, decode(fn, res.Payload, out)
}

// Evaluate evaluates fn and decodes its JSON answer into out.
func (c Contract) Evaluate(ctx context.Context, fn string, in Input, out any) error {
	call, err := c.call(fn, in)
	if err != nil {
		return err
	}
	res, err := c.Session.Evaluate(ctx, call)
	if err != nil {
		return err
	}
	return decode(fn, res.Payload, out)
}

// Page asks for one page of a listing: its size (0 for the chaincode's
// default) and the bookmark the previous page returned ("" for the first).
type Page struct {
	Size     int32
	Bookmark string
}

// Args appends the page's size and bookmark to a listing's arguments.
func (p Page) Args(first ...string) []string {
	return append(first, strconv.Itoa(int(p.Size)), p.Bookmark)
}

func decode(fn string, payload []byte, out any) error {
	if out == nil || len(payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(payload, out); err != nil {
		return fmt.Errorf("%s: decode answer: %w", fn, err)
	}
	return nil
}
