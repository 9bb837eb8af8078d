package memstub

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/carechain/carechain/chaincode/kit/policy"
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
	// EndorsementPolicy is the collection-level endorsement policy in the
	// syntax of policy.Parse, e.g. "OR('Org1MSP.peer','Org2MSP.peer')".
	// When set, writes of the collection's keys must satisfy it instead of
	// the chaincode-level policy (unless a key has its own validation
	// parameter). Install and DefineCollections panic if it does not parse.
	EndorsementPolicy string
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
	policies   map[string]map[string]policy.Policy  // channel → namespace → endorsement policy
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
		policies:   map[string]map[string]policy.Policy{},
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
		p.policies[channel] = map[string]policy.Policy{}
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
	channel     string
	colls       []Collection
	endorsement string
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

// WithEndorsement sets the chaincode-level endorsement policy of the
// chaincode definition, in the syntax of policy.Parse, e.g.
// "AND('Org1MSP.peer','Org2MSP.peer')". Without it any endorsement
// satisfies the chaincode. The policy is enforced for transactions that
// name their endorsers (Tx.Endorsers, Forgery.Endorsers); Install panics
// if it does not parse.
func WithEndorsement(policy string) InstallOption {
	return func(c *installConfig) { c.endorsement = policy }
}

// Install deploys chaincode cc under name, which is also its namespace.
func (p *Peer) Install(name string, cc shim.Chaincode, opts ...InstallOption) {
	cfg := installConfig{channel: p.channel}
	for _, opt := range opts {
		opt(&cfg)
	}
	p.join(cfg.channel)
	p.chaincodes[cfg.channel][name] = cc
	if cfg.endorsement != "" {
		p.policies[cfg.channel][name] = mustParsePolicy(cfg.endorsement)
	}
	if len(cfg.colls) > 0 {
		p.colls[cfg.channel][name] = checkedCollections(cfg.colls)
	}
}

// DefineCollections sets the private data collections of namespace ns on
// the default channel, for transactions run with Run.
func (p *Peer) DefineCollections(ns string, colls ...Collection) {
	p.colls[p.channel][ns] = checkedCollections(colls)
}

// checkedCollections copies colls, panicking if an endorsement policy
// does not parse.
func checkedCollections(colls []Collection) []Collection {
	for _, c := range colls {
		if c.EndorsementPolicy != "" {
			mustParsePolicy(c.EndorsementPolicy)
		}
	}
	return slices.Clone(colls)
}

func mustParsePolicy(s string) policy.Policy {
	pol, err := policy.Parse(s)
	if err != nil {
		panic("memstub: " + err.Error())
	}
	return pol
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
	// Validation is the validation code the committing peer gave the
	// transaction, as Fabric names it: Valid when it committed, or
	// EndorsementPolicyFailure, MVCCReadConflict, PhantomReadConflict or
	// DuplicateTxID. It is empty when the transaction was not submitted
	// for ordering: an evaluation, or a response status of 400 or more.
	Validation string
}

// OK reports whether the peer would endorse the response: a status below
// 400.
func (r Result) OK() bool { return r.Status < shim.ERRORTHRESHOLD }

// Err returns an error as a client would see it: for an error status one
// whose text is the response message; for a transaction that failed
// validation the gateway's commit error, naming the validation code; nil
// otherwise.
func (r Result) Err() error {
	if !r.OK() {
		return errors.New(r.Message)
	}
	if r.Validation != "" && r.Validation != Valid {
		return fmt.Errorf("transaction %s failed to commit with status code %d (%s)", r.TxID, pb.TxValidationCode_value[r.Validation], r.Validation)
	}
	return nil
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
	// Endorsers are the MSP ids of the organisations whose peers endorsed
	// the transaction. When nil, the client is taken to have collected the
	// endorsements every applicable policy needs, so endorsement
	// validation passes. When set, every endorsement policy that applies
	// to the transaction's writes must be satisfied by them, or the
	// transaction is invalidated with EndorsementPolicyFailure.
	Endorsers []string
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

// Submit runs a transaction proposal and, unless the response status is
// 400 or more or tx.Evaluate is set, orders it in a block of its own and
// commits it if it passes validation: Simulate and Commit at once.
// Problems the peer would report instead of running the chaincode
// (unknown chaincode, duplicate transaction id) yield a 500 result. It
// panics if tx has no identity or time, which is a mistake in the test.
func (p *Peer) Submit(tx Tx) Result {
	return p.submit(tx, nil)
}

func (p *Peer) submit(tx Tx, override shim.Chaincode) Result {
	pending := p.simulate(tx, override)
	if !pending.submit {
		return pending.res
	}
	return p.Commit(pending)[0]
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
