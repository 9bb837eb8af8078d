package consortium

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/carechain/carechain/network/ccbuilder"
	"github.com/carechain/carechain/network/ccpackage"
	"github.com/carechain/carechain/network/topology"
)

// UpAndDeploy is Up, then afterUp (when not nil: what follows a
// successful Up, such as starting a supervisor), then Deploy (the named
// chaincodes, or all), with the chaincodes packaged and compiled while
// the nodes start and installed on their peers while Up joins the peers
// to their channels and waits for gossip, which installing needs neither
// of: what `carenet up` does, in less time. A failure is reported as
// Up's, afterUp's or Deploy's would be.
func (c *Consortium) UpAndDeploy(ctx context.Context, afterUp func() error, names ...string) error {
	ccs, err := c.chaincodes(names)
	if err != nil {
		return err
	}
	c.forgetInstalled()
	c.early = &earlyInstall{ccs: ccs, results: map[string]*installation{}}
	defer func() { c.early = nil }()
	if err := c.Up(ctx); err != nil {
		return err
	}
	if afterUp != nil {
		if err := afterUp(); err != nil {
			c.stopEarlyInstall()
			return err
		}
	}
	err = c.Deploy(ctx, names...)
	// Ready means gossip converged too: the gateway finds other orgs'
	// endorsers through it. Its failure, like the deploy's, leaves the
	// consortium up (and supervised) for a look at the peers' logs.
	if gerr := c.gossipConverged(ctx); gerr != nil {
		return errors.Join(err, fmt.Errorf("%s: %w", stepGossip, gerr))
	}
	return err
}

// startGossipWait waits for gossip to converge in the background: the
// deploy that follows needs it only for what reaches other peers by
// gossip (private data), and waits for it there.
func (c *Consortium) startGossipWait(ctx context.Context) error {
	e := c.early
	e.gossip = make(chan struct{})
	p := c.newProgress()
	go func() {
		defer close(e.gossip)
		e.gossipErr = p.step(stepGossip, func() error { return c.waitGossip(context.WithoutCancel(ctx)) })
	}()
	return nil
}

// gossipConverged waits for the background gossip wait, when Up started
// one; else Up waited already.
func (c *Consortium) gossipConverged(ctx context.Context) error {
	if c.early == nil || c.early.gossip == nil {
		return nil
	}
	select {
	case <-c.early.gossip:
		return c.early.gossipErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// earlyInstall is the packaging, building and installing of chaincode
// that Up starts for the Deploy that follows: packaged and compiled into
// the build cache once the CAs' certificates are published (the parts
// registry's genesis carries them), installed once the peers run.
type earlyInstall struct {
	ccs     []topology.Chaincode
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	results map[string]*installation
	peersUp chan struct{} // closed once the peers run
	// gossip is closed once gossip converged, or failed (gossipErr).
	gossip    chan struct{}
	gossipErr error
}

// installation is a chaincode's packaging and its install on the member
// peers, run in the background: its definition needs only the package
// (its id), and can be approved and committed while the peers install
// it; invoking the chaincode needs the install.
type installation struct {
	packaged, done     chan struct{}
	pkg                *ccpackage.Package
	pkgErr, installErr error
}

func newInstallation() *installation {
	return &installation{packaged: make(chan struct{}), done: make(chan struct{})}
}

// run packages, then installs the package, closing packaged after the
// first and done after both.
func (in *installation) run(pack func() (*ccpackage.Package, error), install func(*ccpackage.Package) error) {
	defer close(in.done)
	in.pkg, in.pkgErr = pack()
	close(in.packaged)
	if in.pkgErr == nil {
		in.installErr = install(in.pkg)
	}
}

// packageOf waits for the package.
func (in *installation) packageOf(ctx context.Context) (*ccpackage.Package, error) {
	select {
	case <-in.packaged:
		return in.pkg, in.pkgErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// installed waits for the install on every member peer.
func (in *installation) installed(ctx context.Context) error {
	select {
	case <-in.done:
		return errors.Join(in.pkgErr, in.installErr)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startEarlyInstall starts packaging, building and (once the peers run)
// installing every chaincode of the coming Deploy, when one follows this
// Up.
func (c *Consortium) startEarlyInstall(ctx context.Context) error {
	e := c.early
	if e.cancel != nil {
		return nil
	}
	ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	e.peersUp = make(chan struct{})
	p, builds := c.newProgress(), make(chan struct{}, installLimit)
	for _, cc := range e.ccs {
		in := newInstallation()
		e.results[cc.Name] = in
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			in.run(func() (*ccpackage.Package, error) { return c.packageAndPrebuild(p, cc) },
				func(pkg *ccpackage.Package) error { return c.installWhenPeersRun(ctx, p, cc, pkg, builds) })
		}()
	}
	return nil
}

// packageAndPrebuild packages the chaincode and compiles it into the
// build cache while the nodes start: each peer's build then links the
// binary built here.
func (c *Consortium) packageAndPrebuild(p *progress, cc topology.Chaincode) (*ccpackage.Package, error) {
	pkg, err := c.packageStep(p, cc)
	if err != nil {
		return nil, err
	}
	return pkg, p.step("build "+cc.Name+" into the build cache", func() error { return ccbuilder.Prebuild(pkg.Bytes) })
}

// installWhenPeersRun installs the package once the peers run.
func (c *Consortium) installWhenPeersRun(ctx context.Context, p *progress, cc topology.Chaincode, pkg *ccpackage.Package, builds chan struct{}) error {
	select {
	case <-c.early.peersUp:
	case <-ctx.Done():
		return ctx.Err()
	}
	return c.installStep(ctx, p, cc, pkg, builds)
}

// peersRunning lets the early installs go on: the peers run.
func (c *Consortium) peersRunning(context.Context) error {
	close(c.early.peersUp)
	return nil
}

// stopEarlyInstall cancels the early installs and waits for them: Up
// failed, and undoing it stops the peers they talk to.
func (c *Consortium) stopEarlyInstall() {
	if e := c.early; e != nil && e.cancel != nil {
		e.cancel()
		e.wg.Wait()
	}
}

// earlyResult is the early install of cc, when Up made one (nil when it
// did not).
func (c *Consortium) earlyResult(cc topology.Chaincode) *installation {
	if c.early == nil {
		return nil
	}
	return c.early.results[cc.Name]
}
