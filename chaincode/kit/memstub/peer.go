package memstub

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// DefaultMSP is the organisation a Peer belongs to unless WithMSP says
// otherwise.
const DefaultMSP = "Org1MSP"

// DefaultTotalQueryLimit is the peer's default core.yaml totalQueryLimit: the
// most results one query returns.
const DefaultTotalQueryLimit = 100000

// Collection is the definition of a private data collection.
type Collection struct {
	Name string
	// Members are the MSP ids of the member organisations.
	Members []string
	// MemberOnlyRead and MemberOnlyWrite restrict reads and writes to
	// clients of member organisations.
	MemberOnlyRead  bool
	MemberOnlyWrite bool
}

func (c Collection) hasMember(mspID string) bool { return slices.Contains(c.Members, mspID) }

// Peer is an in-memory peer joined to one or more channels.
type Peer struct {
	channel    string
	mspID      string
	queryLimit int
	ledgers    map[string]*Ledger
	chaincodes map[string]map[string]shim.Chaincode // channel → name
	colls      map[string]map[string][]Collection   // channel → namespace
	nonce      uint64
}

// PeerOption configures a Peer.
type PeerOption func(*Peer)

// WithMSP sets the organisation the peer belongs to, which decides the
// private data collections it is a member of.
func WithMSP(mspID string) PeerOption { return func(p *Peer) { p.mspID = mspID } }

// WithTotalQueryLimit sets the most results one query returns.
func WithTotalQueryLimit(n int) PeerOption { return func(p *Peer) { p.queryLimit = n } }

// NewPeer returns a peer joined to channel, its default channel.
func NewPeer(channel string, opts ...PeerOption) *Peer {
	p := &Peer{
		channel:    channel,
		mspID:      DefaultMSP,
		queryLimit: DefaultTotalQueryLimit,
		ledgers:    map[string]*Ledger{},
		chaincodes: map[string]map[string]shim.Chaincode{},
		colls:      map[string]map[string][]Collection{},
	}
	for _, opt := range opts {
		opt(p)
	}
	p.join(channel)
	return p
}

func (p *Peer) join(channel string) *Ledger {
	l, ok := p.ledgers[channel]
	if !ok {
		l = newLedger(channel)
		p.ledgers[channel] = l
		p.chaincodes[channel] = map[string]shim.Chaincode{}
		p.colls[channel] = map[string][]Collection{}
	}
	return l
}

// MSPID returns the organisation the peer belongs to.
func (p *Peer) MSPID() string { return p.mspID }

// SetMSP changes the organisation the peer belongs to, to run the next
// transactions as another organisation's peer on the same ledger.
func (p *Peer) SetMSP(mspID string) { p.mspID = mspID }

// Channel returns the peer's default channel.
func (p *Peer) Channel() string { return p.channel }

// InstallOption configures Install.
type InstallOption func(*installConfig)

type installConfig struct {
	channel string
	colls   []Collection
}

// OnChannel installs the chaincode on channel instead of the default one,
// joining the peer to it if needed.
func OnChannel(channel string) InstallOption {
	return func(c *installConfig) { c.channel = channel }
}

// WithCollections defines the chaincode's private data collections.
func WithCollections(colls ...Collection) InstallOption {
	return func(c *installConfig) { c.colls = append(c.colls, colls...) }
}

// Install deploys chaincode cc under name, which is also its namespace.
func (p *Peer) Install(name string, cc shim.Chaincode, opts ...InstallOption) {
	cfg := installConfig{channel: p.channel}
	for _, opt := range opts {
		opt(&cfg)
	}
	p.join(cfg.channel)
	p.chaincodes[cfg.channel][name] = cc
	if len(cfg.colls) > 0 {
		p.colls[cfg.channel][name] = slices.Clone(cfg.colls)
	}
}

// DefineCollections sets the private data collections of namespace ns on
// the default channel, for transactions run with Run.
func (p *Peer) DefineCollections(ns string, colls ...Collection) {
	p.colls[p.channel][ns] = slices.Clone(colls)
}

// Ledger returns the ledger of channel, or nil if the peer has not joined it.
func (p *Peer) Ledger(channel string) *Ledger { return p.ledgers[channel] }

// State returns a committed world state value on the default channel.
func (p *Peer) State(ns, key string) ([]byte, bool) { return p.ledgers[p.channel].State(ns, key) }

// PrivateState returns a committed private value on the default channel.
func (p *Peer) PrivateState(ns, coll, key string) ([]byte, bool) {
	return p.ledgers[p.channel].PrivateState(ns, coll, key)
}

// PrivateHash returns the hash of a committed private value on the default
// channel.
func (p *Peer) PrivateHash(ns, coll, key string) ([]byte, bool) {
	return p.ledgers[p.channel].PrivateHash(ns, coll, key)
}

// History returns the writes of a world state key on the default channel,
// newest first.
func (p *Peer) History(ns, key string) []HistoryEntry { return p.ledgers[p.channel].History(ns, key) }

// Keys returns the world state keys of ns on the default channel.
func (p *Peer) Keys(ns string) []string { return p.ledgers[p.channel].Keys(ns) }

// Snapshot returns a deep copy of every ledger of the peer.
func (p *Peer) Snapshot() Snapshot {
	s := Snapshot{}
	for ch, l := range p.ledgers {
		s[ch] = l.Snapshot()
	}
	return s
}

// Event is a chaincode event.
type Event struct {
	Name    string
	Payload []byte
}

// Result is the outcome of a transaction.
type Result struct {
	TxID string
	// Status, Payload and Message are the chaincode's response.
	Status  int32
	Payload []byte
	Message string
	// Event is the transaction's chaincode event; nil when none was set or
	// the transaction did not commit.
	Event *Event
	// Committed reports whether the writes were applied to the ledger.
	Committed bool
}

// OK reports whether the peer would endorse the response: a status below
// 400.
func (r Result) OK() bool { return r.Status < shim.ERRORTHRESHOLD }

// Err returns nil for a success status and otherwise an error whose text
// is the response message, as a client would see it.
func (r Result) Err() error {
	if r.OK() {
		return nil
	}
	return errors.New(r.Message)
}

// Tx describes a transaction proposal in full.
type Tx struct {
	// Channel defaults to the peer's default channel.
	Channel   string
	Chaincode string
	Identity  *Identity
	// Time is the client's transaction timestamp; it must be set.
	Time      time.Time
	Transient map[string][]byte
	// Args are the chaincode arguments, function name first.
	Args [][]byte
	// TxID defaults to an id derived from a nonce and the creator, as
	// Fabric derives it.
	TxID string
	// Init calls the chaincode's Init instead of Invoke.
	Init bool
	// Evaluate simulates the transaction without committing it, as the
	// gateway's Evaluate does.
	Evaluate bool
}

// Invoke submits a transaction calling fn with string arguments on
// chaincode cc on the default channel.
func (p *Peer) Invoke(cc string, id *Identity, at time.Time, transient map[string][]byte, fn string, args ...string) Result {
	return p.Submit(Tx{Chaincode: cc, Identity: id, Time: at, Transient: transient, Args: stringArgs(fn, args)})
}

// Query evaluates fn on chaincode cc without committing anything.
func (p *Peer) Query(cc string, id *Identity, at time.Time, fn string, args ...string) Result {
	return p.Submit(Tx{Chaincode: cc, Identity: id, Time: at, Args: stringArgs(fn, args), Evaluate: true})
}

func stringArgs(fn string, args []string) [][]byte {
	out := make([][]byte, 0, len(args)+1)
	out = append(out, []byte(fn))
	for _, a := range args {
		out = append(out, []byte(a))
	}
	return out
}

// ChaincodeFunc adapts a function to shim.Chaincode; both Init and Invoke
// call it.
type ChaincodeFunc func(stub shim.ChaincodeStubInterface) *pb.Response

// Init calls f.
func (f ChaincodeFunc) Init(stub shim.ChaincodeStubInterface) *pb.Response { return f(stub) }

// Invoke calls f.
func (f ChaincodeFunc) Invoke(stub shim.ChaincodeStubInterface) *pb.Response { return f(stub) }

// Run executes fn as a transaction in namespace ns on the default channel,
// without an installed chaincode. It commits when fn returns nil; an error
// becomes a 500 response whose message is the error text.
func (p *Peer) Run(ns string, id *Identity, at time.Time, fn func(stub shim.ChaincodeStubInterface) error) Result {
	cc := ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
		if err := fn(stub); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	})
	return p.submit(Tx{Chaincode: ns, Identity: id, Time: at, Args: [][]byte{[]byte("run")}}, cc)
}

// Submit runs a transaction proposal and commits it unless the response
// status is 400 or more or tx.Evaluate is set. Problems the peer would
// report instead of running the chaincode (unknown chaincode, duplicate
// transaction id) yield a 500 result. It panics if tx has no identity or
// time, which is a mistake in the test.
func (p *Peer) Submit(tx Tx) Result {
	return p.submit(tx, nil)
}

func (p *Peer) submit(tx Tx, override shim.Chaincode) Result {
	if tx.Identity == nil {
		panic("memstub: transaction without identity")
	}
	if tx.Time.IsZero() {
		panic("memstub: transaction without time")
	}
	if tx.Channel == "" {
		tx.Channel = p.channel
	}
	ledger := p.ledgers[tx.Channel]
	if ledger == nil {
		return Result{Status: shim.ERROR, Message: fmt.Sprintf("channel %s not found", tx.Channel)}
	}
	cc := override
	if cc == nil {
		cc = p.chaincodes[tx.Channel][tx.Chaincode]
	}
	if cc == nil {
		return Result{Status: shim.ERROR, Message: fmt.Sprintf("make sure the chaincode %s has been successfully defined on channel %s and try again: chaincode %s not found", tx.Chaincode, tx.Channel, tx.Chaincode)}
	}
	p.nonce++
	nonce := binary.BigEndian.AppendUint64([]byte("memstub-nonce"), p.nonce)
	creator := tx.Identity.Creator()
	if tx.TxID == "" {
		sum := sha256.Sum256(append(slices.Clone(nonce), creator...))
		tx.TxID = hex.EncodeToString(sum[:])
	}
	if ledger.txIDs[tx.TxID] {
		return Result{TxID: tx.TxID, Status: shim.ERROR, Message: fmt.Sprintf("duplicate transaction found [%s]. Creator [%x]", tx.TxID, creator)}
	}
	signed, err := signedProposal(tx, nonce, creator)
	if err != nil {
		panic(fmt.Sprintf("memstub: build proposal: %v", err))
	}
	binding := sha256.Sum256(append(append(slices.Clone(nonce), creator...), make([]byte, 8)...))
	t := &txContext{
		peer:       p,
		ledger:     ledger,
		channel:    tx.Channel,
		txID:       tx.TxID,
		timestamp:  timestamppb.New(tx.Time),
		creator:    creator,
		creatorMSP: tx.Identity.MSPID,
		signed:     signed,
		transient:  tx.Transient,
		binding:    binding[:],
		writes:     newWriteSet(),
		active:     map[string]bool{},
	}
	s := t.newStub(tx.Chaincode, tx.Args, tx.Init)
	t.active[tx.Chaincode] = true
	var resp *pb.Response
	if tx.Init {
		resp = cc.Init(s)
	} else {
		resp = cc.Invoke(s)
	}
	if resp == nil {
		resp = &pb.Response{Status: shim.ERROR, Message: "chaincode returned a nil response"}
	}
	res := Result{TxID: tx.TxID, Status: resp.Status, Payload: resp.Payload, Message: resp.Message}
	if resp.Status >= shim.ERRORTHRESHOLD || tx.Evaluate {
		return res
	}
	ledger.commit(tx.TxID, tx.Time.UTC(), t.writes)
	res.Committed = true
	if s.event != nil {
		res.Event = &Event{Name: s.event.GetEventName(), Payload: s.event.GetPayload()}
	}
	return res
}

// signedProposal builds the signed proposal a client would send.
func signedProposal(tx Tx, nonce, creator []byte) (*pb.SignedProposal, error) {
	ext, err := proto.Marshal(&pb.ChaincodeHeaderExtension{ChaincodeId: &pb.ChaincodeID{Name: tx.Chaincode}})
	if err != nil {
		return nil, err
	}
	chdr, err := proto.Marshal(&common.ChannelHeader{
		Type:      int32(common.HeaderType_ENDORSER_TRANSACTION),
		ChannelId: tx.Channel,
		TxId:      tx.TxID,
		Timestamp: timestamppb.New(tx.Time),
		Extension: ext,
	})
	if err != nil {
		return nil, err
	}
	shdr, err := proto.Marshal(&common.SignatureHeader{Creator: creator, Nonce: nonce})
	if err != nil {
		return nil, err
	}
	hdr, err := proto.Marshal(&common.Header{ChannelHeader: chdr, SignatureHeader: shdr})
	if err != nil {
		return nil, err
	}
	input, err := proto.Marshal(&pb.ChaincodeInvocationSpec{ChaincodeSpec: &pb.ChaincodeSpec{
		Type:        pb.ChaincodeSpec_GOLANG,
		ChaincodeId: &pb.ChaincodeID{Name: tx.Chaincode},
		Input:       &pb.ChaincodeInput{Args: tx.Args, IsInit: tx.Init},
	}})
	if err != nil {
		return nil, err
	}
	payload, err := proto.Marshal(&pb.ChaincodeProposalPayload{Input: input, TransientMap: tx.Transient})
	if err != nil {
		return nil, err
	}
	prop, err := proto.Marshal(&pb.Proposal{Header: hdr, Payload: payload})
	if err != nil {
		return nil, err
	}
	return &pb.SignedProposal{ProposalBytes: prop, Signature: tx.Identity.sign(prop)}, nil
}
