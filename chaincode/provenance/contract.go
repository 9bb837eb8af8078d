package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/txn"
	"github.com/carechain/carechain/chaincode/kit/txtime"
	"github.com/carechain/carechain/chaincode/kit/validate"
	"github.com/carechain/carechain/chaincode/provenance/wire"
)

// Names the chaincode uses.
const (
	EventName = "provenance"
	maxPack   = 1000
	maxInput  = 256 * 1024
)

// Object types, all public but the DSCSA documents (pairwise collections).
const (
	objPartner        = "partner"
	objProduct        = "product"
	objBatch          = "batch"
	objRecall         = "recall"
	objItem           = "item"
	objUnitsByLot     = "unitsByLot"
	objContains       = "contains"
	objShipment       = "shipment"
	objDSCSA          = "dscsa"
	objEvent          = "event"
	objEventByObj     = "eventByObject"
	objEventByObjDesc = "eventByObjectDesc"
	objVerification   = "verification"
	objSignal         = "signal"
	objSignalDesc     = "signalDesc"
)

// DSCSACollection is the private collection two partners share for the
// transaction information and statements of their changes of ownership.
func DSCSACollection(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return "dscsa_" + a + "_" + b
}

// Contract is the provenance chaincode.
type Contract struct {
	contractapi.Contract
	// Clock is the endorsing peer's wall clock (time.Now in cmd/main.go):
	// a transaction whose timestamp is further from it than txtime's
	// default skew is refused. Nil (unit tests) checks nothing.
	Clock func() time.Time
}

type tx struct {
	*txn.Tx
	seq    int               // events recorded by this transaction
	seal   []byte            // the majority policy, once computed (endorse.go)
	makers map[string]string // GTIN → the org anchoring its units (anchor.go)
	// blinders are the collections' Blinders read so far (blinding.go).
	blinders map[string]*blind.Blinder
}

// GetBeforeTransaction makes contractapi run checkArgs before every
// transaction.
func (c *Contract) GetBeforeTransaction() interface{} { return c.checkArgs }

var ctxType = reflect.TypeFor[contractapi.TransactionContextInterface]()

// checkArgs refuses a transaction sent more arguments than it takes.
// contractapi ignores extra arguments, yet they would reach the block with
// the proposal: a patient or prescription reference that a careless
// client adds to a Dispense would be on every peer for good. Refused, the
// proposal is never endorsed, so it is never ordered.
func (c *Contract) checkArgs(ctx contractapi.TransactionContextInterface) error {
	fn, params := ctx.GetStub().GetFunctionAndParameters()
	if i := strings.LastIndex(fn, ":"); i >= 0 {
		fn = fn[i+1:]
	}
	if fn == "" {
		return nil
	}
	m := reflect.ValueOf(c).MethodByName(strings.ToUpper(fn[:1]) + fn[1:])
	if !m.IsValid() || m.Type().NumIn() == 0 || m.Type().In(0) != ctxType {
		return nil
	}
	if n := m.Type().NumIn() - 1; len(params) > n {
		return ccerr.Invalid("args", "%s takes %d arguments, not %d (nothing more may reach a block)", fn, n, len(params))
	}
	return nil
}

func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (*tx, error) {
	t, err := txn.Begin(ctx.GetStub(), txn.WithClock(c.Clock, txtime.Skew{}))
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t}, nil
}

func key(obj string, attrs ...string) (string, error) { return state.Key(obj, attrs...) }

func (t *tx) get(obj string, v any, attrs ...string) (bool, error) {
	k, err := key(obj, attrs...)
	if err != nil {
		return false, err
	}
	raw, found, err := state.GetOptional[json.RawMessage](t.Stub, k)
	if err != nil || !found {
		return found, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, ccerr.Internal("decode %s: %v", state.DisplayKey(k), err)
	}
	return true, nil
}

func (t *tx) put(obj string, v any, attrs ...string) error {
	k, err := key(obj, attrs...)
	if err != nil {
		return err
	}
	return state.Put(t.Stub, k, v)
}

// item reads a unit or container that may be given meaning: a record
// that is not genuine (anchor.go) — a unit its manufacturer never
// commissioned — is NOT_FOUND, as if its key did not exist.
func (t *tx) item(id string) (*wire.Item, error) {
	it, found, err := t.stored(id)
	if err != nil {
		return nil, err
	}
	if found {
		if found, err = t.genuine(id, it); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, ccerr.NotFound("item %s", id)
	}
	return it, nil
}

// stored reads the record under an item's key, genuine or not.
func (t *tx) stored(id string) (*wire.Item, bool, error) {
	var it wire.Item
	found, err := t.get(objItem, &it, id)
	if err != nil || !found {
		return nil, found, err
	}
	return &it, true, nil
}

// chain returns an item and the containers around it, innermost first: the
// last one is the outermost container, which holds ownership, custody and
// disposition for everything inside.
func (t *tx) chain(it *wire.Item) ([]*wire.Item, error) {
	out := []*wire.Item{it}
	for cur := it; cur.Parent != ""; {
		if len(out) > 3 {
			return nil, ccerr.Internal("containers of %s nest too deep", it.ID)
		}
		next, err := t.item(cur.Parent)
		if err != nil {
			return nil, err
		}
		out, cur = append(out, next), next
	}
	return out, nil
}

// root returns an item's outermost container (the item itself when it is
// in none).
func (t *tx) root(it *wire.Item) (*wire.Item, error) {
	c, err := t.chain(it)
	if err != nil {
		return nil, err
	}
	return c[len(c)-1], nil
}

// saveItem writes an item changed by this transaction. Time moves forward
// for every item: a transaction stamped before the item's latest change is
// refused, so backdating cannot reopen a window that has closed.
func (t *tx) saveItem(it *wire.Item) error {
	if err := t.NotBefore("item "+it.ID, it.Updated); err != nil {
		return err
	}
	it.Updated = t.Stamp()
	return t.put(objItem, it, it.ID)
}

// saveShipment writes a shipment changed by this transaction, forward in time.
func (t *tx) saveShipment(sh *wire.Shipment) error {
	if err := t.NotBefore("shipment "+sh.ID, sh.Updated); err != nil {
		return err
	}
	sh.Updated = t.Stamp()
	return t.put(objShipment, sh, sh.ID)
}

// DescStamp is a fixed-width stamp that sorts newest first: the
// nanoseconds from the transaction time to the end of int64 time.
func DescStamp(at time.Time) string {
	return fmt.Sprintf("%019d", math.MaxInt64-at.UnixNano())
}

// record stores an EPCIS event and indexes it under each object, oldest
// first and newest first. The event itself is sealed (endorse.go): nobody
// rewrites history alone.
func (t *tx) record(e wire.Event, objects ...string) error {
	t.seq++
	n := fmt.Sprintf("%04d", t.seq)
	e.EventID = "ni:///sha-256;" + hexSum(t.ID()+"/"+n) + "?ver=CBV2.0"
	e.EventTime, e.TimeZone, e.By = t.Stamp(), "+00:00", t.Caller.MSPID
	if err := t.put(objEvent, e, t.ID(), n); err != nil {
		return err
	}
	if err := t.sealKey(objEvent, t.ID(), n); err != nil {
		return err
	}
	asc, desc := t.SortStamp(), DescStamp(t.Now)
	for _, o := range objects {
		if err := state.PutIndex(t.Stub, objEventByObj, o, asc, t.ID(), n); err != nil {
			return err
		}
		if err := state.PutIndex(t.Stub, objEventByObjDesc, o, desc, t.ID(), n); err != nil {
			return err
		}
	}
	t.Events.Add("epcis."+e.BizStep, e.EventID, map[string]string{"count": strconv.Itoa(max(len(e.EPCList), len(e.ChildEPCs)))})
	return nil
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func epc(it *wire.Item) string {
	if it.Kind == "unit" {
		return wire.SGTINURI(it.GTIN, it.Serial)
	}
	return wire.SSCCURI(it.ID)
}

func (t *tx) signal(code, object, reason string) wire.Signal {
	return wire.Signal{ID: t.ID() + "/" + object, Code: code, Object: object, By: t.Caller.MSPID, Reason: reason, At: t.Stamp()}
}

// saveSignals records counterfeit signals under their object, oldest first
// and newest first; each record is sealed.
func (t *tx) saveSignals(signals []wire.Signal) error {
	for _, s := range signals {
		if err := t.put(objSignal, s, s.Object, t.SortStamp(), t.ID()); err != nil {
			return err
		}
		if err := t.sealKey(objSignal, s.Object, t.SortStamp(), t.ID()); err != nil {
			return err
		}
		if err := t.put(objSignalDesc, s, s.Object, DescStamp(t.Now), t.ID()); err != nil {
			return err
		}
		t.Events.Add("counterfeit.signal", s.Object, map[string]string{"code": s.Code})
	}
	return nil
}

func (t *tx) finish() error { return t.Emit(EventName) }

// decode decodes a JSON argument strictly.
func decode(field, data string, v any) error { return validate.DecodeJSON(field, data, v, maxInput) }
