package main

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/chaincode/kit/keywrap"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/docstore"
	"github.com/carechain/carechain/client/records"
)

// withRecords runs fn with a records client for the session's user.
func (a *app) withRecords(fn func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error) func(*cobra.Command, []string) error {
	return withSession(a, func(s *client.Session) *records.Client {
		store := a.store
		if store == "" {
			store = filepath.Join(a.networkDir(), "documents")
		}
		return records.New(s, a.channel, docstore.Dir(store))
	}, fn)
}

// networkDir is the state folder the profile came from.
func (a *app) networkDir() string {
	if fi, err := os.Stat(a.network); err == nil && !fi.IsDir() {
		return filepath.Dir(a.network)
	}
	return a.network
}

// progressBar prints a progress line to stderr once more than 1 MiB has
// been processed; total is the expected size, or 0 when unknown.
func (a *app) progressBar(label string, total int64) docstore.Progress {
	if a.output == "json" || !isTerminal(a.errOut) {
		return nil
	}
	last := time.Time{}
	return func(done int64) {
		if done < 1<<20 || (time.Since(last) < 200*time.Millisecond && done != total) {
			return
		}
		last = time.Now()
		if total > 0 {
			fmt.Fprintf(a.errOut, "\r%s %5.1f%% (%d of %d MiB)", label, 100*float64(done)/float64(total), done>>20, total>>20)
		} else {
			fmt.Fprintf(a.errOut, "\r%s %d MiB", label, done>>20)
		}
		if done == total {
			fmt.Fprintln(a.errOut)
		}
	}
}

func (a *app) recordsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "records",
		Short: "health records: documents encrypted off chain, hashes on chain, consent-checked release",
	}
	cmd.PersistentFlags().StringVar(&a.store, "store", "", "document store folder (default NETWORK/documents)")
	cmd.AddCommand(a.recordsRegisterKey(), a.recordsPut(false), a.recordsPut(true), a.recordsGet(), a.recordsVerify(),
		a.recordsHead(), a.recordsHistory(), a.recordsAccessLog(), a.recordsList(), a.recordsErase(), a.recordsEnteredInError())
	return cmd
}

func (a *app) recordsRegisterKey() *cobra.Command {
	return &cobra.Command{
		Use:   "register-key",
		Short: "publish your org's key-encryption public key (the admin of a provider org)",
		Args:  cobra.NoArgs,
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			if s.Org.KEKDir == "" {
				return fmt.Errorf("org %s runs no peer and holds no key-encryption key", s.Org.Name)
			}
			data, err := os.ReadFile(filepath.Join(s.Org.KEKDir, rc.KEKFile))
			if err != nil {
				return err
			}
			priv, err := rc.ParseKEK(data)
			if err != nil {
				return err
			}
			if _, err := keywrap.ParsePublic(priv.PublicKey().Bytes()); err != nil {
				return err
			}
			r, err := k.RegisterCustodianKey(cmd.Context(), priv.PublicKey().Bytes())
			return a.show(r, err, func(w io.Writer) { fmt.Fprintf(w, "registered the key-encryption key of %s (tx %s)\n", r.ID, r.TxID) })
		}),
	}
}

func (a *app) recordsPut(amend bool) *cobra.Command {
	var d records.Document
	use, short := "put FILE", "encrypt FILE, store it off chain and anchor it"
	if amend {
		use, short = "amend ID FILE", "anchor a new version of a record"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Example: `  carectl --org provider --user clerk1 records put lab.pdf --patient pt-... --type DiagnosticReport --class labs
  carectl --org provider --user clerk1 records amend REC-ID lab-corrected.pdf --patient pt-... --type DiagnosticReport --class labs`,
		Args: cobra.ExactArgs(map[bool]int{false: 1, true: 2}[amend]),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			f, err := a.openDocument(args[len(args)-1], &d)
			if err != nil {
				return err
			}
			defer f.Close()
			var r *rc.Receipt
			if amend {
				d.ID = args[0]
				r, err = k.Amend(cmd.Context(), d)
			} else {
				if d.ID == "" {
					d.ID = newID("rec-")
				}
				r, err = k.Put(cmd.Context(), d)
			}
			return a.show(r, err, func(w io.Writer) { fmt.Fprintf(w, "%s version %d %s (tx %s)\n", r.ID, r.Version, r.Status, r.TxID) })
		}),
	}
	documentFlags(cmd, &d, amend)
	return cmd
}

// documentFlags are what put and amend say about a document.
func documentFlags(cmd *cobra.Command, d *records.Document, amend bool) {
	if !amend {
		cmd.Flags().StringVar(&d.ID, "id", "", "record id (default: a new one)")
	}
	cmd.Flags().StringVar(&d.Subject, "patient", "", "the patient's pseudonymous id")
	cmd.Flags().StringVar(&d.Type, "type", "DocumentReference", "FHIR resource type")
	cmd.Flags().StringVar(&d.Category, "class", "", "the record's data class (what consent decides on: labs, imaging, …)")
	cmd.Flags().StringVar(&d.Category, "category", "", "the record's data class: an alias of --class")
	_ = cmd.Flags().MarkHidden("category")
	cmd.Flags().StringVar(&d.ContentType, "content-type", "", "media type (default: from the file name)")
}

// openDocument opens the file to anchor as d's content, with a progress
// bar of its size and, unless given, the media type its name says.
func (a *app) openDocument(file string, d *records.Document) (*os.File, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, errors.Join(err, f.Close())
	}
	if d.ContentType == "" {
		d.ContentType, _, _ = mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(file)))
		if d.ContentType == "" {
			d.ContentType = "application/octet-stream"
		}
	}
	d.Content, d.Progress = f, a.progressBar("encrypting", fi.Size())
	return f, nil
}

// writeDocument writes what write produces to standard output (out "-") or,
// whole or not at all, to the file out.
func writeDocument(out string, write func(io.Writer) error) error {
	if out == "-" {
		return write(os.Stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".carectl-get-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		return errors.Join(err, tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func (a *app) recordsGet() *cobra.Command {
	var version int
	var purpose, out string
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "request access (consent-checked, logged), receive the key, fetch, decrypt and verify",
		Args:  cobra.ExactArgs(1),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			var got *records.Retrieved
			err := writeDocument(out, func(w io.Writer) error {
				var err error
				got, err = k.Get(cmd.Context(), args[0], version, purpose, w, a.progressBar("decrypting and verifying", 0))
				return err
			})
			if err != nil {
				return err
			}
			if out != "-" {
				a.print(got, func(w io.Writer) {
					fmt.Fprintf(w, "%s version %d: %d bytes verified written to %s; access %s logged\n",
						got.Release.Record, got.Release.Version, got.Release.Size, out, got.AccessID)
					fmt.Fprintf(w, "salt for verifying a copy (hand it on with the document): %s\n", got.Salt)
				})
			}
			return nil
		}),
	}
	cmd.Flags().IntVar(&version, "version", 0, "version (default: current)")
	cmd.Flags().StringVar(&purpose, "purpose", "treatment", "purpose of use")
	cmd.Flags().StringVarP(&out, "out", "O", "", "where to write the document (- for standard output)")
	requireFlags(cmd, "out")
	return cmd
}

func (a *app) recordsVerify() *cobra.Command {
	var version int
	var salt string
	cmd := &cobra.Command{
		Use:   "verify ID FILE",
		Short: "is FILE the record's content (with --salt) or its stored ciphertext? match, mismatch or unknown",
		Long: `verify asks whether FILE is a record version's document. The chain holds
a salted commitment to the plaintext, never its hash, so that nobody can test
guessed contents: a plaintext is checked with the salt its sender handed on
(carectl records get prints it); without --salt only the stored ciphertext
matches.`,
		Example: `  carectl --org payer --user adjudicator1 records verify REC-ID lab.pdf --salt SALT
  carectl --org payer --user adjudicator1 records verify REC-ID .carechain/documents/ab/abcd…`,
		Args: cobra.ExactArgs(2),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			v, asked, err := k.Verify(cmd.Context(), args[0], version, f, salt)
			return a.show(v, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s: %s", args[1], v.Result)
				if v.Result != rc.Unknown {
					fmt.Fprintf(w, " (version %d, %s)", v.Version, v.Status)
				}
				if salt == "" {
					fmt.Fprintf(w, " as a ciphertext, sha256 %s (a plaintext needs --salt)\n", asked)
				} else {
					fmt.Fprintf(w, " as a plaintext, commitment %s\n", asked)
				}
			})
		}),
	}
	cmd.Flags().IntVar(&version, "version", 0, "version (default: current)")
	cmd.Flags().StringVar(&salt, "salt", "", "the plaintext commitment's salt the document's sender handed on")
	return cmd
}

func (a *app) recordsHead() *cobra.Command {
	return &cobra.Command{
		Use:   "head ID",
		Short: "a record's public trace: version, status, custodian, erased",
		Args:  cobra.ExactArgs(1),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			h, err := k.Head(cmd.Context(), args[0])
			return a.show(h, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s version %d %s, custodian %s, key erased: %v\n", h.ID, h.Version, h.Status, h.Custodian, h.KeyErased)
			})
		}),
	}
}

func (a *app) recordsHistory() *cobra.Command {
	return &cobra.Command{
		Use:   "history ID",
		Short: "every version of a record, with the verification of its hash chain",
		Args:  cobra.ExactArgs(1),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			h, err := k.History(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			a.print(h, func(w io.Writer) {
				for _, v := range h.Versions {
					fmt.Fprintf(w, "version %d %-16s %s %s %d bytes by %s at %s\n", v.Anchor.Version, v.Anchor.Status,
						v.Anchor.Type, v.Anchor.ContentType, v.Anchor.Size, v.Anchor.Author, v.Anchor.Created)
				}
				if h.Verified {
					fmt.Fprintln(w, "history verified: every anchor matches its public commitment and links to the previous one")
				} else {
					fmt.Fprintln(w, "history NOT verified:", h.Problem)
				}
			})
			if !h.Verified {
				return fmt.Errorf("history of %s does not verify: %s", args[0], h.Problem)
			}
			return nil
		}),
	}
}

func (a *app) recordsAccessLog() *cobra.Command {
	var patient, custodian, order string
	var p client.Page
	cmd := &cobra.Command{
		Use:   "access-log",
		Short: "disclosures of a patient's records (--patient, default you) or of an org's (--custodian), newest first",
		Args:  cobra.NoArgs,
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			var page *rc.AccessPage
			var err error
			if custodian != "" {
				page, err = k.AccessLogByCustodian(cmd.Context(), custodian, order, p)
			} else {
				// No --patient: a patient's own (the chaincode knows whom the
				// registry linked them to; their certificate does not say).
				page, err = k.AccessLog(cmd.Context(), patient, order, p)
			}
			return a.show(page, err, func(w io.Writer) {
				for _, e := range page.Items {
					fmt.Fprintf(w, "%s  %s v%d (%s) to %s (%s) for %s, basis %s\n", e.Date, e.Record, e.Version, e.Category, e.Recipient, e.Role, e.Purpose, e.Basis)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		}),
	}
	cmd.Flags().StringVar(&patient, "patient", "", "patient id (default: yours, as a patient)")
	cmd.Flags().StringVar(&custodian, "custodian", "", "custodian MSP id")
	orderFlag(cmd, &order)
	pageFlags(cmd, &p)
	return cmd
}

func orderFlag(cmd *cobra.Command, order *string) {
	cmd.Flags().StringVar(order, "order", rc.Newest, "newest or oldest first")
}

func (a *app) recordsList() *cobra.Command {
	var patient, order string
	var p client.Page
	cmd := &cobra.Command{
		Use:   "list",
		Short: "a patient's records (--patient, default you), newest first: the patient and the regulator's auditor",
		Args:  cobra.NoArgs,
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			page, err := k.ListBySubject(cmd.Context(), patient, order, p)
			return a.show(page, err, func(w io.Writer) {
				for _, r := range page.Items {
					fmt.Fprintf(w, "%s version %d %s %s (%s) at %s, anchored %s\n", r.ID, r.Version, r.Status, r.Type, r.Category, r.Custodian, r.Created)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		}),
	}
	cmd.Flags().StringVar(&patient, "patient", "", "patient id (default: yours, as a patient)")
	orderFlag(cmd, &order)
	pageFlags(cmd, &p)
	return cmd
}

func (a *app) recordsErase() *cobra.Command {
	return &cobra.Command{
		Use:   "erase ID",
		Short: "crypto-shred a record: purge its keys; the anchors stay",
		Args:  cobra.ExactArgs(1),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			r, err := k.Erase(cmd.Context(), args[0])
			return a.show(r, err, func(w io.Writer) { fmt.Fprintf(w, "%s erased: its keys are purged (tx %s)\n", r.ID, r.TxID) })
		}),
	}
}

func (a *app) recordsEnteredInError() *cobra.Command {
	return &cobra.Command{
		Use:   "entered-in-error ID",
		Short: "withdraw a record's current version",
		Args:  cobra.ExactArgs(1),
		RunE: a.withRecords(func(cmd *cobra.Command, args []string, k *records.Client, s *client.Session) error {
			r, err := k.MarkEnteredInError(cmd.Context(), args[0])
			return a.show(r, err, func(w io.Writer) { fmt.Fprintf(w, "%s version %d %s (tx %s)\n", r.ID, r.Version, r.Status, r.TxID) })
		}),
	}
}
