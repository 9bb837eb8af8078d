package provenance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Pack aggregates units into a case, or cases into a pallet, that the
// caller's org holds at rest. Recalled, suspect, quarantined, illegitimate
// or finished units, and containers holding a recalled lot, are refused:
// nothing is hidden inside a container. The container keeps the lots it
// holds with their counts; the children are sealed while they are inside.
func (c *Contract) Pack(ctx contractapi.TransactionContextInterface, input string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(handlerRoles...); err != nil {
		return nil, err
	}
	in, err := decodePack(input)
	if err != nil {
		return nil, err
	}
	if found, err := t.get(objItem, &wire.Item{}, in.SSCC); err != nil {
		return nil, err
	} else if found {
		return nil, ccerr.Conflict("container %s exists", in.SSCC)
	}
	container := &wire.Item{ID: in.SSCC, Kind: in.Kind, Owner: t.Caller.MSPID, Custodian: t.Caller.MSPID, Disposition: wire.DispActive}
	epcs, err := t.fill(container, in.Children)
	if err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "AggregationEvent", Action: "ADD", BizStep: wire.StepPacking, Disposition: wire.DispActive,
		ParentID: wire.SSCCURI(in.SSCC), ChildEPCs: epcs}, append([]string{in.SSCC}, in.Children...)...); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: in.SSCC, Status: "packed", Count: len(in.Children), TxID: t.ID()}, t.finish()
}

// decodePack validates Pack's input: a new SSCC, its kind, and 1 to
// maxPack distinct children of the kind it holds (units are GTIN.serial,
// cases are SSCCs); errors name the child's index.
func decodePack(input string) (*wire.PackInput, error) {
	var in wire.PackInput
	if err := decode("pack", input, &in); err != nil {
		return nil, err
	}
	if err := wire.CheckSSCC("sscc", in.SSCC); err != nil {
		return nil, err
	}
	if err := validate.OneOf("kind", in.Kind, "case", "pallet"); err != nil {
		return nil, err
	}
	if len(in.Children) == 0 || len(in.Children) > maxPack {
		return nil, ccerr.Invalid("children", "between 1 and %d", maxPack)
	}
	first := map[string]int{}
	for i, id := range in.Children {
		field := fmt.Sprintf("children[%d]", i)
		if err := checkChild(field, in.Kind, id); err != nil {
			return nil, err
		}
		if j, dup := first[id]; dup {
			return nil, ccerr.Invalid(field, "%s is listed twice (also children[%d])", id, j)
		}
		first[id] = i
	}
	return &in, nil
}

func checkChild(field, kind, id string) error {
	if kind == "case" {
		_, _, err := wire.ParseSGTIN(field, id)
		return err
	}
	return wire.CheckSSCC(field, id)
}

// fill packs the children into the new container and writes it, owned by
// the caller's peer; it returns the children's EPCs.
func (t *tx) fill(container *wire.Item, children []string) ([]string, error) {
	epcs := make([]string, 0, len(children))
	for i, id := range children {
		child, err := t.packable(fmt.Sprintf("children[%d]", i), id, container.Kind)
		if err != nil {
			return nil, err
		}
		if err := t.putInside(container, child); err != nil {
			return nil, err
		}
		epcs = append(epcs, epc(child))
	}
	tidyGTINs(container)
	if err := t.saveItem(container); err != nil {
		return nil, err
	}
	return epcs, t.ownItem(container)
}

// packable returns a child the caller holds at rest, in no container, of
// the kind the container holds, and fit to travel (see movable).
func (t *tx) packable(field, id, kind string) (*wire.Item, error) {
	child, err := t.item(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound {
		return nil, ccerr.Invalid(field, "%s does not exist", id)
	}
	if err != nil {
		return nil, err
	}
	c, err := t.chain(child)
	if err != nil {
		return nil, err
	}
	if err := t.holds(id, c[len(c)-1]); err != nil {
		return nil, err
	}
	if want := map[string]string{"case": "unit", "pallet": "case"}[kind]; child.Kind != want {
		return nil, ccerr.Invalid(field, "a %s holds %ss; %s is a %s", kind, want, id, child.Kind)
	}
	if child.Parent != "" {
		return nil, ccerr.Precondition("%s is already packed in %s", id, child.Parent)
	}
	return child, t.movable(child, "packed")
}

// movable refuses an outermost item that must not travel: anything not
// active or sellable (in transit, dispensed, destroyed, decommissioned,
// quarantined, illegitimate), suspect, or holding a recalled lot.
func (t *tx) movable(it *wire.Item, what string) error {
	if it.Suspect == wire.SuspectQuarantine || it.Suspect == wire.SuspectIllegitimate ||
		it.Disposition != wire.DispActive && it.Disposition != wire.DispSellable {
		return ccerr.Precondition("%s is %s and cannot be %s", it.ID, strings.TrimSpace(it.Disposition+" "+it.Suspect), what)
	}
	return t.noRecalledLot(it, what)
}

// noRecalledLot refuses a unit of a recalled lot, or a container holding one.
func (t *tx) noRecalledLot(it *wire.Item, what string) error {
	lots := it.Lots
	if it.Kind == "unit" {
		lots = []wire.LotCount{{GTIN: it.GTIN, Lot: it.Lot, Units: 1}}
	}
	for _, l := range lots {
		recalled, err := t.recalledLot(l.GTIN, l.Lot)
		if err != nil {
			return err
		}
		if recalled {
			return ccerr.Precondition("%s holds recalled lot %s of %s and cannot be %s", it.ID, l.Lot, l.GTIN, what)
		}
	}
	return nil
}

// putInside packs child into container: the child points to it, is sealed
// while inside, and its lots and products are added to the container's.
func (t *tx) putInside(container, child *wire.Item) error {
	child.Parent = container.ID
	child.Containers = append(child.Containers, container.ID)
	if child.Kind == "unit" {
		container.Lots = addLot(container.Lots, child.GTIN, child.Lot, 1)
		container.GTINs = append(container.GTINs, child.GTIN)
	}
	for _, l := range child.Lots {
		container.Lots = addLot(container.Lots, l.GTIN, l.Lot, l.Units)
	}
	container.GTINs = append(container.GTINs, child.GTINs...)
	if err := t.saveItem(child); err != nil {
		return err
	}
	if err := t.sealKey(objItem, child.ID); err != nil {
		return err
	}
	if err := state.PutIndex(t.Stub, objContains, container.ID, child.ID); err != nil {
		return err
	}
	return t.sealKey(objContains, container.ID, child.ID)
}

// tidyGTINs sorts and dedups a container's products.
func tidyGTINs(container *wire.Item) {
	slices.Sort(container.GTINs)
	container.GTINs = slices.Compact(container.GTINs)
}

// addLot adds n units of a lot to a sorted lot list (n < 0 removes them;
// a lot with no units left is dropped).
func addLot(lots []wire.LotCount, gtin, lot string, n int) []wire.LotCount {
	i, found := slices.BinarySearchFunc(lots, wire.LotCount{GTIN: gtin, Lot: lot}, func(a, b wire.LotCount) int {
		return strings.Compare(a.GTIN+"/"+a.Lot, b.GTIN+"/"+b.Lot)
	})
	if !found {
		if n <= 0 {
			return lots
		}
		return slices.Insert(lots, i, wire.LotCount{GTIN: gtin, Lot: lot, Units: n})
	}
	out := slices.Clone(lots)
	out[i].Units += n
	if out[i].Units <= 0 {
		out = slices.Delete(out, i, i+1)
	}
	return out
}

// Unpack empties a container the caller holds at rest, in no other
// container: what it releases takes over its ownership, custody,
// disposition and suspect state (an illegitimate, destroyed or quarantined
// case releases illegitimate, destroyed or quarantined units), and each
// released item is then endorsed by its owner's peer again.
func (c *Contract) Unpack(ctx contractapi.TransactionContextInterface, sscc string) (*wire.Receipt, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.requireTrader(handlerRoles...); err != nil {
		return nil, err
	}
	if err := wire.CheckSSCC("sscc", sscc); err != nil {
		return nil, err
	}
	chain, err := t.held(sscc)
	if err != nil {
		return nil, err
	}
	container := chain[0]
	if len(chain) > 1 {
		return nil, ccerr.Precondition("%s is inside %s: unpack that first", sscc, container.Parent)
	}
	ids, epcs, err := t.release(container)
	if err != nil {
		return nil, err
	}
	if !finished(container.Disposition) {
		container.Disposition = wire.DispInactive
	}
	container.Lots = nil
	if err := t.saveItem(container); err != nil {
		return nil, err
	}
	if err := t.record(wire.Event{Type: "AggregationEvent", Action: "DELETE", BizStep: wire.StepUnpacking,
		ParentID: wire.SSCCURI(sscc), ChildEPCs: epcs}, append([]string{sscc}, ids...)...); err != nil {
		return nil, err
	}
	return &wire.Receipt{ID: sscc, Status: "unpacked", Count: len(ids), TxID: t.ID()}, t.finish()
}

// release frees every child of a container (at most maxPack entries).
func (t *tx) release(container *wire.Item) (ids, epcs []string, err error) {
	it, err := t.Stub.GetStateByPartialCompositeKey(objContains, []string{container.ID})
	if err != nil {
		return nil, nil, ccerr.Internal("contents of %s: %v", container.ID, err)
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, nil, ccerr.Internal("contents of %s: %v", container.ID, err)
		}
		_, attrs, err := state.SplitKey(kv.GetKey())
		if err != nil || len(attrs) != 2 {
			return nil, nil, ccerr.Internal("contents index of %s is malformed", container.ID)
		}
		child, err := t.releaseChild(container, attrs[1])
		if err != nil {
			return nil, nil, err
		}
		if child != nil {
			ids, epcs = append(ids, child.ID), append(epcs, epc(child))
		}
	}
	return ids, epcs, nil
}

// releaseChild frees one child, carrying the container's state down; nil
// when the index entry names no genuine item inside the container (it
// left before, or the entry was forged — a new key two colluders can
// create, possibly with a policy of their own, so it is left alone).
func (t *tx) releaseChild(container *wire.Item, id string) (*wire.Item, error) {
	child, err := t.item(id)
	if ccerr.CodeOf(err) == ccerr.CodeNotFound || err == nil && child.Parent != container.ID {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := state.DeleteIndex(t.Stub, objContains, container.ID, id); err != nil {
		return nil, err
	}
	child.Parent, child.Owner, child.Custodian = "", container.Owner, container.Custodian
	child.Disposition, child.Suspect = container.Disposition, worseSuspect(child.Suspect, container.Suspect)
	child.Containers = union(child.Containers, container.Containers)
	if err := t.saveItem(child); err != nil {
		return nil, err
	}
	return child, t.ownItem(child)
}

// union appends to a what b has that a lacks, in b's order.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
