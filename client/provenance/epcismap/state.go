package epcismap

import "context"

// state is what the plan knows so far: the document's effects on top of
// the ledger's answers (read once each).
type state struct {
	ctx       context.Context
	ledger    Ledger
	items     map[string]*Item
	shipments map[string]*Shipment
	children  map[string][]string // containers the document packed
	lots      map[string]string   // gtin/lot → expiry
}

func newState(ctx context.Context, l Ledger) *state {
	return &state{ctx: ctx, ledger: l, items: map[string]*Item{}, shipments: map[string]*Shipment{},
		children: map[string][]string{}, lots: map[string]string{}}
}

// item returns what is known of an item, nil when nothing is.
func (s *state) item(id string) (*Item, error) {
	if it, ok := s.items[id]; ok {
		return it, nil
	}
	it, found, err := s.ledger.Item(s.ctx, id)
	if err != nil {
		return nil, err
	}
	var p *Item
	if found {
		p = &it
	}
	s.items[id] = p
	return p, nil
}

func (s *state) shipment(id string) (*Shipment, error) {
	if sh, ok := s.shipments[id]; ok {
		return sh, nil
	}
	sh, found, err := s.ledger.Shipment(s.ctx, id)
	if err != nil {
		return nil, err
	}
	var p *Shipment
	if found {
		p = &sh
	}
	s.shipments[id] = p
	return p, nil
}

func (s *state) lotExpiry(gtin, lot string) (string, bool, error) {
	if e, ok := s.lots[gtin+"/"+lot]; ok {
		return e, e != "", nil
	}
	e, found, err := s.ledger.LotExpiry(s.ctx, gtin, lot)
	if err != nil {
		return "", false, err
	}
	s.lots[gtin+"/"+lot] = e
	return e, found, nil
}
