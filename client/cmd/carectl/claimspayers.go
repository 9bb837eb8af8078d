package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
)

// claimsPayerCommands are the commands of insurers (intake, screen,
// flags, worklist, follow) and of coordination of benefits.
func (a *app) claimsPayerCommands() []*cobra.Command {
	var in cl.IntakeInput
	return []*cobra.Command{
		jsonArgFirst(a.claimReceiptCommand("intake JSON", "submit a claim received outside the ledger (payer claims intake; IntakeInput JSON)", 1,
			func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
				in.Claim = withClaimID(in.Claim)
				return k.SubmitIntake(cmd.Context(), in)
			}), 0, &in),
		a.claimReceiptCommand("dispute ID", "dispute a claim a payer submitted that your org never billed (provider billing)", 1,
			func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
				return k.Dispute(cmd.Context(), args[0])
			}),
		a.claimReceiptCommand("crossover ID", "forward an adjudicated claim to its secondary payer (coordination of benefits)", 1,
			func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
				return k.Crossover(cmd.Context(), args[0])
			}),
		a.claimReceiptCommand("screen ID", "screen a claim of your payer org for the same service billed elsewhere", 1,
			func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
				return k.Screen(cmd.Context(), args[0])
			}),
		a.claimsFlags(), a.claimsResolve(), a.claimsWorklist(), a.claimsFollow(),
	}
}

// claimsResolve resolves a flag; its arguments are checked before any call.
func (a *app) claimsResolve() *cobra.Command {
	var outcome, reason string
	cmd := a.claimReceiptCommand("resolve ID LINE", "resolve the duplicate flag on a line of your payer org's claim (payer adjudicator)", 2,
		func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			line, err := strconv.Atoi(args[1])
			if err != nil || line < 1 {
				return nil, &client.Error{Code: client.CodeInvalidArgument, Field: "line", Message: fmt.Sprintf("LINE is %q: a line number, 1 or more", args[1])}
			}
			if !slices.Contains(cl.Resolutions(), outcome) {
				return nil, &client.Error{Code: client.CodeInvalidArgument, Field: "outcome",
					Message: fmt.Sprintf("--outcome is %q: one of %s", outcome, strings.Join(cl.Resolutions(), ", "))}
			}
			if strings.TrimSpace(reason) == "" {
				return nil, &client.Error{Code: client.CodeInvalidArgument, Field: "reason", Message: "--reason is required"}
			}
			return k.ResolveFlag(cmd.Context(), args[0], line, outcome, reason)
		})
	cmd.Long = `A payer that looked into a flag says what it found: --outcome duplicate denies the line
(CO-18, its payment and deductible taken back; on an adjudicated claim, not while its
crossover is live), --outcome cleared lets it stand. The reason stays with the claim, for
its provider and payer; the other payer flagged for the service sees nothing of it.`
	cmd.Flags().StringVar(&outcome, "outcome", "", "duplicate or cleared")
	cmd.Flags().StringVar(&reason, "reason", "", "why, kept with the claim for its provider and payer")
	return cmd
}

func (a *app) claimsFlags() *cobra.Command {
	var p client.Page
	cmd := &cobra.Command{Use: "flags", Short: "your payer org's duplicate flags (the same service billed to another payer, or twice)", Args: cobra.NoArgs,
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			page, err := k.ListFlags(cmd.Context(), p)
			return a.show(page, err, func(w io.Writer) { printFlags(w, page) })
		})}
	pageFlags(cmd, &p)
	return cmd
}

func printFlags(w io.Writer, page *cl.FlagPage) {
	for _, f := range page.Items {
		fmt.Fprintf(w, "%s line %d: the same service is billed elsewhere (match %s, %s)", f.Claim, f.Line, f.Match, f.Flagged)
		if r := f.Resolution; r != nil {
			fmt.Fprintf(w, "; resolved %s on %s: %s", r.Outcome, r.At, r.Reason)
		}
		fmt.Fprintln(w)
	}
	if page.Bookmark != "" {
		fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
	}
}

// worklist is a payer's view: what is pending, flagged and paid, a page each.
type worklist struct {
	Pending  []cl.Trace `json:"pending"`
	Appealed []cl.Trace `json:"appealed"`
	Flagged  []cl.Flag  `json:"flagged"`
	Paid     []cl.Trace `json:"paid"`
	// Bookmarks continue each list (claims list --status, claims flags).
	Bookmarks map[string]string `json:"bookmarks,omitempty"`
}

func (a *app) claimsWorklist() *cobra.Command {
	var size int32
	cmd := &cobra.Command{Use: "worklist", Short: "a payer's claims: pending, appealed, flagged and paid (a page each)", Args: cobra.NoArgs,
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			wl, err := buildWorklist(cmd, k, client.Page{Size: size})
			return a.show(wl, err, func(w io.Writer) { printWorklist(w, wl) })
		})}
	cmd.Flags().Int32Var(&size, "page-size", 20, "entries per list")
	return cmd
}

func buildWorklist(cmd *cobra.Command, k claimsAPI, p client.Page) (*worklist, error) {
	wl := &worklist{Bookmarks: map[string]string{}}
	for _, l := range []struct {
		status string
		into   *[]cl.Trace
	}{{cl.StatusPended, &wl.Pending}, {cl.StatusAppealed, &wl.Appealed}, {cl.StatusPaid, &wl.Paid}} {
		page, err := k.ListByStatus(cmd.Context(), l.status, p)
		if err != nil {
			return nil, err
		}
		*l.into = page.Items
		if page.Bookmark != "" {
			wl.Bookmarks[l.status] = page.Bookmark
		}
	}
	flags, err := k.ListFlags(cmd.Context(), p)
	if err != nil {
		return nil, err
	}
	wl.Flagged = flags.Items
	if flags.Bookmark != "" {
		wl.Bookmarks["flagged"] = flags.Bookmark
	}
	return wl, nil
}

func printWorklist(w io.Writer, wl *worklist) {
	for _, l := range []struct {
		name string
		list []cl.Trace
	}{{"pending", wl.Pending}, {"appealed", wl.Appealed}, {"paid", wl.Paid}} {
		fmt.Fprintf(w, "%s (%d):\n", l.name, len(l.list))
		for _, t := range l.list {
			fmt.Fprintf(w, "  %s %s %s→%s %s\n", t.ID, t.Outcome, t.Provider, t.Payer, t.Updated)
		}
	}
	fmt.Fprintf(w, "flagged (%d):\n", len(wl.Flagged))
	printFlags(w, &cl.FlagPage{Items: wl.Flagged})
	for _, list := range slices.Sorted(maps.Keys(wl.Bookmarks)) {
		fmt.Fprintf(w, "more %s: --bookmark %s\n", list, wl.Bookmarks[list])
	}
}

func (a *app) claimsFollow() *cobra.Command {
	var auto claims.Automation
	var checkpoint string
	var count int
	cmd := &cobra.Command{Use: "follow", Short: "follow your org's claims as they change (checkpointed); payers --screen, providers --forward",
		Long: `Prints each change of a claim your org is a party to, in ledger order, resuming after the last
one with --checkpoint FILE. With --screen (a payer's claims intake or adjudicator) every new
claim of the payer is screened across payers; with --forward (a provider's billing) every claim
the primary adjudicated that names a secondary coverage crosses over to it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			defer s.Close()
			var o client.ListenOptions
			if checkpoint != "" {
				cp, err := client.OpenCheckpoint(checkpoint)
				if err != nil {
					return err
				}
				o.Checkpoint = cp
			}
			n := 0
			return claims.New(s, a.channel).Automate(cmd.Context(), s.Org.MSPID, auto, o, func(e claims.ClaimEvent) error {
				a.print(e, func(w io.Writer) {
					fmt.Fprintf(w, "%d %s %s %s→%s\n", e.Block, e.Claim, e.Status, e.Provider, e.Payer)
				})
				if n++; count > 0 && n >= count {
					return client.ErrStopListening
				}
				return nil
			})
		}}
	cmd.Flags().BoolVar(&auto.Screen, "screen", false, "screen every new claim of your payer org across payers")
	cmd.Flags().BoolVar(&auto.Forward, "forward", false, "forward every adjudicated claim with a secondary coverage to it")
	cmd.Flags().StringVar(&checkpoint, "checkpoint", "", "keep the position in FILE and resume from it")
	cmd.Flags().IntVar(&count, "count", 0, "stop after this many claim changes (0: run until interrupted)")
	return cmd
}
