package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// Event is a committed chaincode event.
type Event struct {
	Block     uint64 `json:"block"`
	TxID      string `json:"txId"`
	Chaincode string `json:"chaincode"`
	Name      string `json:"name"`
	Payload   []byte `json:"payload"`
}

// ListenOptions tune Session.Listen.
type ListenOptions struct {
	// Checkpoint keeps the listener's position; a listener resumes after
	// the last event it delivered (see OpenCheckpoint). Nil: a position in
	// memory, which survives reconnections, not the process.
	Checkpoint Checkpointer
	// StartBlock is where a listener whose checkpoint holds no position yet
	// starts. Nil: the next block to commit (the ledger's height when
	// Listen starts, saved at once, so a listener that stops before its
	// first event misses nothing when it resumes).
	StartBlock *uint64
	// OnReconnect, when set, is told each time the event stream ended
	// (the gateway peer stopped or the link failed) and is opened again.
	OnReconnect func(attempt int, from Position)
	// Retry paces reconnections (Backoff); zero value: the session's.
	Retry *RetryPolicy
}

// ErrStopListening is returned by a Listen handler to stop Listen after the
// event: it counts as delivered and is checkpointed.
var ErrStopListening = errors.New("stop listening")

// HandlerError is a handler's error that stopped Listen; the event it was
// given is not checkpointed, so a resumed listener delivers it again.
type HandlerError struct {
	Event Event
	Err   error
}

func (e *HandlerError) Error() string {
	return fmt.Sprintf("event of tx %s in block %d: %v", e.Event.TxID, e.Event.Block, e.Err)
}

func (e *HandlerError) Unwrap() error { return e.Err }

// Listen delivers a chaincode's events to handle, one at a time, in ledger
// order, each once, from the checkpoint's position, and saves the position
// after each event handle accepted. When the stream ends — the gateway peer
// restarts, the link fails — it is opened again from the position, with the
// session's backoff, until ctx ends, on the session's next gateway peer
// (the one that ended counts as lost; see the package documentation):
// nothing is missed or delivered twice.
// Across a crash of the listener itself the position is the checkpoint's:
// an event whose handling finished but whose position was not yet saved is
// delivered again (at least once); a handler whose effect is recorded with
// the position, or that recognises an event by TxID, sees each exactly once.
// Listen returns nil when ctx ends or handle returns ErrStopListening; a
// refusal at the start (ACCESS_DENIED, an unknown channel) as *Error; a
// handler's error as *HandlerError; a failed save as *CheckpointError.
func (s *Session) Listen(ctx context.Context, channel, chaincode string, o ListenOptions, handle func(Event) error) error {
	if o.Retry == nil {
		o.Retry = &s.retry
	}
	return listen(ctx, sessionEvents{s}, channel, chaincode, o, handle)
}

// Events streams a chaincode's events as their transactions commit, from
// startBlock when given, else from the next block, reconnecting as Listen
// does (the position is kept in memory). The channel closes when ctx ends
// or the stream cannot be opened at all.
func (s *Session) Events(ctx context.Context, channel, chaincode string, startBlock *uint64) (<-chan Event, error) {
	if _, err := s.height(ctx, channel); err != nil {
		return nil, err
	}
	out := make(chan Event)
	go func() {
		defer close(out)
		_ = s.Listen(ctx, channel, chaincode, ListenOptions{StartBlock: startBlock}, func(ev Event) error {
			select {
			case out <- ev:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return out, nil
}

// height is the channel's block height on the gateway peer: the number of
// the next block to commit.
func (s *Session) height(ctx context.Context, channel string) (uint64, error) {
	res, err := s.Evaluate(ctx, Call{Channel: channel, Chaincode: "qscc", Function: "GetChainInfo", Args: []string{channel}})
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(res.Payload, &info); err != nil {
		return 0, fmt.Errorf("chain info of %s: %w", channel, err)
	}
	return info.GetHeight(), nil
}

// eventSource is what Listen asks of a gateway; the tests fake it.
type eventSource interface {
	height(ctx context.Context, channel string) (uint64, error)
	// events streams from a position; the channel closes when the stream
	// ends, for whatever reason.
	events(ctx context.Context, channel, chaincode string, from Position) (<-chan Event, error)
}

// sessionEvents is eventSource on a session's gateways: each stream is
// opened on the gateway the session would use now, and a stream that ends
// while it was wanted counts as that gateway's loss, so the next one opens
// on the next gateway, from the listener's position.
type sessionEvents struct{ s *Session }

func (e sessionEvents) height(ctx context.Context, channel string) (uint64, error) {
	return e.s.height(ctx, channel)
}

func (e sessionEvents) events(ctx context.Context, channel, chaincode string, from Position) (<-chan Event, error) {
	gws := e.s.gws
	g, err := gws.pick(Call{Channel: channel})
	if err != nil {
		return nil, err
	}
	src, err := g.api.events(ctx, channel, chaincode, from)
	if err != nil {
		ce := classify(err, "")
		gws.observe(ctx, g, ce)
		return nil, ce
	}
	out := make(chan Event)
	go func() {
		defer close(out)
		for ev := range src {
			select {
			case out <- ev:
			case <-ctx.Done():
				for range src { // src closes once ctx ended
				}
				return
			}
		}
		if ctx.Err() == nil {
			gws.lost(g)
		}
	}()
	return out, nil
}

// listen is Listen on any event source.
func listen(ctx context.Context, src eventSource, channel, chaincode string, o ListenOptions, handle func(Event) error) error {
	l := &listener{src: src, channel: channel, chaincode: chaincode, opts: o, handle: handle, cp: o.Checkpoint}
	if l.cp == nil {
		l.cp = &memCheckpoint{}
	}
	if l.opts.Retry == nil {
		l.opts.Retry = &DefaultRetry
	}
	if err := l.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return l.run(ctx)
}

// listener is one Listen call.
type listener struct {
	src                eventSource
	channel, chaincode string
	opts               ListenOptions
	handle             func(Event) error
	cp                 Checkpointer
}

func (l *listener) pos() Position {
	return Position{Block: l.cp.BlockNumber(), TxID: l.cp.TransactionID()}
}

// start checks that the channel can be read (so a refusal surfaces at
// once, not as a stream that keeps ending) and gives a checkpoint without
// a position its start, saved before any event. An unreachable gateway is
// waited for.
func (l *listener) start(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		height, err := l.src.height(ctx, l.channel)
		if err == nil {
			if !l.pos().IsZero() {
				return nil
			}
			from := height
			if l.opts.StartBlock != nil {
				from = *l.opts.StartBlock
			}
			// Block 0 is the channel's genesis block, which holds no
			// chaincode event; starting at 1 keeps a saved position non-zero.
			return save(l.cp, max(from, 1), "")
		}
		if !transientEventsError(err) {
			return err
		}
		if !l.reconnecting(ctx, attempt) {
			return ctx.Err()
		}
	}
}

// run streams from the position, opening the stream again whenever it
// ends, until ctx ends or the handler stops it.
func (l *listener) run(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		n, err := l.stream(ctx)
		switch {
		case ctx.Err() != nil, errors.Is(err, ErrStopListening):
			return nil
		case err != nil:
			return err
		case n > 0:
			attempt = 1 // the stream worked: pause briefly again
		}
		if !l.reconnecting(ctx, attempt) {
			return nil
		}
	}
}

// reconnecting reports an outage and pauses; false when ctx ended.
func (l *listener) reconnecting(ctx context.Context, attempt int) bool {
	if l.opts.OnReconnect != nil {
		l.opts.OnReconnect(attempt, l.pos())
	}
	return pause(ctx, l.opts.Retry.backoff(attempt))
}

// stream delivers the events of one stream and reports how many.
func (l *listener) stream(ctx context.Context) (int, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := l.src.events(sctx, l.channel, l.chaincode, l.pos())
	if err != nil {
		if transientEventsError(err) {
			return 0, nil
		}
		return 0, err
	}
	n := 0
	for ev := range events {
		if l.pos().covers(ev) {
			continue
		}
		herr := l.handle(ev)
		if herr != nil && !errors.Is(herr, ErrStopListening) {
			return n, &HandlerError{Event: ev, Err: herr}
		}
		if err := save(l.cp, ev.Block, ev.TxID); err != nil {
			return n, err
		}
		n++
		if herr != nil {
			return n, herr
		}
	}
	return n, nil
}

// transientEventsError: an outage worth waiting out.
func transientEventsError(err error) bool {
	c := CodeOf(err)
	return c == CodeUnavailable || c == CodeTimeout
}
