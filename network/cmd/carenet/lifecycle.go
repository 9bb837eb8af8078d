package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/carechain/carechain/network/consortium"
)

// lifecycleArgs reads NAME and the flags of approve, commit and package,
// in either order (carenet approve basic --org payer).
func lifecycleArgs(cmd string, args []string) (name, org string, asJSON bool, err error) {
	fs := flag.NewFlagSet("carenet "+cmd, flag.ContinueOnError)
	fs.StringVar(&org, "org", "", "approve: the org whose admin approves")
	fs.BoolVar(&asJSON, "json", false, "print the readiness (or the package) as JSON")
	var rest []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", "", false, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	if len(rest) != 1 {
		return "", "", false, fmt.Errorf("carenet %s: want one chaincode name, got %v", cmd, rest)
	}
	if cmd == "approve" && org == "" {
		return "", "", false, errors.New("carenet approve: --org ORG is needed: each org's admin approves for its own org")
	}
	return rest[0], org, asJSON, nil
}

// lifecycle runs approve, commit or package.
func lifecycle(ctx context.Context, c *consortium.Consortium, cmd string, args []string) error {
	name, org, asJSON, err := lifecycleArgs(cmd, args)
	if err != nil {
		return err
	}
	if asJSON {
		c.Out = os.Stderr // the progress lines; stdout is the JSON
	}
	var out any
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
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printLifecycle(out)
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

func printLifecycle(out any) error {
	switch v := out.(type) {
	case []consortium.Readiness:
		for _, r := range v {
			fmt.Println(r)
		}
	case packageOutput:
		fmt.Println(v.PackageID)
	default:
		return fmt.Errorf("nothing to print for %T", out)
	}
	return nil
}
