package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/connectivity"

	"github.com/carechain/carechain/client/profile"
)

// gateway is one gateway peer of a session and what the session knows of
// its health.
type gateway struct {
	peer profile.GatewayPeer
	// open connects to the peer, on first use; api is the result.
	open func() (gatewayAPI, func() connectivity.State, error)
	api  gatewayAPI
	// state is the gRPC connection's state (nil: unknown).
	state func() connectivity.State
	// broken is why open failed: the gateway is never used.
	broken error

	skipUntil time.Time // passed over until then, after a loss
	losses    int       // successive losses
}

// gateways is a session's ordered list of gateway peers. A call goes to
// the first one it may use (see allowed) that the session has not lost
// lately; when it loses one (unreachable, broken connection, a request
// timed out) calls move to the next at once, and come back once the
// failback pause has passed.
type gateways struct {
	mu       sync.Mutex
	list     []*gateway
	home     map[string]bool // MSP ids that may see transient data
	failback time.Duration
	now      func() time.Time
	clock    commitClock // the session's recent commit latency
}

func newGateways(list []*gateway, transientOrgs []string, failback time.Duration) *gateways {
	gs := &gateways{list: list, home: map[string]bool{}, failback: failback, now: time.Now}
	for _, msp := range transientOrgs {
		gs.home[msp] = true
	}
	if len(list) > 0 {
		gs.home[list[0].peer.MSPID] = true
	}
	return gs
}

// errNoGateway: no gateway peer of the session may take the call.
var errNoGateway = errors.New("no gateway peer of the session may take the call")

// pick is the gateway for the next request of call.
func (gs *gateways) pick(call Call) (*gateway, error) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	for {
		g := gs.best(gs.candidates(call))
		if g == nil {
			return nil, gs.noGateway(call)
		}
		if g.api != nil {
			return g, nil
		}
		if api, state, err := g.open(); err != nil {
			g.broken = err
		} else {
			g.api, g.state = api, state
			return g, nil
		}
	}
}

// candidates are the gateways that may take call, in order: those that
// serve its channel (all of them when none does by the profile, so that a
// refusal is the peer's own) and, for a call with transient data, only
// the gateways of the orgs allowed to see it.
func (gs *gateways) candidates(call Call) []*gateway {
	var serving, usable []*gateway
	for _, g := range gs.list {
		if g.broken != nil || !gs.allowed(g, call) {
			continue
		}
		usable = append(usable, g)
		if g.peer.Serves(call.Channel) {
			serving = append(serving, g)
		}
	}
	if len(serving) == 0 {
		return usable
	}
	return serving
}

// allowed is the privacy rule: a proposal's transient map is read by the
// gateway peer that receives it, so a call that carries one goes only to
// the gateways of the orgs the session trusts with it.
func (gs *gateways) allowed(g *gateway, call Call) bool {
	return len(call.Transient) == 0 || gs.home[g.peer.MSPID]
}

// best is the first gateway not lost lately whose connection is not
// failing, or else the one whose pause ends first.
func (gs *gateways) best(cands []*gateway) *gateway {
	now := gs.now()
	var soonest *gateway
	for _, g := range cands {
		if !now.Before(g.skipUntil) && !g.failing() {
			return g
		}
		if soonest == nil || g.skipUntil.Before(soonest.skipUntil) {
			soonest = g
		}
	}
	return soonest
}

// failing: gRPC is waiting out a failed connection attempt to the peer.
func (g *gateway) failing() bool {
	return g.state != nil && g.api != nil && g.state() == connectivity.TransientFailure
}

func (gs *gateways) noGateway(call Call) *Error {
	var causes []error
	for _, g := range gs.list {
		if g.broken != nil {
			causes = append(causes, fmt.Errorf("%s: %w", g.peer.ID, g.broken))
		}
	}
	msg := errNoGateway.Error()
	if len(call.Transient) > 0 {
		msg += " with its transient data (WithTransientOrgs)"
	}
	return &Error{Code: CodeUnavailable, Message: msg, Err: errors.Join(append([]error{errNoGateway}, causes...)...)}
}

// observe learns from a request's outcome on g: an error that says the
// gateway is lost (see lostBy) passes it over for a while; a success
// clears its losses.
func (gs *gateways) observe(ctx context.Context, g *gateway, e *Error) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	switch {
	case e == nil:
		g.losses, g.skipUntil = 0, time.Time{}
	case lostBy(ctx, e):
		gs.lose(g)
	}
}

// lost passes g over for a while: its event stream ended.
func (gs *gateways) lost(g *gateway) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.lose(g)
}

// lose counts one loss per pause — requests that fail together on a
// gateway that just went away count once — and restarts the pause of a
// gateway lost again during it, so that when every gateway is lost the
// one that failed longest ago is tried first.
func (gs *gateways) lose(g *gateway) {
	now := gs.now()
	if !now.Before(g.skipUntil) {
		g.losses++
	}
	g.skipUntil = now.Add(gs.failback << min(g.losses-1, 4))
}

// lostBy: e says the gateway itself could not be used — the request
// failed on the way (refused, reset, no answer: UNAVAILABLE without the
// gateway's error details), it timed out while the caller still waited,
// or the gateway knows no peers to endorse with (a restarted peer whose
// discovery is not ready). An error the gateway relays from the peers or
// orderers behind it (with details) says the gateway works.
func lostBy(ctx context.Context, e *Error) bool {
	switch {
	case e.Code == CodeTimeout:
		return ctx.Err() == nil
	case e.Code != CodeUnavailable:
		return false
	}
	top, details, isStatus := messages(e.Err)
	return !isStatus || len(details) == 0 || strings.Contains(strings.ToLower(top+strings.Join(details, " ")), noPeers)
}

// noPeers is how a gateway says it has no peers to endorse with.
var noPeers = strings.ToLower("no combination of peers can be derived")

// ids lists the gateways' peer ids, in order.
func (gs *gateways) ids() []string {
	out := make([]string, 0, len(gs.list))
	for _, g := range gs.list {
		out = append(out, g.peer.ID)
	}
	return out
}

// close closes every opened gateway.
func (gs *gateways) close() error {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	var errs []error
	for _, g := range gs.list {
		if c, ok := g.api.(interface{ close() error }); ok {
			errs = append(errs, c.close())
		}
	}
	return errors.Join(errs...)
}

// gatewayOrder is the session's list of peer ids: first, then the
// caller's list or the profile's order, each once.
func gatewayOrder(p *profile.Profile, org string, cfg *sessionConfig) ([]profile.GatewayPeer, error) {
	var base []profile.GatewayPeer
	var err error
	if cfg.gateways != nil {
		base, err = p.GatewayPeers(org, cfg.gateways...)
	} else {
		base, err = p.Gateways(org)
	}
	if err != nil {
		return nil, err
	}
	if cfg.first != "" {
		first, err := p.GatewayPeers(org, cfg.first)
		if err != nil {
			return nil, err
		}
		base = append(first, slices.DeleteFunc(base, func(g profile.GatewayPeer) bool { return g.ID == cfg.first })...)
	}
	if len(base) == 0 {
		return nil, fmt.Errorf("org %s has no gateway peer", org)
	}
	return base, nil
}
