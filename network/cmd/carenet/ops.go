package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/carechain/carechain/network/consortium"
)

// errUsage is a command line carenet cannot read; the message says why.
var errUsage = errors.New("usage")

// parseInterspersed parses flags wherever they stand among the positional
// arguments (`channel sign FILE --org ORG`), which flag.Parse does not.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// channelCmd runs `carenet channel plan|sign|submit`: the exchange of a
// channel update between the orgs that sign it, each with its own key.
func channelCmd(ctx context.Context, c *consortium.Consortium, args []string) error {
	fs := flag.NewFlagSet("carenet channel", flag.ContinueOnError)
	org := fs.String("org", "", "sign: the org whose admin signs; submit: the org whose admin submits (default: the first signer's)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: carenet channel plan CHANNEL | sign FILE --org ORG | submit FILE [--org ORG]", errUsage)
	}
	switch pos[0] {
	case "plan":
		return planCmd(ctx, c, pos[1])
	case "sign":
		if *org == "" {
			return fmt.Errorf("%w: carenet channel sign FILE --org ORG: name the org whose admin signs", errUsage)
		}
		_, err := c.SignUpdateFile(pos[1], *org)
		return err
	case "submit":
		return c.SubmitUpdateFile(ctx, pos[1], *org)
	default:
		return fmt.Errorf("%w: carenet channel %s: want plan, sign or submit", errUsage, pos[0])
	}
}

// planCmd writes the update that brings a channel to the topology, and
// says whose admins must sign it.
func planCmd(ctx context.Context, c *consortium.Consortium, channel string) error {
	file, plan, err := c.PlanUpdateFile(ctx, channel)
	if err != nil {
		return err
	}
	if plan.Empty() {
		fmt.Fprintf(c.Out, "%s matches the topology: nothing to sign\n", channel)
		return nil
	}
	var all []string
	for _, name := range c.Topo.Channel(channel).Orgs {
		all = append(all, c.Topo.Org(name).MSPID)
	}
	signers, err := plan.Signers(all)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "%s\nwritten to %s; for example the admins of %v sign it (carenet channel sign %[2]s --org ORG), then one submits it (carenet channel submit %[2]s)\n",
		plan, file, signers)
	return nil
}

// envCmd prints `export` lines that make Fabric's peer, osnadmin and
// configtxlator act as an org's admin (or --user): eval $(carenet env ORG).
func envCmd(c *consortium.Consortium, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("carenet env", flag.ContinueOnError)
	user := fs.String("user", "", "the org's user to act as (default: its admin)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: carenet env ORG [--user USER]", errUsage)
	}
	vars, err := c.Env(pos[0], *user)
	if err != nil {
		return err
	}
	for _, v := range vars {
		fmt.Fprintf(w, "export %s=%s\n", v.Name, shellQuote(v.Value))
		if v.Name == "FABRIC_BIN" {
			fmt.Fprintf(w, "export PATH=%s:\"$PATH\"\n", shellQuote(v.Value))
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
