package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/gs1"
)

func (a *app) drugsEPCIS() *cobra.Command {
	cmd := &cobra.Command{Use: "epcis", Short: "EPCIS 2.0 JSON/JSON-LD documents"}
	export := &cobra.Command{Use: "export ID", Short: "an item's trace as an EPCIS 2.0 document (valid per GS1's EPCIS 2.0 JSON schema)", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			doc, err := k.ExportEPCIS(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			_, err = a.out.Write(append(doc, '\n'))
			return err
		})}
	plan := &cobra.Command{Use: "plan FILE", Short: "what importing a document would do, event by event (nothing is submitted)", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			_, p, err := k.PlanEPCIS(cmd.Context(), data)
			return a.show(p, err, func(w io.Writer) { printPlan(w, p) })
		})}
	cmd.AddCommand(export, plan, a.drugsImport())
	return cmd
}

func (a *app) drugsImport() *cobra.Command {
	return &cobra.Command{Use: "import FILE", Short: "import a document: your org's custody events become transactions, the others are captured only (each says why)", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			res, err := k.ImportEPCIS(cmd.Context(), data, map[string]string{"transactionInformation": "EPCIS import " + args[0]}, func(d, total int) {
				a.progress("importing call %d/%d", d, total)
				if d == total {
					a.progressDone()
				}
			})
			if res != nil {
				a.print(res, func(w io.Writer) {
					printPlan(w, res.Plan)
					fmt.Fprintf(w, "%d calls made\n", res.Calls)
					printAnchors(w, res.Anchors)
				})
			}
			return err
		})}
}

// printAnchors says which events that change no custody are anchored.
func printAnchors(w io.Writer, anchors []provenance.EventAnchor) {
	for _, a := range anchors {
		switch {
		case a.Anchor != nil && a.Anchor.Duplicate:
			fmt.Fprintf(w, "event %d anchored before as %s\n", a.Index, a.Anchor.ID)
		case a.Anchor != nil:
			fmt.Fprintf(w, "event %d anchored as %s (salt %s)\n", a.Index, a.Anchor.ID, a.Anchor.Salt)
		default:
			fmt.Fprintf(w, "event %d not anchored: %s\n", a.Index, a.NotAnchored)
		}
	}
}

func printPlan(w io.Writer, p *epcismap.Plan) {
	for _, e := range p.Events {
		fmt.Fprintf(w, "event %d %s %s: %s", e.Index, e.Type, e.BizStep, e.Outcome)
		if e.Reason != "" {
			fmt.Fprintf(w, " (%s)", e.Reason)
		}
		for _, c := range e.Calls {
			fmt.Fprintf(w, "\n  %s %s%s", c.Fn, c.ID, c.GTIN)
		}
		for _, g := range e.Gaps {
			fmt.Fprintf(w, "\n  not taken: %s: %s", g.Code, g.Detail)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%v\n", p.Outcomes())
}

// drugsVerify verifies a product identifier: as its four parts, or as a
// scanner delivers it (a GS1 element string, ]d2 and GS separators or
// human-readable, or a GS1 Digital Link).
func (a *app) drugsVerify() *cobra.Command {
	return &cobra.Command{Use: "verify (SCAN | GTIN SERIAL LOT EXPIRY)", Short: "verify a product identifier (recorded): a scanned GS1 DataMatrix string, a Digital Link, or its four parts",
		Example: "  carectl drugs verify ']d20110614141123459172812311" + "0L1\\x1d21A1'\n  carectl drugs verify 'https://id.gs1.org/01/10614141123459/10/L1/21/A1?17=281231'",
		Args:    func(cmd *cobra.Command, args []string) error { return oneOrFour(args) },
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			if len(args) == 1 {
				pi, err := scanned(args[0])
				if err != nil {
					return err
				}
				args = []string{pi.GTIN, pi.Serial, pi.Lot, pi.Expiry}
			}
			v, err := k.Verify(cmd.Context(), args[0], args[1], args[2], args[3])
			return a.show(v, err, func(w io.Writer) { fmt.Fprintf(w, "%s: %s (verification %s)\n", v.Unit, v.Result, v.ID) })
		})}
}

func oneOrFour(args []string) error {
	if len(args) != 1 && len(args) != 4 {
		return fmt.Errorf("give a scan, or GTIN SERIAL LOT EXPIRY")
	}
	return nil
}

// scanned reads a scan; a shell cannot type GS, so the four characters
// \x1d stand for it too.
func scanned(s string) (*gs1.ProductIdentifier, error) {
	scan, err := gs1.ParseScan(strings.ReplaceAll(s, `\x1d`, gs1.GS))
	if err != nil {
		return nil, err
	}
	return scan.ProductIdentifier(time.Now())
}
