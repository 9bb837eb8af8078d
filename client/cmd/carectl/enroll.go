package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client"
)

// identityOutput describes an identity and where its key is.
type identityOutput struct {
	Org          string    `json:"org"`
	MSPID        string    `json:"mspId"`
	User         string    `json:"user"`
	EnrollmentID string    `json:"enrollmentId"`
	Role         string    `json:"role,omitempty"`
	NotAfter     time.Time `json:"notAfter"`
	MSPDir       string    `json:"mspDir,omitempty"`
}

func describe(org string, id *client.Identity) identityOutput {
	return identityOutput{Org: org, MSPID: id.MSPID, User: id.Name, EnrollmentID: id.EnrollmentID(),
		Role: id.Attrs()["role"], NotAfter: id.Cert.NotAfter, MSPDir: id.MSPDir}
}

func (a *app) enrollCommand() *cobra.Command {
	var r client.EnrollRequest
	cmd := &cobra.Command{
		Use:   "enroll --org ORG --name ID --secret S [--as NAME] [--wallet DIR]",
		Short: "enroll with a one-time secret: the key is made here and kept in the wallet",
		Long: `Enrolls a registered identity at its org's Fabric CA. The private key
(ECDSA P-256) is generated on this machine; only a certificate request
signed with it is sent. Certificate and key are written to
WALLET/ORG/NAME/msp (the key with mode 0600), NAME being --as or the
enrollment id; carectl then acts as --org ORG --user NAME.`,
		Example: `  carectl --org patients enroll --name p0f3… --secret 5c1… --as me`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := a.client()
			if err != nil {
				return err
			}
			id, err := cl.Enroll(cmd.Context(), a.org, r, client.Wallet(a.wallet))
			if err != nil {
				return err
			}
			out := describe(a.org, id)
			a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "enrolled %s as --org %s --user %s (role %s), key in %s\n", out.EnrollmentID, out.Org, out.User, out.Role, out.MSPDir)
			})
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Name, "name", "", "enrollment id")
	f.StringVar(&r.Secret, "secret", "", "one-time enrollment secret")
	f.StringVar(&r.As, "as", "", "name of the wallet entry, the --user to act as (default: the enrollment id)")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("secret")
	return cmd
}

func (a *app) whoamiCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "the acting identity (--org, --user): enrollment id, role, expiry, and where its key is",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, id, err := a.registrar()
			if err != nil {
				return err
			}
			out := describe(a.org, id)
			a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "%s/%s: enrollment %s of %s, role %q, valid until %s, key in %s\n",
					out.Org, out.User, out.EnrollmentID, out.MSPID, out.Role, out.NotAfter.Format(time.DateOnly), out.MSPDir)
			})
			return nil
		},
	}
}
