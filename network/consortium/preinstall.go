package consortium

import (
	"context"
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
	c.early = &earlyInstall{ccs: ccs, results: map[string]*installResult{}}
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
	return c.Deploy(ctx, names...)
}

// earlyInstall is the packaging, building and installing of chaincode
// that Up starts for the Deploy that follows: packaged and compiled into
// the build cache once the CAs' certificates are published (the parts
// registry's genesis carries them), installed once the peers run.
type earlyInstall struct {
	ccs     []topology.Chaincode
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	results map[string]*installResult
	peersUp chan struct{} // closed once the peers run
}

type installResult struct {
	done chan struct{}
	pkg  *ccpackage.Package
	err  error
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
		r := &installResult{done: make(chan struct{})}
		e.results[cc.Name] = r
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer close(r.done)
			r.pkg, r.err = c.earlyPackageAndInstall(ctx, p, cc, builds)
		}()
	}
	return nil
}

// earlyPackageAndInstall packages the chaincode and compiles it into the
// build cache while the nodes start, then installs it once the peers run:
// each peer's build then links the binary built here.
func (c *Consortium) earlyPackageAndInstall(ctx context.Context, p *progress, cc topology.Chaincode, builds chan struct{}) (*ccpackage.Package, error) {
	pkg, err := c.packageStep(p, cc)
	if err != nil {
		return nil, err
	}
	if err := p.step("build "+cc.Name+" into the build cache", func() error { return ccbuilder.Prebuild(pkg.Bytes) }); err != nil {
		return nil, err
	}
	select {
	case <-c.early.peersUp:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return pkg, p.step("install "+cc.Name+" on member peers", func() error { return c.install(ctx, cc, pkg, builds) })
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
// did not); its done closes when it ends.
func (c *Consortium) earlyResult(cc topology.Chaincode) *installResult {
	if c.early == nil {
		return nil
	}
	return c.early.results[cc.Name]
}

// wait waits for the early install to end.
func (r *installResult) wait(ctx context.Context) (*ccpackage.Package, error) {
	select {
	case <-r.done:
		return r.pkg, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
