package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/internal/cmdline"
	"github.com/carechain/carechain/network/consortium"
)

func (a *app) channelCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel plan|sign|submit",
		Short: "exchange a channel update between the orgs that sign it, each with its own key",
	}
	cmd.AddCommand(a.channelPlan(), a.channelSign(), a.channelSubmit())
	return cmd
}

func (a *app) channelPlan() *cobra.Command {
	plan := &cobra.Command{
		Use:     "plan CHANNEL",
		Short:   "write the config update that brings CHANNEL to the topology into HOME/channels/CHANNEL/updates/, signed by nobody yet",
		Example: "  carenet --topology payer2-out.yaml channel plan care",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return planCmd(cmd.Context(), c, args[0])
		},
	}
	return plan
}

func (a *app) channelSign() *cobra.Command {
	var signer string
	sign := &cobra.Command{
		Use:     "sign FILE --org ORG",
		Short:   "add ORG's admin signature, with the key in ORG's own folder",
		Example: "  carenet channel sign $f --org provider",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if signer == "" {
				return cmdline.Usagef(cmd, "--org ORG is needed: name the org whose admin signs")
			}
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			_, err = c.SignUpdateFile(args[0], signer)
			return err
		},
	}
	sign.Flags().StringVar(&signer, "org", "", "the org whose admin signs (required)")
	return sign
}

func (a *app) channelSubmit() *cobra.Command {
	var submitter string
	submit := &cobra.Command{
		Use:     "submit FILE",
		Short:   "submit the update once its signatures meet the channel's policies (else name the orgs still to sign)",
		Example: "  carenet channel submit $f             # as the first signer's admin\n  carenet channel submit $f --org payer",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return c.SubmitUpdateFile(cmd.Context(), args[0], submitter)
		},
	}
	submit.Flags().StringVar(&submitter, "org", "", "the org whose admin submits (default: the first signer's)")
	return submit
}

func (a *app) envCommand() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "env ORG",
		Short: "print export lines that make peer, osnadmin and configtxlator act as ORG's admin (or --user)",
		Example: `  eval "$(carenet env provider)"
  eval "$(carenet env provider --user physician1)"`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return envCmd(c, a.out, args[0], user)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the org's user to act as (default: its admin)")
	return cmd
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
// configtxlator act as an org's admin (or user): eval $(carenet env ORG).
func envCmd(c *consortium.Consortium, w io.Writer, org, user string) error {
	vars, err := c.Env(org, user)
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
