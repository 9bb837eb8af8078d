package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/claims"
)

// claimsAPI is what the claims commands call of a claims client
// (*claims.Client; a fake in the tests).
type claimsAPI interface {
	Submit(ctx context.Context, c cl.ClaimInput) (*cl.Receipt, error)
	Replace(ctx context.Context, id string, c cl.ClaimInput) (*cl.Receipt, error)
	Void(ctx context.Context, id string) (*cl.Receipt, error)
	Appeal(ctx context.Context, id string) (*cl.Receipt, error)
	Adjudicate(ctx context.Context, id string, d cl.Decision) (*cl.Receipt, error)
	Pay(ctx context.Context, id string, p cl.PaymentInput) (*cl.Receipt, error)
	ReversePayment(ctx context.Context, id string) (*cl.Receipt, error)
	RegisterCoverage(ctx context.Context, c cl.Coverage) (*cl.Receipt, error)
	SetRules(ctx context.Context, r cl.Rules) (*cl.Receipt, error)
	SetSalt(ctx context.Context) (*cl.Receipt, error)
	SetSettings(ctx context.Context, paymentConsentRequired bool) (*cl.Settings, error)
	Get(ctx context.Context, id string) (*cl.Claim, error)
	Coverage(ctx context.Context, payer, id string) (*cl.Coverage, error)
	Remittance(ctx context.Context, id string) (*cl.Remittance, error)
	ListByStatus(ctx context.Context, status string, p client.Page) (*cl.TracePage, error)
	SubmitIntake(ctx context.Context, in cl.IntakeInput) (*cl.Receipt, error)
	Dispute(ctx context.Context, id string) (*cl.Receipt, error)
	Crossover(ctx context.Context, id string) (*cl.Receipt, error)
	Screen(ctx context.Context, id string) (*cl.Receipt, error)
	ListFlags(ctx context.Context, p client.Page) (*cl.FlagPage, error)
	ResolveFlag(ctx context.Context, id string, line int, outcome, reason string) (*cl.Receipt, error)
}

// withClaims runs fn with a claims client for the session's user (the
// app's newClaims when set: the tests').
func (a *app) withClaims(fn func(cmd *cobra.Command, args []string, k claimsAPI) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if a.newClaims != nil {
			return fn(cmd, args, a.newClaims(a))
		}
		return withSession(a, func(s *client.Session) claimsAPI { return claims.New(s, a.channel) },
			func(cmd *cobra.Command, args []string, k claimsAPI, _ *client.Session) error { return fn(cmd, args, k) })(cmd, args)
	}
}

func dollars(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// claimResult is a receipt with, for a pended claim, why: the receipt is
// written into the block and says no more than the public trace, so the
// reason is read with Get (evaluated, never in a block).
type claimResult struct {
	*cl.Receipt
	PendReason string `json:"pendReason,omitempty"`
}

func (a *app) printClaimReceipt(cmd *cobra.Command, k claimsAPI, r *cl.Receipt) {
	res := claimResult{Receipt: r}
	if r.Status == cl.StatusPended {
		if c, err := k.Get(cmd.Context(), r.ID); err == nil {
			res.PendReason = c.PendReason
		}
	}
	a.print(res, func(w io.Writer) {
		fmt.Fprintf(w, "%s %s", r.ID, r.Status)
		if r.Outcome != "" {
			fmt.Fprintf(w, " (%s)", r.Outcome)
		}
		if res.PendReason != "" {
			fmt.Fprintf(w, " (%s)", res.PendReason)
		}
		fmt.Fprintf(w, " (tx %s)\n", r.TxID)
	})
}

// claimReceiptCommand is a claims command that takes IDs and prints a receipt.
func (a *app) claimReceiptCommand(use, short string, args int, call func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error)) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, Args: cobra.ExactArgs(args),
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			r, err := call(cmd, args, k)
			if err != nil {
				return err
			}
			a.printClaimReceipt(cmd, k, r)
			return nil
		}),
	}
}

func (a *app) claimsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "providers submit claims, payers adjudicate and pay; details stay between the two",
		Long: `Claims commands on the claims chaincode (channel care). JSON arguments are
given inline, as @FILE, or - for standard input; claims are FHIR Claim-shaped
with amounts in integer cents: carectl claims submit --help shows one whole.`,
	}
	cmd.AddCommand(a.claimsCoverageCommand())
	cmd.AddCommand(a.claimsWriteCommands()...)
	cmd.AddCommand(a.claimsGet(), a.claimsList(), a.claimsRemittance(), a.claimsSettings())
	cmd.AddCommand(a.claimsPayerCommands()...)
	return cmd
}

// claimsCoverageCommand registers and reads members' coverage.
func (a *app) claimsCoverageCommand() *cobra.Command {
	coverage := &cobra.Command{Use: "coverage", Short: "members' coverage (payer enrollment staff)"}
	var c cl.Coverage
	coverage.AddCommand(
		jsonArgFirst(a.claimReceiptCommand("add JSON", "register a coverage", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.RegisterCoverage(cmd.Context(), c)
		}), 0, &c),
		a.claimsCoverageGet())
	return coverage
}

// claimsWriteCommands set a plan up and move a claim through its life.
func (a *app) claimsWriteCommands() []*cobra.Command {
	var rules cl.Rules
	var submitted, replacement cl.ClaimInput
	return []*cobra.Command{
		jsonArgFirst(a.claimReceiptCommand("rules JSON", "set a plan's adjudication rules (payer adjudicator)", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.SetRules(cmd.Context(), rules)
		}), 0, &rules),
		a.claimReceiptCommand("salt", "set the duplicate-fingerprint salt, once (payer enrollment staff)", 0, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.SetSalt(cmd.Context())
		}),
		jsonArgFirst(a.claimReceiptCommand("submit JSON", "submit a claim (FHIR Claim-shaped JSON): adjudicated or pended", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.Submit(cmd.Context(), withClaimID(submitted))
		}), 0, &submitted),
		jsonArgFirst(a.claimReceiptCommand("replace ID JSON", "replace a claim before payment", 2, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.Replace(cmd.Context(), args[0], withClaimID(replacement))
		}), 1, &replacement),
		a.claimReceiptCommand("void ID", "void a claim before payment", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.Void(cmd.Context(), args[0])
		}),
		a.claimReceiptCommand("appeal ID", "appeal an adjudication", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.Appeal(cmd.Context(), args[0])
		}),
		a.claimsAdjudicate(), a.claimsPay(),
		a.claimReceiptCommand("reverse ID", "reverse a claim's payment", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
			return k.ReversePayment(cmd.Context(), args[0])
		}),
	}
}

// withClaimID is c with a new id if it has none.
func withClaimID(c cl.ClaimInput) cl.ClaimInput {
	if c.ID == "" {
		c.ID = newID("clm-")
	}
	return c
}

func (a *app) claimsCoverageGet() *cobra.Command {
	var payer string
	cmd := &cobra.Command{Use: "get ID", Short: "read a payer's coverage (its staff, or a provider's billing staff)", Args: cobra.ExactArgs(1),
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			c, err := k.Coverage(cmd.Context(), payer, args[0])
			return a.show(c, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s member %s plan %s %s..%s copay %s deductible %s annual limit %s (%s)\n", c.ID, c.Member, c.Plan,
					c.Period.Start, c.Period.End, dollars(c.CopayCents), dollars(c.DeductibleCents), dollars(c.AnnualLimitCents), c.Status)
			})
		})}
	cmd.Flags().StringVar(&payer, "payer", "PayerMSP", "the payer (MSP id) whose coverage it is")
	return cmd
}

func (a *app) claimsAdjudicate() *cobra.Command {
	var d cl.Decision
	cmd := a.claimReceiptCommand("adjudicate ID", "decide a pended or appealed claim (payer adjudicator)", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
		return k.Adjudicate(cmd.Context(), args[0], d)
	})
	cmd.Flags().BoolVar(&d.ApprovePriorAuth, "approve-prior-auth", false, "authorize the lines that need prior authorization")
	cmd.Flags().BoolVar(&d.DenyPriorAuth, "deny-prior-auth", false, "deny those lines")
	return cmd
}

func (a *app) claimsPay() *cobra.Command {
	var p cl.PaymentInput
	cmd := a.claimReceiptCommand("pay ID", "record the payment of an adjudicated claim (payer adjudicator)", 1, func(cmd *cobra.Command, args []string, k claimsAPI) (*cl.Receipt, error) {
		if p.AmountCents == 0 {
			c, err := k.Get(cmd.Context(), args[0])
			if err != nil {
				return nil, err
			}
			if c.Adjudication != nil {
				p.AmountCents = c.Adjudication.PaidCents
			}
		}
		if p.Trace == "" {
			p.Trace = newID("EFT-")
		}
		return k.Pay(cmd.Context(), args[0], p)
	})
	cmd.Flags().StringVar(&p.Trace, "trace", "", "payment trace number (default: a new one)")
	cmd.Flags().Int64Var(&p.AmountCents, "amount", 0, "amount in cents (default: the adjudicated payment)")
	return cmd
}

func (a *app) claimsGet() *cobra.Command {
	return &cobra.Command{Use: "get ID", Short: "read a claim with its adjudication and history", Args: cobra.ExactArgs(1),
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			c, err := k.Get(cmd.Context(), args[0])
			return a.show(c, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s %s %s for %s, %d lines, total %s\n", c.Input.ID, c.Status, c.PendReason, c.Input.Patient, len(c.Input.Items), dollars(c.Input.TotalCents))
				for _, s := range c.Signals {
					fmt.Fprintf(w, "  signal %s: %s\n", s.Code, s.Reason)
				}
				if adj := c.Adjudication; adj != nil {
					fmt.Fprintf(w, "  %s: pays %s, patient %s; rules %v\n", adj.Outcome, dollars(adj.PaidCents), dollars(adj.PatientCents), adj.Rules)
				}
			})
		})}
}

func (a *app) claimsList() *cobra.Command {
	var status string
	var p client.Page
	cmd := &cobra.Command{Use: "list", Short: "your org's claims in a status", Args: cobra.NoArgs,
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			page, err := k.ListByStatus(cmd.Context(), status, p)
			return a.show(page, err, func(w io.Writer) {
				for _, t := range page.Items {
					fmt.Fprintf(w, "%s %s %s %s→%s %s\n", t.ID, t.Status, t.Outcome, t.Provider, t.Payer, t.Updated)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		})}
	cmd.Flags().StringVar(&status, "status", cl.StatusAdjudicated, "pended, adjudicated, appealed, paid, voided, replaced or disputed")
	pageFlags(cmd, &p)
	return cmd
}

func (a *app) claimsRemittance() *cobra.Command {
	return &cobra.Command{Use: "remittance ID", Short: "the 835-like remittance advice of a claim", Args: cobra.ExactArgs(1),
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			r, err := k.Remittance(cmd.Context(), args[0])
			return a.show(r, err, func(w io.Writer) {
				fmt.Fprintf(w, "claim %s %s (%s): charged %s, paid %s, patient responsibility %s\n", r.Claim, r.Status, r.Outcome,
					dollars(r.ChargedCents), dollars(r.PaidCents), dollars(r.PatientCents))
				for _, l := range r.Lines {
					fmt.Fprintf(w, "  %d %s %v charged %s allowed %s paid %s", l.Sequence, l.Code, l.Modifiers, dollars(l.SubmittedCents), dollars(l.AllowedCents), dollars(l.PaidCents))
					for _, adj := range l.Adjustments {
						fmt.Fprintf(w, " %s-%s %s", adj.Group, adj.Code, dollars(adj.Amount))
					}
					fmt.Fprintln(w)
				}
				for _, p := range r.Payments {
					fmt.Fprintf(w, "  payment %s %s on %s %s\n", p.Trace, dollars(p.AmountCents), p.Date, p.Reversed)
				}
			})
		})}
}

func (a *app) claimsSettings() *cobra.Command {
	return &cobra.Command{Use: "settings [payment-consent-required true|false]", Short: "read or (regulator admin) change the channel settings",
		Args: cobra.RangeArgs(0, 2),
		RunE: a.withClaims(func(cmd *cobra.Command, args []string, k claimsAPI) error {
			if len(args) == 0 {
				return fmt.Errorf("give payment-consent-required true|false")
			}
			v, err := strconv.ParseBool(args[len(args)-1])
			if err != nil {
				return err
			}
			s, err := k.SetSettings(cmd.Context(), v)
			return a.show(s, err, func(w io.Writer) { fmt.Fprintf(w, "payment consent required: %v\n", s.PaymentConsentRequired) })
		})}
}
