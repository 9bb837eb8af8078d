package consortium

import (
	"context"
	"sync"

	"github.com/carechain/carechain/network/ccpackage"
	"github.com/carechain/carechain/network/topology"
)

// UpAndDeploy is Up then Deploy (the named chaincodes, or all), with the
// chaincodes packaged and installed on their peers while Up joins the
// peers to their channels and waits for gossip, which installing needs
// neither of: what `carenet up` does, in less time. A failure is
// reported as Up's or Deploy's would be.
func (c *Consortium) UpAndDeploy(ctx context.Context, names ...string) error {
	ccs, err := c.chaincodes(names)
	if err != nil {
		return err
	}
	c.early = &earlyInstall{ccs: ccs, results: map[string]*installResult{}}
	defer func() { c.early = nil }()
	if err := c.Up(ctx); err != nil {
		return err
	}
	return c.Deploy(ctx, names...)
}

// earlyInstall is the packaging and installing of chaincode that Up
// starts once the peers run, for the Deploy that follows.
type earlyInstall struct {
	ccs     []topology.Chaincode
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	results map[string]*installResult
}

type installResult struct {
	done chan struct{}
	pkg  *ccpackage.Package
	err  error
}

// startEarlyInstall starts packaging and installing every chaincode of
// the coming Deploy, when one follows this Up.
func (c *Consortium) startEarlyInstall(ctx context.Context) error {
	e := c.early
	if e.cancel != nil {
		return nil
	}
	ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	p, builds := c.newProgress(), make(chan struct{}, installLimit)
	for _, cc := range e.ccs {
		r := &installResult{done: make(chan struct{})}
		e.results[cc.Name] = r
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer close(r.done)
			r.pkg, r.err = c.packageAndInstallNow(ctx, p, cc, builds)
		}()
	}
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
