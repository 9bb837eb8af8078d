package provenance

import (
	"context"
	"errors"
	"fmt"
	"time"

	partswire "github.com/carechain/carechain/chaincode/parts/wire"
	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/gs1"
)

// Partner reads an org's entry in the regulator's partner registry.
func (k *Client) Partner(ctx context.Context, msp string) (*pv.Partner, error) {
	var p pv.Partner
	return &p, k.c.Evaluate(ctx, pv.FnGetPartner, client.Input{Args: []string{msp}}, &p)
}

// registry reads the consortium's parts registry on the client's channel.
func (k *Client) registry(ctx context.Context) (*partswire.Registry, error) {
	parts := client.Contract{Session: k.c.Session, Channel: k.c.Channel, Chaincode: partswire.Chaincode}
	var reg partswire.Registry
	if err := parts.Evaluate(ctx, partswire.FnList, client.Input{}, &reg); err != nil {
		return nil, fmt.Errorf("parts registry: %w", err)
	}
	return &reg, nil
}

// prefixes is the table of the registry's GS1 company prefixes.
func prefixes(reg *partswire.Registry) (*gs1.Table, error) {
	var all []string
	for _, o := range reg.Orgs {
		all = append(all, o.CompanyPrefixes...)
	}
	return gs1.TableFromPrefixes(all...)
}

// directory maps every licensed partner's GLN to its org.
func (k *Client) directory(ctx context.Context, reg *partswire.Registry) (epcismap.Directory, error) {
	dir := epcismap.Directory{}
	for _, o := range reg.Orgs {
		p, err := k.Partner(ctx, o.MSPID)
		if errors.Is(err, client.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("partner %s: %w", o.MSPID, err)
		}
		dir[p.GLN] = o.MSPID
	}
	return dir, nil
}

func (k *Client) exporter(ctx context.Context) (*exporter, error) {
	reg, err := k.registry(ctx)
	if err != nil {
		return nil, err
	}
	table, err := prefixes(reg)
	if err != nil {
		return nil, err
	}
	glns := map[string]string{}
	return &exporter{prefixes: table,
		gln: func(ctx context.Context, msp string) (string, error) {
			if g, ok := glns[msp]; ok {
				return g, nil
			}
			p, err := k.Partner(ctx, msp)
			if errors.Is(err, client.ErrNotFound) {
				err = nil
			}
			glns[msp] = p.GLN
			return p.GLN, err
		},
		shipmentItems: func(ctx context.Context, id string) ([]string, error) {
			sh, err := k.Shipment(ctx, id)
			if err != nil {
				return nil, err
			}
			return sh.Items, nil
		}}, nil
}

// ExportEPCIS returns an item's whole trace, read page by page, as an
// EPCIS 2.0 JSON-LD document that validates against GS1's EPCIS 2.0 JSON
// schema: identifiers with the company prefix lengths the parts registry
// lists (Digital Links where it lists none), source and destination orgs
// as their partners' PGLNs, readings as sensor elements on the
// shipment's items, the recording org as carechain:recordedBy.
func (k *Client) ExportEPCIS(ctx context.Context, id string) ([]byte, error) {
	doc, err := k.ExportDocument(ctx, id)
	if err != nil {
		return nil, err
	}
	return epcis.Write(doc)
}

// ExportDocument is ExportEPCIS's document before it is written: an
// item's whole trace as EPCIS 2.0 events.
func (k *Client) ExportDocument(ctx context.Context, id string) (*epcis.Document, error) {
	events := []pv.Event{}
	p := client.Page{Size: 100}
	for {
		page, err := k.Trace(ctx, id, false, p)
		if err != nil {
			return nil, err
		}
		events = append(events, page.Items...)
		if page.Bookmark == "" {
			break
		}
		p.Bookmark = page.Bookmark
	}
	x, err := k.exporter(ctx)
	if err != nil {
		return nil, err
	}
	return x.document(ctx, events, time.Now())
}

// ledger answers epcismap's questions from the chaincode's reads.
type ledger struct{ k *Client }

func (l ledger) Item(ctx context.Context, id string) (epcismap.Item, bool, error) {
	it, err := l.k.Item(ctx, id)
	if errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrInvalidArgument) {
		return epcismap.Item{}, false, nil
	}
	if err != nil {
		return epcismap.Item{}, false, err
	}
	return epcismap.ItemOf(*it), true, nil
}

func (l ledger) Shipment(ctx context.Context, id string) (epcismap.Shipment, bool, error) {
	sh, err := l.k.Shipment(ctx, id)
	if errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrInvalidArgument) {
		return epcismap.Shipment{}, false, nil
	}
	if err != nil {
		return epcismap.Shipment{}, false, err
	}
	return epcismap.Shipment{From: sh.From, To: sh.To, Items: sh.Items, Received: sh.Status == "received"}, true, nil
}

// LotExpiry: the chaincode has no read of a lot, so every lot is unknown
// to the plan; the import treats CreateBatch's CONFLICT as "registered".
func (l ledger) LotExpiry(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}
