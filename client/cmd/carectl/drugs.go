package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
)

// withDrugs runs fn with a provenance client on --channel (supply unless
// said otherwise: prepare settles it).
func (a *app) withDrugs(fn func(cmd *cobra.Command, args []string, k *provenance.Client) error) func(*cobra.Command, []string) error {
	return withSession(a, func(s *client.Session) *provenance.Client { return provenance.New(s, a.channel) },
		func(cmd *cobra.Command, args []string, k *provenance.Client, _ *client.Session) error {
			return fn(cmd, args, k)
		})
}

func (a *app) printDrugReceipt(r *pv.Receipt) {
	a.print(r, func(w io.Writer) {
		fmt.Fprintf(w, "%s %s", r.ID, r.Status)
		if r.Count > 0 {
			fmt.Fprintf(w, " (%d)", r.Count)
		}
		fmt.Fprintf(w, " (tx %s)\n", r.TxID)
		for _, s := range r.Signals {
			fmt.Fprintf(w, "  counterfeit signal %s on %s: %s\n", s.Code, s.Object, s.Reason)
		}
	})
}

func (a *app) drugReceiptCommand(use, short string, args int, call func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error)) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(args),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			r, err := call(cmd, args, k)
			if err != nil {
				return err
			}
			return a.drugReceipt(r)
		})}
}

// drugReceipt prints a receipt; a refused one (the receipt says why) is
// the command's one document and exit code 1, with no error after it.
func (a *app) drugReceipt(r *pv.Receipt) error {
	a.printDrugReceipt(r)
	if r.Status == "refused" {
		return reported{fmt.Errorf("%s refused", r.ID)}
	}
	return nil
}

func (a *app) drugsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drugs",
		Short: "drug supply chain on the supply channel: serialized units, custody, verification, recalls",
		Long: `Provenance commands (channel supply by default). Units are GTIN.serial
(SGTIN), containers are SSCCs; GS1 check digits are verified.`,
	}
	cmd.AddCommand(a.drugsMasterData()...)
	cmd.AddCommand(a.drugsPack(),
		a.drugReceiptCommand("unpack SSCC", "empty a container you hold: its contents take over its owner, disposition and suspect state", 1, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Unpack(cmd.Context(), args[0])
		}),
		a.drugsShip(), a.drugsDSCSA(),
		a.drugReceiptCommand("receive SHIPMENT", "confirm a shipment addressed to your org: ownership moves to you", 1, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Receive(cmd.Context(), args[0])
		}),
		a.drugReceiptCommand("reading SHIPMENT DEVICE CELSIUS", "attach a temperature reading to a shipment in transit", 3, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
			c, err := strconv.ParseFloat(args[2], 64)
			if err != nil {
				return nil, err
			}
			return k.AddReading(cmd.Context(), args[0], args[1], int(c*10))
		}),
		a.drugsVerify(),
		a.drugReceiptCommand("dispense UNIT", "dispense a unit your pharmacy holds to a patient (pharmacist)", 1, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Dispense(cmd.Context(), args[0])
		}),
		a.drugsItem(), a.drugsTrace(), a.drugsSignals(), a.drugsEPCIS())
	cmd.AddCommand(a.drugsInvestigation()...)
	return cmd
}

// drugsMasterData: the partner registry, products and lots.
func (a *app) drugsMasterData() []*cobra.Command {
	var pa pv.Partner
	var pr pv.Product
	partner := &cobra.Command{Use: "partner", Short: "the regulator's registry of authorized trading partners"}
	partner.AddCommand(jsonArgFirst(a.drugReceiptCommand("add JSON", "add or update a partner (regulator's registrar)", 1, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
		return k.RegisterPartner(cmd.Context(), pa)
	}), 0, &pa))
	product := &cobra.Command{Use: "product", Short: "drug products"}
	product.AddCommand(jsonArgFirst(a.drugReceiptCommand("add JSON", "register a product under your org's GS1 company prefix (manufacturer's quality staff)", 1, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
		return k.RegisterProduct(cmd.Context(), pr)
	}), 0, &pr))
	batch := &cobra.Command{Use: "batch", Short: "lots and their serialized units"}
	batch.AddCommand(
		a.drugReceiptCommand("create GTIN LOT EXPIRY", "register a lot of your product (manufacturer's quality staff; expiry YYYY-MM-DD)", 3, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
			return k.CreateBatch(cmd.Context(), args[0], args[1], args[2])
		}),
		a.drugsCommission(), a.drugsAnchor())
	return []*cobra.Command{partner, product, batch}
}

// drugsInvestigation: suspect product, recalls and the ends of an item's life.
func (a *app) drugsInvestigation() []*cobra.Command {
	return []*cobra.Command{
		a.drugReasonCommand("suspect ID", "quarantine a suspect outermost unit or container (its holder's staff or the registrar)", 1, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Suspect(cmd.Context(), args[0], reason)
		}),
		a.drugReasonCommand("clear ID", "end a quarantine: legitimate (holder's quality staff or pharmacist, or the registrar)", 1, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Clear(cmd.Context(), args[0], reason)
		}),
		a.drugReasonCommand("illegitimate ID", "end a quarantine: illegitimate (holder's quality staff or pharmacist, or the registrar)", 1, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.MarkIllegitimate(cmd.Context(), args[0], reason)
		}),
		a.drugReasonCommand("recall GTIN LOT", "recall a lot (its manufacturer's quality staff or the regulator's registrar)", 2, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.RecallLot(cmd.Context(), args[0], args[1], reason)
		}),
		a.drugsRecallReport(),
		a.drugReasonCommand("decommission ID", "take an item out of circulation", 1, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Decommission(cmd.Context(), args[0], reason, false)
		}),
		a.drugReasonCommand("destroy ID", "record an item's destruction", 1, func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error) {
			return k.Decommission(cmd.Context(), args[0], reason, true)
		}),
	}
}

// drugReasonCommand is a drugReceiptCommand that says why with a required
// --reason, as every carectl command that records a reason does.
func (a *app) drugReasonCommand(use, short string, args int, call func(cmd *cobra.Command, args []string, reason string, k *provenance.Client) (*pv.Receipt, error)) *cobra.Command {
	var reason string
	cmd := a.drugReceiptCommand(use+" --reason TEXT", short, args, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
		return call(cmd, args, reason, k)
	})
	cmd.Flags().StringVar(&reason, "reason", "", "why, kept on the ledger with the item's history")
	requireFlags(cmd, "reason")
	return cmd
}

func (a *app) drugsCommission() *cobra.Command {
	var count int
	var prefix, serialList string
	cmd := &cobra.Command{
		Use:     "commission GTIN LOT",
		Short:   "serialize units of a lot: --count N with --prefix, or --serials A,B,C",
		Example: "  carectl --org manufacturer --user quality1 drugs batch commission 10614141123459 LOT-1 --count 1000 --prefix SN",
		Args:    cobra.ExactArgs(2),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			serials, err := commissionSerials(serialList, prefix, count)
			if err != nil {
				return err
			}
			done, signals, err := k.Commission(cmd.Context(), args[0], args[1], serials, func(d, total int) {
				a.progress("commissioning %d/%d", d, total)
				if d == total {
					a.progressDone()
				}
			})
			if err != nil {
				return err
			}
			out := map[string]any{"gtin": args[0], "lot": args[1], "commissioned": done, "signals": signals}
			a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "commissioned %d units of %s lot %s\n", done, args[0], args[1])
				for _, s := range signals {
					fmt.Fprintf(w, "  counterfeit signal %s on %s: %s\n", s.Code, s.Object, s.Reason)
				}
			})
			return nil
		}),
	}
	cmd.Flags().IntVar(&count, "count", 0, "how many units")
	cmd.Flags().StringVar(&prefix, "prefix", "SN", "serial prefix for --count (serials PREFIX000001, …)")
	cmd.Flags().StringVar(&serialList, "serials", "", "explicit serials, comma-separated")
	return cmd
}

// drugsAnchor anchors units commissioned before commissioning anchors
// existed (until then they verify as unknown serials).
func (a *app) drugsAnchor() *cobra.Command {
	var count int
	var prefix, serialList string
	cmd := &cobra.Command{
		Use:     "anchor GTIN LOT",
		Short:   "anchor units commissioned before commissioning anchors existed (manufacturer's quality staff): --count N with --prefix, or --serials A,B,C",
		Example: "  carectl --org manufacturer --user quality1 drugs batch anchor 10614141123459 LOT-1 --serials SN000001,SN000002",
		Args:    cobra.ExactArgs(2),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			serials, err := commissionSerials(serialList, prefix, count)
			if err != nil {
				return err
			}
			done, err := k.AnchorUnits(cmd.Context(), args[0], args[1], serials)
			return a.show(map[string]any{"gtin": args[0], "lot": args[1], "anchored": done}, err, func(w io.Writer) {
				fmt.Fprintf(w, "anchored %d units of %s lot %s\n", done, args[0], args[1])
			})
		}),
	}
	cmd.Flags().IntVar(&count, "count", 0, "how many units")
	cmd.Flags().StringVar(&prefix, "prefix", "SN", "serial prefix for --count (serials PREFIX000001, …)")
	cmd.Flags().StringVar(&serialList, "serials", "", "explicit serials, comma-separated")
	return cmd
}

// commissionSerials are --serials, then --count serials PREFIX000001, ….
func commissionSerials(list, prefix string, count int) ([]string, error) {
	var serials []string
	if list != "" {
		serials = strings.Split(list, ",")
	}
	for i := 0; i < count; i++ {
		serials = append(serials, fmt.Sprintf("%s%06d", prefix, i+1))
	}
	if len(serials) == 0 {
		return nil, fmt.Errorf("give --count or --serials")
	}
	return serials, nil
}

func (a *app) drugsPack() *cobra.Command {
	var kind string
	cmd := a.drugReceiptCommand("pack SSCC CHILD,CHILD,...", "aggregate units into a case, or cases into a pallet (--kind pallet)", 2, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
		return k.Pack(cmd.Context(), pv.PackInput{SSCC: args[0], Kind: kind, Children: strings.Split(args[1], ",")})
	})
	cmd.Flags().StringVar(&kind, "kind", "case", "case (of units) or pallet (of cases)")
	return cmd
}

func (a *app) drugsShip() *cobra.Command {
	var dscsa string
	var doc any
	cmd := a.drugReceiptCommand("ship SHIPMENT-ID TO-MSP ITEM,ITEM,...", "ship items to an authorized partner, with DSCSA documents", 3, func(cmd *cobra.Command, args []string, k *provenance.Client) (*pv.Receipt, error) {
		if doc == nil {
			doc = map[string]string{"transactionInformation": "shipment " + args[0], "transactionStatement": "DSCSA transaction statement"}
		}
		return k.Ship(cmd.Context(), pv.ShipInput{ID: args[0], To: args[1], Items: strings.Split(args[2], ",")}, doc)
	})
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if dscsa == "" {
			return nil
		}
		return readJSONInput("dscsa", dscsa, &doc)
	}
	cmd.Flags().StringVar(&dscsa, "dscsa", "", "DSCSA transaction information and statement, JSON (inline, @FILE or -)")
	return cmd
}

func (a *app) drugsDSCSA() *cobra.Command {
	return &cobra.Command{Use: "dscsa SHIPMENT", Short: "a shipment's DSCSA documents and salt (its two partners), checked against its public commitment", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			d, ok, err := k.DSCSA(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			a.print(d, func(w io.Writer) {
				fmt.Fprintf(w, "%s\nsalt %q, matches the public commitment: %v\n", d.Documents, d.Salt, ok)
			})
			if !ok {
				return fmt.Errorf("the DSCSA documents of %s do not match its public commitment", args[0])
			}
			return nil
		})}
}

func (a *app) drugsRecallReport() *cobra.Command {
	var p client.Page
	cmd := &cobra.Command{Use: "recall-report GTIN LOT", Short: "a lot's units and their current custodians", Args: cobra.ExactArgs(2),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			page, err := k.RecallReport(cmd.Context(), args[0], args[1], p)
			return a.show(page, err, func(w io.Writer) {
				for _, h := range page.Items {
					fmt.Fprintf(w, "%s held by %s (%s) %s\n", h.Unit, h.Owner, h.Disposition, h.Container)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		})}
	pageFlags(cmd, &p)
	return cmd
}

func (a *app) drugsItem() *cobra.Command {
	return &cobra.Command{Use: "item ID", Short: "a unit or container and who holds it", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			it, err := k.Item(cmd.Context(), args[0])
			return a.show(it, err, func(w io.Writer) {
				fmt.Fprintf(w, "%s %s owner %s custodian %s %s %s %s\n", it.ID, it.Kind, it.Owner, it.Custodian, it.Disposition, it.Suspect, it.Parent)
			})
		})}
}

func (a *app) drugsTrace() *cobra.Command {
	var p client.Page
	var order string
	cmd := &cobra.Command{Use: "trace ID", Short: "chain of custody of a unit or container, back to commissioning", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			newest, err := newestFirst(order)
			if err != nil {
				return err
			}
			page, err := k.Trace(cmd.Context(), args[0], newest, p)
			return a.show(page, err, func(w io.Writer) {
				for _, e := range page.Items {
					fmt.Fprintf(w, "%s %-16s %-17s %-8s by %s", e.EventTime, e.BizStep, e.Type, e.Action, e.By)
					if e.Source != "" {
						fmt.Fprintf(w, " %s → %s", e.Source, e.Destination)
					}
					if e.Sensor != nil {
						fmt.Fprintf(w, " %.1f °C excursion=%v", float64(e.Sensor.TenthC)/10, e.Sensor.Excursion)
					}
					fmt.Fprintln(w)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		})}
	pageFlags(cmd, &p)
	cmd.Flags().StringVar(&order, "order", pv.OldestFirst, "oldest or newest first")
	return cmd
}

// newestFirst reads --order.
func newestFirst(order string) (bool, error) {
	if order != pv.OldestFirst && order != pv.NewestFirst {
		return false, fmt.Errorf("--order is %s or %s", pv.OldestFirst, pv.NewestFirst)
	}
	return order == pv.NewestFirst, nil
}

func (a *app) drugsSignals() *cobra.Command {
	var p client.Page
	var order string
	cmd := &cobra.Command{Use: "signals ID", Short: "counterfeit signals recorded for a unit or container", Args: cobra.ExactArgs(1),
		RunE: a.withDrugs(func(cmd *cobra.Command, args []string, k *provenance.Client) error {
			newest, err := newestFirst(order)
			if err != nil {
				return err
			}
			page, err := k.Signals(cmd.Context(), args[0], newest, p)
			return a.show(page, err, func(w io.Writer) {
				for _, s := range page.Items {
					fmt.Fprintf(w, "%s %s by %s: %s\n", s.At, s.Code, s.By, s.Reason)
				}
				if page.Bookmark != "" {
					fmt.Fprintf(w, "more: --bookmark %s\n", page.Bookmark)
				}
			})
		})}
	pageFlags(cmd, &p)
	cmd.Flags().StringVar(&order, "order", pv.OldestFirst, "oldest or newest first")
	return cmd
}
