package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	partswire "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/caclient"
	"github.com/carechain/carechain/client/consent"
)

// linkPatient links a patient's enrollment to its subject on chain, as the
// patient registry's registrar (consent LinkPatient, signed by the
// registrar), and returns the tx id.
func linkPatient(ctx context.Context, s *client.Session, channel, enrollmentID, subject string) (string, error) {
	r, err := consent.New(s, channel).LinkPatient(ctx, enrollmentID, subject)
	if err != nil {
		return "", err
	}
	return r.TxID, nil
}

// registerOutput is what users register prints: the secret enrolls once.
type registerOutput struct {
	client.Registered
	Subject   string `json:"subject,omitempty"`
	LinkTxID  string `json:"linkTxId,omitempty"`
	LinkError string `json:"linkError,omitempty"`
}

func (a *app) usersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "register, link, list and revoke identities at the org's CA (as a CA registrar: --user registrar1)",
		Long: `Identity management at the org's Fabric CA, as one of the org's CA registrars
(topology caRegistrar, e.g. --user registrar1), authenticated by the
registrar's own enrollment.

A registration prints an enrollment id and a one-time secret: give both to
the person, who enrolls where they are (carectl enroll), so that their
private key is made there and never exists anywhere else.`,
	}
	cmd.AddCommand(a.usersRegister(), a.usersLink(), a.usersUnlink(), a.usersList(), a.usersRevoke())
	return cmd
}

func (a *app) usersRegister() *cobra.Command {
	var reg client.Registration
	var subject string
	cmd := &cobra.Command{
		Use:   "register --role ROLE [--attr K=V]... [--name ID] [--subject pt-…]",
		Short: "register a user with a one-time secret; a patient is also linked to a pseudonym on chain",
		Example: `  carectl --org patients --user registrar1 users register --role patient
  carectl --org provider --user registrar1 users register --role physician --name physician3 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.register(cmd.Context(), reg, subject)
		},
	}
	f := cmd.Flags()
	f.StringVar(&reg.Role, "role", "", "role attribute (physician, patient, …)")
	f.StringToStringVar(&reg.Attrs, "attr", nil, "further certificate attribute K=V (npi), repeatable")
	f.StringVar(&reg.Name, "name", "", `enrollment id (default for patients: "p" and 32 random hex digits)`)
	f.StringVar(&subject, "subject", "", `patients: the pseudonym to link (default: a new "pt-" and 32 random hex digits)`)
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

// register registers at the CA and, for a patient, links the enrollment.
func (a *app) register(ctx context.Context, reg client.Registration, subject string) error {
	cl, registrar, err := a.registrar()
	if err != nil {
		return err
	}
	po, err := cl.Profile.Org(a.org)
	if err != nil {
		return err
	}
	patient := reg.Role == client.RolePatient
	if patient && !po.Plays(client.PartPatientRegistry) {
		return fmt.Errorf("org %s is not the patient registry: patients are registered by the org playing %s", po.Name, client.PartPatientRegistry)
	}
	if !patient && subject != "" {
		return errors.New("--subject is for patients")
	}
	if !roleAllowed(po.Parts, reg.Role) {
		fmt.Fprintf(a.errOut, "carectl: warning: no part of %s (%v) allows role %q: the CA registers it, but every chaincode refuses it\n",
			po.Name, po.Parts, reg.Role)
	}
	r, err := cl.Register(ctx, registrar, a.org, reg)
	if err != nil {
		return err
	}
	out := registerOutput{Registered: *r}
	if patient {
		out.Subject = subject
		if out.Subject == "" {
			out.Subject = client.NewSubject()
		}
		out.LinkTxID, err = a.link(ctx, r.EnrollmentID, out.Subject)
		if err != nil {
			out.LinkError = err.Error()
		}
	}
	a.print(out, func(w io.Writer) { printRegistered(w, out) })
	if err != nil {
		return reported{err}
	}
	return nil
}

// roleAllowed reports whether one of the parts lets role count: what
// the chaincodes check (parts registry), since the CA does not.
func roleAllowed(parts []string, role string) bool {
	for _, p := range parts {
		if slices.Contains(partswire.PartRoles(p), role) {
			return true
		}
	}
	return false
}

func printRegistered(w io.Writer, out registerOutput) {
	fmt.Fprintf(w, "enrollment id  %s (%s, role %s)\n", out.EnrollmentID, out.MSPID, out.Role)
	fmt.Fprintf(w, "secret         %s (enrolls once)\n", out.Secret)
	if out.Subject != "" {
		fmt.Fprintf(w, "subject        %s", out.Subject)
		if out.LinkTxID != "" {
			fmt.Fprintf(w, " (linked in tx %s)", out.LinkTxID)
		}
		fmt.Fprintln(w)
	}
	if out.LinkError != "" {
		fmt.Fprintf(w, "NOT LINKED     %s\n", out.LinkError)
	}
	fmt.Fprintf(w, "the holder enrolls with: carectl --org %s enroll --name %s --secret %s\n", out.Org, out.EnrollmentID, out.Secret)
}

// link links a patient's enrollment to subject as the session's registrar.
func (a *app) link(ctx context.Context, enrollmentID, subject string) (string, error) {
	s, err := a.session()
	if err != nil {
		return "", err
	}
	defer s.Close()
	return linkPatient(ctx, s, a.channel, enrollmentID, subject)
}

func (a *app) usersLink() *cobra.Command {
	var enrollmentID, subject string
	cmd := &cobra.Command{
		Use:   "link --enrollment ID --subject pt-…",
		Short: "link a registered patient's enrollment to their pseudonym on chain (patient registry's registrar)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			tx, err := a.link(cmd.Context(), enrollmentID, subject)
			if err != nil {
				return err
			}
			out := map[string]string{"enrollmentId": enrollmentID, "subject": subject, "txId": tx}
			a.print(out, func(w io.Writer) { fmt.Fprintf(w, "%s linked to %s (tx %s)\n", enrollmentID, subject, tx) })
			return nil
		},
	}
	cmd.Flags().StringVar(&enrollmentID, "enrollment", "", "the patient's enrollment id")
	cmd.Flags().StringVar(&subject, "subject", "", "the patient's pseudonym")
	_ = cmd.MarkFlagRequired("enrollment")
	_ = cmd.MarkFlagRequired("subject")
	return cmd
}

func (a *app) usersUnlink() *cobra.Command {
	var enrollmentID, subject string
	var compromised bool
	cmd := &cobra.Command{
		Use:   "unlink --enrollment ID [--subject pt-…] [--compromised]",
		Short: "end a patient's enrollment on chain (a lost or stolen key then acts for no one)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := consent.New(s, a.channel).UnlinkPatient(cmd.Context(), enrollmentID, subject, compromised)
			return a.show(r, err, func(w io.Writer) { fmt.Fprintf(w, "%s unlinked (tx %s)\n", enrollmentID, r.TxID) })
		},
	}
	cmd.Flags().StringVar(&enrollmentID, "enrollment", "", "the patient's enrollment id")
	cmd.Flags().StringVar(&subject, "subject", "", "the patient's pseudonym, checked when given")
	cmd.Flags().BoolVar(&compromised, "compromised", false, "the key was stolen: withdraw everything it signed")
	_ = cmd.MarkFlagRequired("enrollment")
	return cmd
}

// registrar is the client and the acting user's identity (--org, --user).
func (a *app) registrar() (*client.Client, *client.Identity, error) {
	cl, err := a.client()
	if err != nil {
		return nil, nil, err
	}
	id, err := cl.Identity(a.org, a.user, client.SessionOptions{Wallet: client.Wallet(a.wallet)})
	if err != nil {
		return nil, nil, err
	}
	return cl, id, nil
}

func (a *app) usersList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "the identities the org's CA knows that the registrar may see",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, registrar, err := a.registrar()
			if err != nil {
				return err
			}
			ids, err := cl.CAIdentities(cmd.Context(), registrar, a.org)
			return a.show(ids, err, func(w io.Writer) {
				for _, id := range ids {
					fmt.Fprintf(w, "%-36s %-7s %s\n", id.ID, id.Type, attrList(id.Attrs))
				}
			})
		},
	}
}

// attrList shows the attributes that go into certificates.
func attrList(attrs []caclient.Attribute) string {
	var out []string
	for _, at := range attrs {
		if at.ECert && !strings.HasPrefix(at.Name, "hf.") {
			out = append(out, at.Name+"="+at.Value)
		}
	}
	return strings.Join(out, " ")
}

func (a *app) usersRevoke() *cobra.Command {
	var name, reason string
	cmd := &cobra.Command{
		Use:   "revoke --name ID [--reason keycompromise]",
		Short: "revoke an identity and its certificates at the org's CA (then carenet crl ORG takes the CRL to the channels)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, registrar, err := a.registrar()
			if err != nil {
				return err
			}
			revoked, err := cl.Revoke(cmd.Context(), registrar, a.org, name, reason)
			return a.show(revoked, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s revoked at the CA (%d certificates); the peers refuse them once the org's CRL is in the channels: carenet crl %s\n",
					name, len(revoked), a.org)
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "enrollment id")
	cmd.Flags().StringVar(&reason, "reason", "", "RFC 5280 reason (keycompromise, superseded, …)")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}
