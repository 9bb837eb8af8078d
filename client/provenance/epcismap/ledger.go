package epcismap

import (
	"context"
	"time"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client/standards/gs1"
)

// Item is what the mapper needs to know of a unit or container on the
// ledger.
type Item struct {
	Kind     string // unit, case, pallet
	Owner    string
	Shipment string // the shipment it is in transit on, if any
	Parent   string // the container it is in, if any
	// Units is how many units a container holds (from its lot counts).
	Units int
	// Containers are the containers it was ever packed in.
	Containers []string
	// Ended: dispensed, destroyed, decommissioned.
	Ended bool
}

// ItemOf is what the mapping needs of an item the chaincode holds.
func ItemOf(it pv.Item) Item {
	units := 0
	for _, lc := range it.Lots {
		units += lc.Units
	}
	out := Item{Kind: it.Kind, Owner: it.Owner, Parent: it.Parent, Units: units, Containers: it.Containers,
		Ended: it.Disposition == pv.DispDispensed || it.Disposition == pv.DispDestroyed || it.Disposition == pv.DispInactive}
	if it.Disposition == pv.DispInTransit {
		out.Shipment = it.Shipment
	}
	return out
}

// Shipment is what the mapper needs to know of a shipment on the ledger.
type Shipment struct {
	From, To string
	Items    []string
	Received bool
}

// Ledger answers what a plan needs from the ledger; found is false for
// what the ledger does not hold. NoLedger answers nothing found.
type Ledger interface {
	Item(ctx context.Context, id string) (it Item, found bool, err error)
	Shipment(ctx context.Context, id string) (sh Shipment, found bool, err error)
	// LotExpiry is a registered lot's expiry, YYYY-MM-DD.
	LotExpiry(ctx context.Context, gtin, lot string) (expiry string, found bool, err error)
}

// NoLedger is a ledger that holds nothing: a plan from the document alone.
type NoLedger struct{}

// Item finds no item.
func (NoLedger) Item(context.Context, string) (Item, bool, error) { return Item{}, false, nil }

// Shipment finds no shipment.
func (NoLedger) Shipment(context.Context, string) (Shipment, bool, error) {
	return Shipment{}, false, nil
}

// LotExpiry knows no lot's expiry.
func (NoLedger) LotExpiry(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

// Parties resolves a party or location key (PGLN, SGLN: their GLN) to
// the consortium org it belongs to.
type Parties interface {
	OrgOf(k gs1.Key) (msp string, ok bool)
}

// Directory is Parties from the partner registry: each licensed
// partner's GLN, and any further location GLNs an org names.
type Directory map[string]string // GLN → MSP id

// OrgOf resolves a PGLN or SGLN (its GLN, whatever the extension).
func (d Directory) OrgOf(k gs1.Key) (string, bool) {
	if k.Kind != gs1.PGLN && k.Kind != gs1.SGLN {
		return "", false
	}
	msp, ok := d[k.Value]
	return msp, ok
}

// Option configures Map.
type Option func(*mapper)

// WithLedger lets the plan read what the ledger holds (NoLedger by
// default: only goods the document commissions are carechain's).
func WithLedger(l Ledger) Option { return func(m *mapper) { m.ledger = l } }

// WithParties resolves sources, destinations and locations to orgs.
func WithParties(p Parties) Option { return func(m *mapper) { m.parties = p } }

// WithSelf is the org the plan acts for: another org's events are
// captured only. Without it, every org's events apply, each with its By
// (a replay of a whole trace).
func WithSelf(msp string) Option { return func(m *mapper) { m.self = msp } }

// WithClock is the time a Digital Link's two-digit expiry year is read
// against (GS1's century rule); time.Now by default.
func WithClock(now func() time.Time) Option { return func(m *mapper) { m.now = now } }
