package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/internal/cmdline"
	"github.com/carechain/carechain/network/consortium"
)

var lifecycleHelp = map[string][2]string{
	"approve":   {"approve NAME --org ORG", "one org's admin approves a chaincode's definition (built and installed on that org's peers); prints who has approved and who is missing"},
	"commit":    {"commit NAME", "commit the definition once the approvals meet the channel's lifecycle policy; else names the orgs still to approve"},
	"readiness": {"readiness NAME", "who has approved the definition as it is now, who is missing, whether it is committed (checkcommitreadiness)"},
	"package":   {"package NAME", "build the package, print its id (a chaincode service's CHAINCODE_ID)"},
}

var lifecycleExamples = map[string]string{
	"approve":   "  carenet --cc-version basic=2 approve basic --org provider",
	"commit":    "  carenet --cc-version basic=2 commit basic",
	"readiness": "  carenet --cc-version basic=2 readiness basic --json",
	"package":   "  id=$(carenet package pricing)",
}

// lifecycleCommand is approve, commit, readiness or package.
func (a *app) lifecycleCommand(name string) *cobra.Command {
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     lifecycleHelp[name][0],
		Short:   lifecycleHelp[name][1],
		Example: lifecycleExamples[name],
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "approve" && org == "" {
				return cmdline.Usagef(cmd, "--org ORG is needed: each org's admin approves for its own org")
			}
			c, err := a.consortium(existingState)
			if err != nil {
				return err
			}
			return a.lifecycle(cmd.Context(), c, name, args[0], org, asJSON)
		},
	}
	if name == "approve" {
		cmd.Flags().StringVar(&org, "org", "", "the org whose admin approves (required)")
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the readiness (or the package) as JSON")
	return cmd
}

// lifecycle runs approve, commit, readiness or package.
func (a *app) lifecycle(ctx context.Context, c *consortium.Consortium, cmd, name, org string, asJSON bool) error {
	if asJSON {
		c.Out = a.errOut // the progress lines; stdout is the JSON
	}
	var out any
	var err error
	switch cmd {
	case "approve":
		out, err = c.Approve(ctx, name, org)
	case "commit":
		out, err = c.Commit(ctx, name)
	case "readiness":
		out, err = c.ReadinessOf(ctx, name)
	case "package":
		out, err = packageInfo(c, name)
	}
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printLifecycle(a.out, out)
}

// packageOutput is what carenet package prints.
type packageOutput struct {
	Name      string `json:"name"`
	Label     string `json:"label"`
	PackageID string `json:"packageId"`
}

func packageInfo(c *consortium.Consortium, name string) (packageOutput, error) {
	pkg, err := c.Package(name)
	if err != nil {
		return packageOutput{}, err
	}
	return packageOutput{Name: pkg.Name, Label: pkg.Label, PackageID: pkg.ID}, nil
}

func printLifecycle(w io.Writer, out any) error {
	switch v := out.(type) {
	case []consortium.Readiness:
		for _, r := range v {
			fmt.Fprintln(w, r)
		}
	case packageOutput:
		fmt.Fprintln(w, v.PackageID)
	default:
		return fmt.Errorf("nothing to print for %T", out)
	}
	return nil
}
