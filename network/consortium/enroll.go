package consortium

import (
	"context"
	"errors"

	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/topology"
)

// enrollLimit is how many identities of one CA are enrolled at once.
const enrollLimit = 8

// userEnrollment is the enrollment of the users Up itself does not act as
// (all but the org admins), which goes on while the nodes start; Up waits
// for it before it ends.
type userEnrollment struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// publishCAs publishes every org's CA root and channel MSP, which the
// parts registry's genesis (and so its package) is made of.
func (c *Consortium) publishCAs(context.Context) error {
	var errs []error
	for _, caNode := range c.nodesOf(topology.KindCA) {
		if err := c.publishOrg(caNode.Org); err != nil {
			errs = append(errs, c.nodeErr(caNode, err))
		}
	}
	return errors.Join(errs...)
}

// enrollAll issues every node's and user's certificates through the org's
// CA, over its REST API, every CA and up to enrollLimit identities of each
// at once. It returns once the nodes and org admins, which the rest of Up
// needs, are enrolled; the other users' enrollments go on meanwhile
// (waitUsersEnrolled). Identities already enrolled are kept.
func (c *Consortium) enrollAll(ctx context.Context) error {
	cas := c.nodesOf(topology.KindCA)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	u := &userEnrollment{cancel: cancel, done: make(chan struct{})}
	c.users = u
	first := make(chan error, len(cas))
	go func() {
		defer close(u.done)
		u.err = parallel(cas, len(cas), func(caNode topology.Node) error { return c.enrollAt(ctx, caNode, first) })
	}()
	var errs []error
	for range cas {
		errs = append(errs, <-first)
	}
	return errors.Join(errs...)
}

// enrollAt enrolls the nodes and admins of a CA's org, says how that went
// on first, then enrolls its other users.
func (c *Consortium) enrollAt(ctx context.Context, caNode topology.Node, first chan<- error) error {
	ca, err := c.openCA(ctx, caNode)
	if err != nil {
		err = c.nodeErr(caNode, err)
		first <- err
		return err
	}
	defer ca.Close()
	now, later := c.enrollJobs(ca, caNode.Org)
	err = c.runEnrollJobs(ctx, caNode, now)
	first <- err
	if err != nil {
		return err
	}
	return c.runEnrollJobs(ctx, caNode, later)
}

func (c *Consortium) runEnrollJobs(ctx context.Context, caNode topology.Node, jobs []func(context.Context) error) error {
	return parallel(jobs, enrollLimit, func(job func(context.Context) error) error {
		if err := job(ctx); err != nil {
			return c.nodeErr(caNode, err)
		}
		return nil
	})
}

// openCA reaches an org's CA as its bootstrap registrar and writes the org's MSP.
func (c *Consortium) openCA(ctx context.Context, caNode topology.Node) (*pki.CA, error) {
	org := caNode.Org
	ca, err := pki.NewCA(org.Name, caNode.Host, caNode.Port, c.Home.CAServerCert(org.Name), c.Home.Registrar(org.Name))
	if err != nil {
		return nil, err
	}
	if err := ca.EnrollRegistrar(ctx); err != nil {
		ca.Close()
		return nil, err
	}
	if err := c.publishOrg(org); err != nil {
		ca.Close()
		return nil, err
	}
	return ca, nil
}

// enrollJobs are the enrollments of an org's nodes and admins (now), and
// of its other users (later).
func (c *Consortium) enrollJobs(ca *pki.CA, org *topology.Org) (now, later []func(context.Context) error) {
	for _, n := range c.Nodes() {
		if n.Org.Name == org.Name && n.Kind != topology.KindCA {
			now = append(now, func(ctx context.Context) error { return c.enrollNode(ctx, ca, n) })
		}
	}
	for _, u := range org.Users {
		job := func(ctx context.Context) error { return c.enrollUser(ctx, ca, org, u) }
		if u.Type == "admin" {
			now = append(now, job)
		} else {
			later = append(later, job)
		}
	}
	return now, later
}

// waitUsersEnrolled waits for the enrollments enrollAll left going.
func (c *Consortium) waitUsersEnrolled(ctx context.Context) error {
	u := c.users
	if u == nil {
		return nil
	}
	select {
	case <-u.done:
		u.cancel()
		c.users = nil
		return u.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopUserEnrollment cancels the enrollments enrollAll left going and
// waits for them: Up failed, and undoing it may stop the CAs.
func (c *Consortium) stopUserEnrollment() {
	if u := c.users; u != nil {
		u.cancel()
		<-u.done
		c.users = nil
	}
}
