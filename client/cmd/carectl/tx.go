package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/profile"
)

// txOutput is a transaction's JSON output: the chaincode's result as JSON
// when it is JSON, as a string otherwise.
type txOutput struct {
	TxID     string          `json:"txId,omitempty"`
	Block    uint64          `json:"block,omitempty"`
	Attempts int             `json:"attempts,omitempty"`
	Result   json.RawMessage `json:"result"`
}

func resultJSON(payload []byte) json.RawMessage {
	if len(payload) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(payload) {
		return payload
	}
	s, _ := json.Marshal(string(payload))
	return s
}

// parseTransient reads --transient KEY=VALUE entries: split at the first
// "=" only (a value keeps its own "=" and quotes), @FILE reads the value
// from a file; a key given twice is refused.
func parseTransient(entries []string) (map[string][]byte, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	out := map[string][]byte{}
	for i, e := range entries {
		key, value, ok := strings.Cut(e, "=")
		field := fmt.Sprintf("transient[%d]", i)
		switch {
		case !ok || key == "":
			return nil, inputError(field, fmt.Errorf("--transient %q: want KEY=VALUE or KEY=@FILE", e))
		case out[key] != nil:
			return nil, inputError(field, fmt.Errorf("--transient: key %q given twice", key))
		}
		data := []byte(value)
		if file, isFile := strings.CutPrefix(value, "@"); isFile {
			var err error
			if data, err = os.ReadFile(file); err != nil {
				return nil, inputError(field, fmt.Errorf("--transient %s: %w", key, err))
			}
		}
		out[key] = data
	}
	return out, nil
}

// runCall submits or evaluates one call and prints its result.
func (a *app) runCall(ctx context.Context, call client.Call, submit bool) error {
	s, err := a.session()
	if err != nil {
		return err
	}
	defer s.Close()
	var res *client.Result
	if submit {
		res, err = s.Submit(ctx, call)
	} else {
		res, err = s.Evaluate(ctx, call)
	}
	if err != nil {
		return err
	}
	out := txOutput{TxID: res.TxID, Block: res.Block, Attempts: res.Attempts, Result: resultJSON(res.Payload)}
	a.print(out, func(w io.Writer) {
		if submit {
			fmt.Fprintf(w, "committed tx %s in block %d\n", res.TxID, res.Block)
		}
		if len(res.Payload) > 0 {
			fmt.Fprintln(w, string(res.Payload))
		}
	})
	return nil
}

func (a *app) txCommand(use, short string, submit bool) *cobra.Command {
	var transientFlags []string
	var transient map[string][]byte
	var endorsers []string
	cmd := &cobra.Command{
		Use:   use + " CHAINCODE FUNCTION [ARG...]",
		Short: short,
		Args:  cobra.MinimumNArgs(2),
		PreRunE: func(*cobra.Command, []string) error {
			var err error
			transient, err = parseTransient(transientFlags)
			return err
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			call := client.Call{Channel: a.channel, Chaincode: args[0], Function: args[1], Args: args[2:], Endorsers: endorsers, Transient: transient}
			return a.runCall(cmd.Context(), call, submit)
		},
	}
	cmd.Flags().StringArrayVar(&transientFlags, "transient", nil, "transient data KEY=VALUE, split at the first = (KEY=@FILE: the file's bytes), repeatable; never written to the ledger")
	cmd.Flags().StringSliceVar(&endorsers, "endorsers", nil, "endorse only on these MSP ids")
	return cmd
}

func (a *app) submitCommand() *cobra.Command {
	return a.txCommand("submit", "submit a transaction and wait for its commit", true)
}

func (a *app) evaluateCommand() *cobra.Command {
	return a.txCommand("evaluate", "evaluate a query on the gateway peer (nothing is written)", false)
}

func (a *app) txInfoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tx TXID",
		Short: "show a committed transaction: validation code, creator and endorsing orgs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			defer s.Close()
			info, err := s.Transaction(cmd.Context(), a.channel, args[0])
			return a.show(info, err, func(w io.Writer) {
				fmt.Fprintf(w, "tx %s: %s in block %d, created by %s, endorsed by %v\n", info.TxID, info.Validation, info.Block, info.Creator, info.Endorsers)
			})
		},
	}
}

func (a *app) identitiesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "identities",
		Short: "list the orgs, their gateway peers and enrolled users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := a.client()
			if err != nil {
				return err
			}
			p := cl.Profile
			a.print(identitiesJSON(p.Orgs), func(w io.Writer) {
				for _, o := range p.Orgs {
					fmt.Fprintf(w, "%s (%s) via %v\n", o.Name, o.MSPID, o.Gateways)
					for _, u := range o.Users {
						fmt.Fprintf(w, "  %-14s %-7s %s\n", u.Name, u.Type, u.Role)
					}
				}
			})
			return nil
		},
	}
}

// orgIdentities is an org as carectl identities -o json prints it: names,
// gateways and users, none of the profile's folders on this machine.
type orgIdentities struct {
	Name     string         `json:"name"`
	MSPID    string         `json:"mspId"`
	Gateways []string       `json:"gateways"`
	Parts    []string       `json:"parts,omitempty"`
	Users    []profile.User `json:"users"`
}

func identitiesJSON(orgs []profile.Org) []orgIdentities {
	out := make([]orgIdentities, len(orgs))
	for i, o := range orgs {
		out[i] = orgIdentities{Name: o.Name, MSPID: o.MSPID, Gateways: o.Gateways, Parts: o.Parts, Users: o.Users}
	}
	return out
}
