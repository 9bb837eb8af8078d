package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	cc "github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/consent"
)

// withConsent runs fn with a consent client for the session's user, and
// closes the session afterwards.
func (a *app) withConsent(fn func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error) func(*cobra.Command, []string) error {
	return withSession(a, func(s *client.Session) *consent.Client { return consent.New(s, a.channel) }, fn)
}

// jsonArgFirst makes cmd read its JSON argument args[i] into v before
// anything connects: malformed JSON or an unknown field is the answer, not
// a missing connection profile.
func jsonArgFirst(cmd *cobra.Command, i int, v any) *cobra.Command {
	cmd.PreRunE = func(_ *cobra.Command, args []string) error { return readJSONArg(args[i], v) }
	return cmd
}

// readJSONArg decodes a JSON argument given inline, as @FILE, or - for
// stdin.
func readJSONArg(arg string, v any) error { return readJSONInput("JSON", arg, v) }

// readJSONInput decodes one JSON value (inline, @FILE or - for stdin) into
// v: no unknown field, nothing after it. Errors name field.
func readJSONInput(field, arg string, v any) error {
	var data []byte
	var err error
	switch {
	case arg == "-":
		data, err = io.ReadAll(os.Stdin)
	case strings.HasPrefix(arg, "@"):
		data, err = os.ReadFile(arg[1:])
	default:
		data = []byte(arg)
	}
	if err != nil {
		return inputError(field, err)
	}
	if !json.Valid(data) {
		what := "the " + field + " argument"
		if field != "JSON" {
			what = "--" + field
		}
		var value any
		return inputError(field, fmt.Errorf("%s is not JSON: %w", what, json.Unmarshal(data, &value)))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return inputError(field, fmt.Errorf("input JSON: %w", err))
	}
	return nil
}

func newID(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// defaultSubject sets an unset patient to the session's own subject: the
// one the patient registry linked its enrollment to (patients'
// certificates carry no pseudonym). A session that is no linked patient
// gets the chaincode's FORBIDDEN, which says so.
func defaultSubject(cmd *cobra.Command, k *consent.Client, subject *string) error {
	if *subject != "" {
		return nil
	}
	own, err := k.PatientSubject(cmd.Context())
	if err != nil {
		return err
	}
	*subject = own
	return nil
}

func (a *app) printReceipt(r *cc.Receipt) {
	a.print(r, func(w io.Writer) {
		fmt.Fprintf(w, "%s", r.ID)
		if r.Status != "" {
			fmt.Fprintf(w, " %s", r.Status)
			if r.StatusReason != "" {
				fmt.Fprintf(w, " (%s)", r.StatusReason)
			}
		}
		if r.Version > 0 {
			fmt.Fprintf(w, " version %d", r.Version)
		}
		if r.End != "" {
			fmt.Fprintf(w, " until %s", r.End)
		}
		fmt.Fprintf(w, " (tx %s)\n", r.TxID)
	})
}

func (a *app) consentCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "consent",
		Short: "patients grant and revoke access; anyone entitled checks it",
		Long: `Consent commands on the consent chaincode (channel care).

JSON arguments are given inline, as @FILE, or - for standard input. Whatever
names a patient or describes a consent is sent in the transient map and never
reaches a block.`,
	}
	cmd.AddCommand(a.consentGrant(), a.consentUpdate(),
		a.consentTransition("activate", "make a draft consent active", cc.FnActivate),
		a.consentTransition("revoke", "revoke an active consent, from now on", cc.FnRevoke),
		a.consentTransition("entered-in-error", "withdraw a consent recorded by mistake", cc.FnMarkEnteredInError),
		a.consentAttachForm(), a.consentGet(), a.consentHistory(), a.consentList(), a.consentGrants(),
		a.consentCheck(), a.consentBreakGlass(), a.consentDelegate())
	return cmd
}

func (a *app) consentGrant() *cobra.Command {
	var in cc.GrantInput
	return jsonArgFirst(&cobra.Command{
		Use:   "grant JSON",
		Short: "create a consent (FHIR Consent-shaped JSON; id and subject default to a new id and your own subject, as the patient registry linked your enrollment)",
		Example: `  carectl --org patients --user patient1 consent grant '{"decision":"permit",
    "period":{"start":"2026-01-01T00:00:00Z","end":"2027-01-01T00:00:00Z"},
    "provision":{"actor":[{"org":"ProviderMSP","role":"physician"}],"action":["access"],
                 "purpose":["treatment"],"class":["labs","imaging"]}}'`,
		Args: cobra.ExactArgs(1),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if in.ID == "" {
				in.ID = newID("cns-")
			}
			if err := defaultSubject(cmd, k, &in.Subject); err != nil {
				return err
			}
			r, err := k.Grant(cmd.Context(), in)
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}, 0, &in)
}

func (a *app) consentUpdate() *cobra.Command {
	var in cc.GrantInput
	return jsonArgFirst(&cobra.Command{
		Use:   "update ID JSON",
		Short: "replace a draft consent's content",
		Args:  cobra.ExactArgs(2),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			in.ID = args[0]
			if err := defaultSubject(cmd, k, &in.Subject); err != nil {
				return err
			}
			r, err := k.Update(cmd.Context(), in)
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}, 1, &in)
}

func (a *app) consentTransition(use, short, fn string) *cobra.Command {
	return &cobra.Command{
		Use:   use + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			var r *cc.Receipt
			var err error
			switch fn {
			case cc.FnActivate:
				r, err = k.Activate(cmd.Context(), args[0])
			case cc.FnRevoke:
				r, err = k.Revoke(cmd.Context(), args[0])
			default:
				r, err = k.MarkEnteredInError(cmd.Context(), args[0])
			}
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}
}

func (a *app) consentAttachForm() *cobra.Command {
	return &cobra.Command{
		Use:   "attach-form ID FILE",
		Short: "attach the signed consent form by its SHA-256 (the file itself stays with you)",
		Args:  cobra.ExactArgs(2),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			data, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			r, err := k.AttachForm(cmd.Context(), args[0], hex.EncodeToString(sum[:]))
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}
}

func (a *app) consentGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "read a consent",
		Args:  cobra.ExactArgs(1),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			v, err := k.Get(cmd.Context(), args[0])
			return a.show(v, err, func(w io.Writer) { printConsent(w, v) })
		}),
	}
}

func printConsent(w io.Writer, v *cc.View) {
	status := v.EffectiveStatus
	if v.EffectiveReason != "" {
		status += " (" + v.EffectiveReason + ")"
	}
	end := v.Period.End
	if end == "" {
		end = "revoked"
	}
	fmt.Fprintf(w, "%s  %s %s, version %d, %s until %s\n", v.ID, v.Decision, status, v.Version, v.Period.Start, end)
	printProvision(w, &v.Provision, "  ")
}

func printProvision(w io.Writer, p *cc.Provision, indent string) {
	var actors []string
	for _, a := range p.Actors {
		s := a.Org
		if a.Role != "" {
			s += " role " + a.Role
		}
		if a.ID != "" {
			s += " id " + a.ID
		}
		actors = append(actors, s)
	}
	fmt.Fprintf(w, "%sgrantees %v actions %v purposes %v classes %v records %v\n", indent, actors, p.Actions, p.Purposes, p.DataClasses, p.Records)
	for i := range p.Provisions {
		fmt.Fprintf(w, "%sexcept:\n", indent)
		printProvision(w, &p.Provisions[i], indent+"  ")
	}
}

func (a *app) consentHistory() *cobra.Command {
	var p client.Page
	cmd := &cobra.Command{
		Use:   "history ID",
		Short: "the versions of a consent, newest first, a page at a time",
		Args:  cobra.ExactArgs(1),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			page, err := k.History(cmd.Context(), args[0], p)
			return a.show(page, err, func(w io.Writer) {
				for _, v := range page.Items {
					fmt.Fprintf(w, "version %d  %s %s  by %s at %s (tx %s)\n", v.Version, v.Status, v.StatusReason, v.Grantor, v.Updated, v.LastTxID)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		}),
	}
	pageFlags(cmd, &p)
	return cmd
}

func pageFlags(cmd *cobra.Command, p *client.Page) {
	cmd.Flags().Int32Var(&p.Size, "page-size", 0, "items per page (default 20, at most 100)")
	cmd.Flags().StringVar(&p.Bookmark, "bookmark", "", "bookmark of the previous page")
}

func (a *app) printConsentPage(page *cc.ConsentPage) {
	a.print(page, func(w io.Writer) {
		for i := range page.Items {
			printConsent(w, &page.Items[i])
		}
		if page.Bookmark != "" {
			fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
		}
	})
}

func (a *app) consentList() *cobra.Command {
	var patient string
	var p client.Page
	cmd := &cobra.Command{
		Use:   "list",
		Short: "a patient's consents (default: your own)",
		Args:  cobra.NoArgs,
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if err := defaultSubject(cmd, k, &patient); err != nil {
				return err
			}
			page, err := k.ListBySubject(cmd.Context(), patient, p)
			if err != nil {
				return err
			}
			a.printConsentPage(page)
			return nil
		}),
	}
	cmd.Flags().StringVar(&patient, "patient", "", "patient id")
	pageFlags(cmd, &p)
	return cmd
}

// parseActor reads an identity as ORG/ROLE/ID (MSP id, role, enrollment
// id): how every consent command names one.
func parseActor(flag, v string) (cc.Actor, error) {
	parts := strings.Split(v, "/")
	if len(parts) != 3 || parts[0] == "" {
		return cc.Actor{}, inputError(flag, fmt.Errorf("--%s %q: want ORG/ROLE/ID (MSP id, role, enrollment id; ROLE or ID may be empty: ProviderMSP/physician/)", flag, v))
	}
	return cc.Actor{Org: parts[0], Role: parts[1], ID: parts[2]}, nil
}

const delegateUsage = "the delegate, ORG/ROLE/ID with ROLE empty: a delegation is to a person, whatever their role (PatientsMSP//guardian1)"

// parseDelegate reads --delegate as every identity is named, ORG/ROLE/ID,
// and returns the chaincode's form of a delegate, MSPID/enrollmentID. A
// role is refused: it would read as a limit the chaincode does not keep.
func parseDelegate(v string) (string, error) {
	if v == "" {
		return "", nil // left to the required flag's own check
	}
	actor, err := parseActor("delegate", v)
	if err != nil {
		return "", err
	}
	if actor.Role != "" || actor.ID == "" {
		return "", inputError("delegate", fmt.Errorf("--delegate %q: want ORG//ID, the role empty and the id given (%s)", v, delegateUsage))
	}
	return actor.Org + "/" + actor.ID, nil
}

// delegateActor writes a chaincode delegate (MSPID/enrollmentID) as
// --delegate takes it.
func delegateActor(delegate string) string {
	org, id, _ := strings.Cut(delegate, "/")
	return org + "//" + id
}

func (a *app) consentGrants() *cobra.Command {
	var grantee cc.Actor
	var granteeFlag string
	var p client.Page
	cmd := &cobra.Command{
		Use:     "grants",
		Short:   "active consents granting to a grantee (default: you)",
		Example: "  carectl consent grants\n  carectl --org regulator --user auditor1 consent grants --grantee ProviderMSP/physician/physician1",
		Args:    cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if granteeFlag == "" {
				return nil
			}
			var err error
			grantee, err = parseActor("grantee", granteeFlag)
			return err
		},
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if grantee.Org == "" {
				grantee = cc.Actor{Org: s.Org.MSPID, Role: s.Identity.Attrs()["role"], ID: s.User}
			}
			page, err := k.ListGrants(cmd.Context(), grantee, p)
			if err != nil {
				return err
			}
			a.printConsentPage(page)
			return nil
		}),
	}
	cmd.Flags().StringVar(&granteeFlag, "grantee", "", "ORG/ROLE/ID of the grantee (default: you)")
	cmd.Flags().StringVar(&grantee.Org, "grantee-org", "", "grantee MSP id (deprecated: --grantee)")
	cmd.Flags().StringVar(&grantee.Role, "grantee-role", "", "grantee role (deprecated: --grantee)")
	cmd.Flags().StringVar(&grantee.ID, "grantee-id", "", "grantee enrollment id (deprecated: --grantee)")
	for _, old := range []string{"grantee-org", "grantee-role", "grantee-id"} {
		_ = cmd.Flags().MarkHidden(old)
	}
	cmd.MarkFlagsMutuallyExclusive("grantee", "grantee-org")
	pageFlags(cmd, &p)
	return cmd
}

func (a *app) consentCheck() *cobra.Command {
	var req cc.Request
	var requester string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "may a requester (default: you) act on a patient's data now?",
		Example: `  carectl --org provider --user physician1 consent check --patient pt-... --action access --purpose treatment --class labs
  carectl --org regulator --user auditor1 consent check --patient pt-... --requester ProviderMSP/physician/physician1 --class labs`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if requester == "" {
				return nil
			}
			var err error
			req.Requester, err = parseActor("requester", requester)
			return err
		},
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			d, err := k.Check(cmd.Context(), req)
			return a.show(d, err, func(w io.Writer) { printDecision(w, d) })
		}),
	}
	f := cmd.Flags()
	f.StringVar(&req.Subject, "patient", "", "patient id")
	f.StringVar(&requester, "requester", "", "ORG/ROLE/ID of the requester (default: you)")
	f.StringVar(&req.Action, "action", "access", "access, use or disclose")
	f.StringVar(&req.Purpose, "purpose", "treatment", "purpose of use")
	f.StringVar(&req.DataClass, "class", "", "data class")
	f.StringVar(&req.Record, "record", "", "record id")
	return cmd
}

func (a *app) consentBreakGlass() *cobra.Command {
	var in cc.BreakGlassInput
	cmd := &cobra.Command{
		Use:   "break-glass",
		Short: "emergency access without consent (a provider's physicians and nurses; a reason; at most 24 h, renewed at most twice; audited)",
		Example: `  carectl --org provider --user physician1 consent break-glass --patient pt-... --reason "unconscious on arrival" \
    --minutes 30 --class labs,imaging --purpose emergency`,
		Args: cobra.NoArgs,
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			r, err := k.BreakGlass(cmd.Context(), in)
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}
	cmd.Flags().StringVar(&in.Subject, "patient", "", "patient id")
	cmd.Flags().StringVar(&in.Reason, "reason", "", "why")
	cmd.Flags().Int64Var(&in.Minutes, "minutes", 60, "how long, at most 1440")
	cmd.Flags().StringSliceVar(&in.DataClasses, "class", nil, "data classes needed (comma-separated)")
	cmd.Flags().StringSliceVar(&in.Purposes, "purpose", []string{"emergency"}, "emergency and/or treatment")
	cmd.Flags().StringSliceVar(&in.Actions, "action", []string{"access"}, "access and/or use")
	requireFlags(cmd, "patient", "reason", "class")
	cmd.AddCommand(a.consentBreakGlassList(), a.consentBreakGlassUses())
	return cmd
}

func (a *app) consentBreakGlassList() *cobra.Command {
	var patient, org string
	var p client.Page
	list := &cobra.Command{
		Use:   "list",
		Short: "emergency accesses to a patient (--patient, default you) or by an org's clinicians (--clinicians-org), newest first",
		Args:  cobra.NoArgs,
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			var page *cc.BreakGlassPage
			var err error
			if org != "" {
				page, err = k.ListBreakGlassByOrg(cmd.Context(), org, p)
			} else {
				if err := defaultSubject(cmd, k, &patient); err != nil {
					return err
				}
				page, err = k.ListBreakGlass(cmd.Context(), patient, p)
			}
			return a.show(page, err, func(w io.Writer) {
				for _, b := range page.Items {
					fmt.Fprintf(w, "%s  %s/%s (%s) %s → %s renewal %d, %v %v %v: %s\n", b.ID, b.Requester.Org, b.Requester.ID, b.Requester.Role,
						b.Start, b.End, b.Renewal, b.Actions, b.Purposes, b.DataClasses, b.Reason)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		}),
	}
	list.Flags().StringVar(&patient, "patient", "", "patient id")
	list.Flags().StringVar(&org, "clinicians-org", "", "MSP id of the clinicians' org")
	pageFlags(list, &p)
	return list
}

func (a *app) consentBreakGlassUses() *cobra.Command {
	var p client.Page
	uses := &cobra.Command{
		Use:   "uses ID",
		Short: "every decision an emergency access permitted, newest first (patient, privacy officer, auditor)",
		Args:  cobra.ExactArgs(1),
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			page, err := k.ListBreakGlassUses(cmd.Context(), args[0], p)
			return a.show(page, err, func(w io.Writer) {
				for _, u := range page.Items {
					fmt.Fprintf(w, "%s  %s %s %s for %s %s (tx %s)\n", u.At, u.Caller, u.Action, u.DataClass, u.Purpose, u.Record, u.TxID)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		}),
	}
	pageFlags(uses, &p)
	return uses
}

// printDecision writes a decision and what it rests on as one line.
func printDecision(w io.Writer, d *cc.Decision) {
	fmt.Fprintf(w, "%s", d.Decision)
	switch d.Basis {
	case cc.BasisConsent:
		fmt.Fprintf(w, " by consent %s", d.ConsentID)
	case cc.BasisBreakGlass:
		fmt.Fprintf(w, " by break-glass %s", d.BreakGlassID)
	default:
		fmt.Fprintf(w, " (%s)", d.Basis)
	}
	fmt.Fprintf(w, " at %s\n", d.EvaluatedAt)
}

func (a *app) consentDelegate() *cobra.Command {
	cmd := &cobra.Command{Use: "delegate", Short: "guardians and proxies who manage a patient's consents"}
	cmd.AddCommand(a.consentDelegateAdd(), a.consentDelegateRevoke(), a.consentDelegateList())
	return cmd
}

func (a *app) consentDelegateAdd() *cobra.Command {
	var in cc.DelegateInput
	var delegate string
	add := &cobra.Command{
		Use:   "add",
		Short: "register a delegate (the patient only)",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) (err error) {
			in.Delegate, err = parseDelegate(delegate)
			return err
		},
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if err := defaultSubject(cmd, k, &in.Subject); err != nil {
				return err
			}
			if in.Period.Start == "" {
				in.Period.Start = time.Now().UTC().Format(time.RFC3339)
			}
			r, err := k.RegisterDelegate(cmd.Context(), in)
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}
	add.Flags().StringVar(&in.Subject, "patient", "", "patient id (default: yours)")
	add.Flags().StringVar(&delegate, "delegate", "", delegateUsage)
	requireFlags(add, "delegate")
	add.Flags().StringVar(&in.Kind, "kind", cc.KindGuardian, "guardian or proxy")
	add.Flags().StringVar(&in.Period.Start, "start", "", "start (RFC 3339, default now)")
	add.Flags().StringVar(&in.Period.End, "end", "", "end (RFC 3339, default none)")
	return add
}

func (a *app) consentDelegateRevoke() *cobra.Command {
	var rsubject, rdelegate, delegate string
	revoke := &cobra.Command{
		Use:   "revoke",
		Short: "end a delegation (the patient, or the delegate stepping down)",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) (err error) {
			delegate, err = parseDelegate(rdelegate)
			return err
		},
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if err := defaultSubject(cmd, k, &rsubject); err != nil {
				return err
			}
			r, err := k.RevokeDelegate(cmd.Context(), rsubject, delegate)
			if err != nil {
				return err
			}
			a.printReceipt(r)
			return nil
		}),
	}
	revoke.Flags().StringVar(&rsubject, "patient", "", "patient id (default: yours)")
	revoke.Flags().StringVar(&rdelegate, "delegate", "", delegateUsage)
	requireFlags(revoke, "delegate")
	return revoke
}

func (a *app) consentDelegateList() *cobra.Command {
	var lsubject string
	var p client.Page
	list := &cobra.Command{
		Use:   "list",
		Short: "a patient's delegations",
		Args:  cobra.NoArgs,
		RunE: a.withConsent(func(cmd *cobra.Command, args []string, k *consent.Client, s *client.Session) error {
			if err := defaultSubject(cmd, k, &lsubject); err != nil {
				return err
			}
			page, err := k.ListDelegates(cmd.Context(), lsubject, p)
			return a.show(page, err, func(w io.Writer) {
				for _, d := range page.Items {
					fmt.Fprintf(w, "%s  %s %s from %s to %q\n", delegateActor(d.Delegate), d.Kind, d.Status, d.Period.Start, d.Period.End)
				}
			})
		}),
	}
	list.Flags().StringVar(&lsubject, "patient", "", "patient id (default: yours)")
	pageFlags(list, &p)
	return list
}
