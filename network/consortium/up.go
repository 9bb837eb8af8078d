package consortium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/carechain/carechain/chaincode/parts/wire"
	records "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/network/ccbuilder"
	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/health"
	"github.com/carechain/carechain/network/kek"
	"github.com/carechain/carechain/network/nodeconfig"
	"github.com/carechain/carechain/network/pki"
	"github.com/carechain/carechain/network/proc"
	"github.com/carechain/carechain/network/topology"
)

// Up brings the consortium to what the topology describes, from whatever
// state it is in: a fresh folder, stopped nodes, or a running network
// (then it changes only what the topology changed: new orgs' CAs,
// identities and nodes, channel config updates for orgs that join or
// leave a channel, nodes removed from the topology stopped). Every wait is
// on a node's operations endpoint. Local steps come first; a step that
// fails is reported with its name, and what this run changed is undone
// (channel updates rolled back, nodes it started stopped), so a failed
// reconcile leaves the consortium as it was.
func (c *Consortium) Up(ctx context.Context) error {
	p := c.newProgress()
	c.created, c.applied, c.started = map[string]bool{}, nil, nil
	failAfter := os.Getenv(FailAfterEnv)
	for _, s := range c.upSteps() {
		if err := p.step(s.name, func() error { return injected(s.fn(ctx), s.name == failAfter) }); err != nil {
			c.stopEarlyInstall()
			c.stopUserEnrollment()
			return c.undo(context.WithoutCancel(ctx), &StepError{Step: s.name, Err: err})
		}
	}
	fmt.Fprintf(c.Out, "consortium up in %.1fs\n", time.Since(p.start).Seconds())
	return nil
}

// FailAfterEnv names a step of Up that fails once it has done its work:
// how the tests make a reconcile fail after it has changed a channel.
const FailAfterEnv = "CARENET_FAIL_AFTER"

// ErrInjected is the failure FailAfterEnv asks for.
var ErrInjected = errors.New("failure injected after this step (" + FailAfterEnv + ")")

func injected(err error, fail bool) error {
	if err == nil && fail {
		return ErrInjected
	}
	return err
}

type upStep struct {
	name string
	fn   func(context.Context) error
}

func (c *Consortium) upSteps() []upStep {
	steps := c.nodeSteps()
	if c.early == nil {
		return steps
	}
	// Packaging the parts registry needs every org's CA certificate;
	// installing chaincode needs the peers running, not on channels.
	i := slices.IndexFunc(steps, func(s upStep) bool { return s.name == stepPublishCAs }) + 1
	steps = slices.Insert(steps, i, upStep{"start packaging and building chaincode (for the deploy that follows)", c.startEarlyInstall})
	i = slices.IndexFunc(steps, func(s upStep) bool { return s.name == stepStartPeers }) + 1
	steps = slices.Insert(steps, i, upStep{"start installing chaincode (for the deploy that follows)", c.peersRunning})
	// Defining chaincode needs the peers on their channels, not gossip:
	// the deploy goes on while gossip converges (see gossipConverged).
	i = slices.IndexFunc(steps, func(s upStep) bool { return s.name == stepGossip })
	steps[i] = upStep{"start waiting for gossip to converge (the deploy goes on meanwhile)", c.startGossipWait}
	return steps
}

// stepPublishCAs is the step of Up after which every org's CA
// certificate is published; stepStartPeers the one after which chaincode
// can be installed.
const (
	stepPublishCAs = "publish the CAs' certificates"
	stepEnroll     = "enroll nodes and org admins (the other users meanwhile)"
	stepStartPeers = "start peers"
	stepGossip     = "wait for gossip to converge"
)

func (c *Consortium) nodeSteps() []upStep {
	return []upStep{
		{"prepare state folder " + string(c.Home), c.prepare},
		{"start the orderers and peers a past run set up", c.startKnownNodes},
		{"start certificate authorities", func(ctx context.Context) error { return c.startNodes(ctx, topology.KindCA) }},
		{stepPublishCAs, c.publishCAs},
		{stepEnroll, c.enrollAll},
		{"write node configs and the chaincode builder", c.writeConfigs},
		{"make key-encryption keys", c.makeKEKs},
		{"make channel genesis blocks", c.genesisBlocks},
		{"start orderers", func(ctx context.Context) error { return c.startNodes(ctx, topology.KindOrderer) }},
		{"join orderers to channels and wait for Raft leaders", c.joinOrderers},
		{stepStartPeers, func(ctx context.Context) error { return c.startNodes(ctx, topology.KindPeer) }},
		{"update channel configs to the topology", c.updateChannels},
		{"join peers to channels", c.joinPeers},
		{"wait for peers to catch up with the orderers", c.waitCaughtUp},
		{stepGossip, c.waitGossip},
		{"stop nodes removed from the topology", c.stopRetired},
		{"write connection profile", c.writeProfile},
		{"wait for the other users' enrollments", c.waitUsersEnrolled},
		{"record the commissioned nodes", c.commission},
	}
}

// StepError is a step of Up that failed, and what undoing the run did.
type StepError struct {
	Step string
	Err  error
	// Undo is the failure of undoing the run, if it failed too.
	Undo error
}

func (e *StepError) Error() string {
	if e.Undo != nil {
		return fmt.Sprintf("step %q: %v (undoing the run failed too: %v)", e.Step, e.Err, e.Undo)
	}
	return fmt.Sprintf("step %q: %v", e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// undo rolls back this run's channel updates and stops the nodes it
// started, and returns the step's error with what undoing met.
func (c *Consortium) undo(ctx context.Context, se *StepError) error {
	p := &progress{w: c.Out}
	var errs []error
	if len(c.applied) > 0 {
		errs = append(errs, p.step("roll back this run's channel updates", func() error { return c.rollBackChannels(ctx) }))
	}
	if len(c.started) > 0 {
		errs = append(errs, p.step("stop the nodes this run started", c.stopStarted))
	}
	se.Undo = errors.Join(errs...)
	return se
}

// stopStarted stops the nodes this run started, peers first.
func (c *Consortium) stopStarted() error {
	var errs []error
	for _, kind := range []topology.Kind{topology.KindPeer, topology.KindOrderer, topology.KindCA} {
		for _, n := range c.started {
			if n.Kind == kind {
				if err := proc.Stop(c.Home.Pid(n.ID()), c.binaryOf(n), stopGrace); err != nil {
					errs = append(errs, c.nodeErr(n, err))
				}
			}
		}
	}
	c.started = nil
	return errors.Join(errs...)
}

// stopRetired stops the local nodes the topology no longer has; their
// state stays until clean.
func (c *Consortium) stopRetired(context.Context) error {
	var errs []error
	for _, r := range c.Retired() {
		if c.Host != "" && r.Host != c.Host {
			continue
		}
		if _, ok := proc.Running(c.Home.Pid(r.ID), c.binaryOfKind(r.Kind)); !ok {
			continue
		}
		fmt.Fprintf(c.Out, "  %s is no longer in the topology: stopped, its state kept until clean\n", r.ID)
		if err := proc.Stop(c.Home.Pid(r.ID), c.binaryOfKind(r.Kind), stopGrace); err != nil {
			errs = append(errs, &NodeError{Node: r.ID, Log: c.Home.Log(r.ID), Err: err})
		}
	}
	return errors.Join(errs...)
}

func (c *Consortium) prepare(context.Context) error {
	for _, tool := range []string{"peer", "orderer", "configtxgen", "osnadmin", "fabric-ca-server"} {
		if _, err := os.Stat(c.tool(tool)); err != nil {
			return fmt.Errorf("%s not found in FABRIC_BIN=%s: run scripts/fabric-bins.sh", tool, c.Bin)
		}
	}
	for _, f := range []string{"core.yaml", "orderer.yaml"} {
		if _, err := os.Stat(filepath.Join(c.Templates, f)); err != nil {
			return fmt.Errorf("fabric config template %s not found in %s", f, c.Templates)
		}
	}
	if err := os.MkdirAll(string(c.Home), 0o755); err != nil {
		return err
	}
	if err := c.moveSharedNodes(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(string(c.Home), "port-base"), []byte(fmt.Sprintf("%d\n", c.PortBase)), 0o644); err != nil {
		return err
	}
	return c.savePorts()
}

// startKnownNodes starts, without waiting, the local orderers and peers
// that a past run enrolled and started (a consortium brought down): they
// need neither the CAs nor one another to start, and come up while the
// CAs do. Each gets its config written first, as the later steps would;
// the steps that start orderers and peers wait for them to serve.
func (c *Consortium) startKnownNodes(context.Context) error {
	for _, n := range c.Nodes() {
		if (n.Kind != topology.KindOrderer && n.Kind != topology.KindPeer) || !c.local(n) || !c.setUpBefore(n) {
			continue
		}
		if err := c.startNode(n, true); err != nil {
			return err
		}
	}
	return nil
}

// startNode starts a node unless it runs, with its config written first
// when asked, and keeps it among the nodes this run started.
func (c *Consortium) startNode(n topology.Node, writeConfig bool) error {
	if _, ok := proc.Running(c.Home.Pid(n.ID()), c.binaryOf(n)); ok {
		return nil
	}
	if writeConfig {
		if err := c.writeNodeConfig(n); err != nil {
			return c.nodeErr(n, err)
		}
	}
	spec, err := c.procSpec(n)
	if err != nil {
		return c.nodeErr(n, err)
	}
	if _, err := proc.Start(spec); err != nil {
		return c.nodeErr(n, err)
	}
	c.started = append(c.started, n)
	return nil
}

// setUpBefore reports whether a past run enrolled the node, gave it its
// TLS certificate and started it (its ledger folder exists), and, for a
// peer, made its org's key-encryption key and the chaincode builder.
func (c *Consortium) setUpBefore(n topology.Node) bool {
	files := []string{filepath.Join(c.Home.NodeMSP(n.Org.Name, n.ID()), "signcerts", "cert.pem"),
		filepath.Join(c.Home.NodeTLS(n.Org.Name, n.ID()), "server.crt"), c.Home.NodeData(n.Org.Name, n.ID())}
	if n.Kind == topology.KindPeer {
		files = append(files, filepath.Join(c.Home.KEK(n.Org.Name), records.KEKFile), filepath.Join(c.Home.Builder(), "bin", "build"))
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	return true
}

// startNodes starts the local nodes of a kind that are not running and waits
// until every one answers /healthz.
func (c *Consortium) startNodes(ctx context.Context, kind topology.Kind) error {
	nodes := c.nodesOf(kind)
	for _, n := range nodes {
		if !c.local(n) {
			continue
		}
		if err := c.startNode(n, false); err != nil {
			return err
		}
	}
	return parallel(nodes, len(nodes)+1, func(n topology.Node) error {
		if !c.local(n) {
			return nil
		}
		return c.waitStarted(ctx, n)
	})
}

// waitStarted waits until a started node serves. A node that dies while
// starting gets one more start, as a supervisor would (its log keeps the
// first failure); a node new to the state folder whose ports another
// socket took meanwhile gets new ports, up to three times.
func (c *Consortium) waitStarted(ctx context.Context, n topology.Node) error {
	err := c.waitHealthy(ctx, n)
	for attempt := 0; errors.Is(err, errExited) && attempt < 3; attempt++ {
		moved, ok, merr := c.movePorts(n)
		switch {
		case merr != nil:
			return c.nodeErr(n, merr)
		case ok:
			fmt.Fprintf(c.Out, "  %s: its ports were taken before it listened; moved to %s\n", n.ID(), moved.Address())
			n = moved
		case attempt > 0:
			return err
		default:
			fmt.Fprintf(c.Out, "  %s exited while starting (log: %s); starting it once more\n", n.ID(), c.Home.Log(n.ID()))
		}
		// Whatever is left of the start this run just made goes first: a
		// second start never leaves the first one running unnamed.
		proc.KillGroup(c.Home.Pid(n.ID()))
		spec, serr := c.procSpec(n)
		if serr != nil {
			return c.nodeErr(n, serr)
		}
		if _, serr := proc.Start(spec); serr != nil {
			return c.nodeErr(n, serr)
		}
		err = c.waitHealthy(ctx, n)
	}
	return err
}

// errExited is a node process that is gone.
var errExited = errors.New("process exited")

func (c *Consortium) waitHealthy(ctx context.Context, n topology.Node) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	last := ""
	err := health.Poll(ctx, 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		if _, ok := proc.Running(c.Home.Pid(n.ID()), c.binaryOf(n)); !ok {
			return false, errExited
		}
		ok, body := health.Healthy(ctx, n.OperationsAddress())
		last = body
		return ok, nil
	})
	if errors.Is(err, errExited) {
		return c.nodeErr(n, fmt.Errorf("%w while starting: %s", errExited, orUnknown(logCause(c.Home.Log(n.ID())))))
	}
	if err != nil {
		return c.nodeErr(n, fmt.Errorf("not healthy at http://%s/healthz: %w (last answer: %s)", n.OperationsAddress(), err, last))
	}
	// /healthz answers before the node's main listener opens.
	err = health.Poll(ctx, 50*time.Millisecond, func(ctx context.Context) (bool, error) {
		if _, ok := proc.Running(c.Home.Pid(n.ID()), c.binaryOf(n)); !ok {
			return false, errExited
		}
		conn, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", n.Address())
		if err != nil {
			return false, nil
		}
		conn.Close()
		return true, nil
	})
	if errors.Is(err, errExited) {
		return c.nodeErr(n, fmt.Errorf("%w while starting: %s", errExited, orUnknown(logCause(c.Home.Log(n.ID())))))
	}
	if err != nil {
		return c.nodeErr(n, fmt.Errorf("not listening on %s: %w", n.Address(), err))
	}
	return nil
}

func orUnknown(cause string) string {
	if cause == "" {
		return "the log says no more"
	}
	return cause
}

func (c *Consortium) procSpec(n topology.Node) (proc.Spec, error) {
	s := proc.Spec{Binary: c.binaryOf(n), LogFile: c.Home.Log(n.ID()), PidFile: c.Home.Pid(n.ID()), Dir: c.Home.Node(n.Org.Name, n.ID())}
	if c.Launcher != "" {
		s.Launcher = []string{c.Launcher, n.Org.Name, n.ID(), n.Host}
	}
	switch n.Kind {
	case topology.KindCA:
		dir := c.Home.CAServer(n.Org.Name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return s, err
		}
		secret, err := pki.BootstrapSecret(c.Home.Registrar(n.Org.Name))
		if err != nil {
			return s, err
		}
		s.Dir = dir
		s.Args = []string{"start", "-H", dir, "-b", pki.RegistrarName + ":" + secret,
			"--address", n.Host, "--port", fmt.Sprint(n.Port),
			"--tls.enabled", "--csr.hosts", strings.Join(hostNames(n), ","),
			"--csr.cn", "ca." + n.Org.Name, "--ca.name", caName(n.Org)}
		s.Env = []string{"FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=" + n.OperationsAddress()}
	case topology.KindOrderer:
		s.Args = []string{"start"}
		s.Env = []string{"FABRIC_CFG_PATH=" + c.Home.Node(n.Org.Name, n.ID()), "FABRIC_LOGGING_SPEC=info"}
	case topology.KindPeer:
		s.Args = []string{"node", "start"}
		s.Env = []string{"FABRIC_CFG_PATH=" + c.Home.Node(n.Org.Name, n.ID()), "FABRIC_LOGGING_SPEC=info:gossip=warning:gossip.discovery=warning",
			"CARECHAIN_KEK_DIR=" + c.Home.KEK(n.Org.Name)}
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return s, err
	}
	return s, nil
}

// hostNames are the names a node's TLS certificate is valid for.
func hostNames(n topology.Node) []string {
	names := []string{n.Host, n.ID()}
	if n.Host != "localhost" {
		names = append(names, "localhost")
	}
	return names
}

func (c *Consortium) enrollNode(ctx context.Context, ca *pki.CA, n topology.Node) error {
	mspDir, tlsDir := c.Home.NodeMSP(n.Org.Name, n.ID()), c.Home.NodeTLS(n.Org.Name, n.ID())
	if pki.Enrolled(mspDir) {
		if _, err := os.Stat(filepath.Join(tlsDir, "server.crt")); err == nil {
			return c.publishTLSCert(n)
		}
	}
	if err := ca.Register(ctx, pki.Identity{Name: n.ID(), Type: string(n.Kind)}); err != nil {
		return err
	}
	if err := c.enrollInto(ctx, ca, n.ID(), hostNames(n), mspDir, filepath.Join(c.Home.Node(n.Org.Name, n.ID()), "tls-enrollment"), tlsDir); err != nil {
		return err
	}
	return c.publishTLSCert(n)
}

// enrollInto enrolls name and writes its TLS folders, then its MSP last:
// an MSP folder marks the identity done.
func (c *Consortium) enrollInto(ctx context.Context, ca *pki.CA, name string, hosts []string, mspDir, enrolledTLS, tlsDir string) error {
	ecert, tls, err := ca.Enroll(ctx, name, hosts)
	if err != nil {
		return err
	}
	if err := ca.Write(enrolledTLS, tls); err != nil {
		return err
	}
	if err := pki.TLSFiles(enrolledTLS, tlsDir); err != nil {
		return err
	}
	return ca.Write(mspDir, ecert)
}

func (c *Consortium) enrollUser(ctx context.Context, ca *pki.CA, org *topology.Org, u topology.User) error {
	mspDir, tlsDir := c.Home.UserMSP(org.Name, u.Name), c.Home.UserTLS(org.Name, u.Name)
	if pki.Enrolled(mspDir) {
		return nil
	}
	typ := u.Type
	if typ == "" {
		typ = "client"
	}
	attrs := map[string]string{}
	for k, v := range u.Attrs {
		attrs[k] = v
	}
	if u.Role != "" {
		attrs["role"] = u.Role
	}
	if err := ca.Register(ctx, pki.Identity{Name: u.Name, Type: typ, Attrs: attrs, Registrar: u.CARegistrar}); err != nil {
		return err
	}
	return c.enrollInto(ctx, ca, u.Name, nil, mspDir, tlsDir+"-enrollment", tlsDir)
}

// builderEnv are the variables the chaincode builder needs to run Go and
// find its cache of built chaincode (ccbuilder.CacheEnv, XDG_CACHE_HOME,
// ccbuilder.NoCacheEnv). CARECHAIN_KEK_DIR reaches the chaincode
// processes: the org's key-encryption keys, which only its own peers hold.
var builderEnv = []string{"HOME", "GOPATH", "GOCACHE", "GOMODCACHE", "GOPROXY", "GOFLAGS", "GONOSUMDB", "GOPRIVATE", "GOTOOLCHAIN", "TMPDIR",
	"XDG_CACHE_HOME", ccbuilder.CacheEnv, ccbuilder.NoCacheEnv, "CARECHAIN_KEK_DIR"}

// makeKEKs gives every org that runs peers its records key-encryption key
// (P-256, PKCS #8), once.
func (c *Consortium) makeKEKs(context.Context) error {
	for _, o := range c.Topo.Orgs {
		if len(o.Peers) == 0 {
			continue
		}
		path := filepath.Join(c.Home.KEK(o.Name), records.KEKFile)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		if err := kek.Generate(path); err != nil {
			return err
		}
	}
	return nil
}

func (c *Consortium) writeConfigs(context.Context) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := ccbuilder.Install(c.Home.Builder(), self); err != nil {
		return err
	}
	for _, n := range c.Nodes() {
		if err := c.writeNodeConfig(n); err != nil {
			return c.nodeErr(n, err)
		}
	}
	for i := range c.Topo.Orgs {
		if err := c.writeCLIConfig(&c.Topo.Orgs[i]); err != nil {
			return err
		}
	}
	return nil
}

// writeNodeConfig writes a peer's core.yaml or an orderer's orderer.yaml
// (a CA takes its settings as flags).
func (c *Consortium) writeNodeConfig(n topology.Node) error {
	var file string
	var apply func(nodeconfig.Doc)
	switch n.Kind {
	case topology.KindPeer:
		file = "core.yaml"
		apply = func(d nodeconfig.Doc) {
			nodeconfig.PeerCore(d, nodeconfig.Peer{
				ID: n.ID(), MSPID: n.Org.MSPID, Host: n.Host,
				Port: n.Port, ChaincodePort: n.ChaincodePort, OpsPort: n.OperationsPort,
				MSPDir: c.Home.NodeMSP(n.Org.Name, n.ID()), TLSDir: c.Home.NodeTLS(n.Org.Name, n.ID()), DataDir: c.Home.NodeData(n.Org.Name, n.ID()),
				BuilderDir: c.Home.Builder(), BuilderEnv: builderEnv,
			})
		}
	case topology.KindOrderer:
		file = "orderer.yaml"
		apply = func(d nodeconfig.Doc) {
			nodeconfig.OrdererConfig(d, nodeconfig.Orderer{
				ID: n.ID(), MSPID: n.Org.MSPID, Host: n.Host,
				Port: n.Port, AdminPort: n.AdminPort, OpsPort: n.OperationsPort,
				MSPDir: c.Home.NodeMSP(n.Org.Name, n.ID()), TLSDir: c.Home.NodeTLS(n.Org.Name, n.ID()), DataDir: c.Home.NodeData(n.Org.Name, n.ID()),
				AdminClientRoots: []string{c.Home.CACert(c.Topo.OrdererOrg().Name)},
			})
		}
	default:
		return nil
	}
	d, err := nodeconfig.LoadTemplate(c.Templates, file)
	if err != nil {
		return err
	}
	apply(d)
	return d.Write(filepath.Join(c.Home.Node(n.Org.Name, n.ID()), file))
}

// channelSpec describes a channel for configtxgen.
func (c *Consortium) channelSpec(name string) channelcfg.Channel {
	oo := c.Topo.OrdererOrg()
	spec := channelcfg.Channel{Name: name, Batch: c.batchOf(name)}
	spec.OrdererOrg = channelcfg.Org{Name: oo.Name, MSPID: oo.MSPID, MSPDir: c.Home.OrgMSP(oo.Name)}
	for _, n := range c.nodesOf(topology.KindOrderer) {
		spec.OrdererOrg.OrdererEndpoints = append(spec.OrdererOrg.OrdererEndpoints, n.Address())
		spec.Consenters = append(spec.Consenters, channelcfg.Consenter{Host: n.Host, Port: n.Port,
			TLSCert: c.Home.PublishedTLSCert(n.Org.Name, n.ID())})
	}
	peers := c.nodesOf(topology.KindPeer)
	for _, orgName := range c.Topo.Channel(name).Orgs {
		o := c.Topo.Org(orgName)
		m := channelcfg.Org{Name: o.Name, MSPID: o.MSPID, MSPDir: c.Home.OrgMSP(o.Name),
			SubmitOnly: slices.Contains(o.Parts, wire.PartPatientRegistry)}
		for _, n := range peers {
			if n.Org.Name == o.Name {
				m.Anchors = append(m.Anchors, n.Address())
			}
		}
		if len(m.Anchors) > 0 {
			spec.PeerMSPs = append(spec.PeerMSPs, o.MSPID)
		}
		spec.Members = append(spec.Members, m)
	}
	return spec
}

func (c *Consortium) genesisBlocks(ctx context.Context) error {
	for _, ch := range c.Topo.Channels {
		block := c.Home.GenesisBlock(ch.Name)
		if _, err := os.Stat(block); err == nil {
			continue
		}
		if err := channelcfg.GenesisBlock(ctx, c.tool("configtxgen"), c.Home.Channel(ch.Name), block, c.channelSpec(ch.Name)); err != nil {
			return err
		}
		c.created[ch.Name] = true
	}
	return nil
}

type osnChannels struct {
	Channels []struct {
		Name string `json:"name"`
	} `json:"channels"`
}

func (c *Consortium) joinOrderers(ctx context.Context) error {
	admin := c.ordererAdmin()
	orderers := c.nodesOf(topology.KindOrderer)
	for _, n := range orderers {
		if !c.local(n) {
			continue
		}
		adminAddr := fmt.Sprintf("%s:%d", n.Host, n.AdminPort)
		// On a restart the admin listener opens after /healthz does, once the
		// orderer has loaded its channels: wait for it to answer.
		var out []byte
		waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := health.Poll(waitCtx, 100*time.Millisecond, func(ctx context.Context) (bool, error) {
			var err error
			out, err = admin.Run(ctx, adminAddr, "list")
			if err != nil && strings.Contains(err.Error(), "connection refused") {
				return false, nil
			}
			return true, err
		})
		cancel()
		if err != nil {
			return c.nodeErr(n, err)
		}
		joined := map[string]bool{}
		var list osnChannels
		if err := json.Unmarshal(out, &list); err != nil {
			return c.nodeErr(n, fmt.Errorf("osnadmin channel list: %w", err))
		}
		for _, ch := range list.Channels {
			joined[ch.Name] = true
		}
		for _, ch := range c.Topo.Channels {
			if joined[ch.Name] {
				continue
			}
			if _, err := admin.Run(ctx, adminAddr, "join", "--channelID", ch.Name, "--config-block", c.Home.GenesisBlock(ch.Name)); err != nil {
				return c.nodeErr(n, err)
			}
		}
	}
	return c.waitRaftLeaders(ctx)
}

// waitRaftLeaders waits until each channel has exactly one Raft leader among
// the local orderers' metrics (all orderers when the network is on one host).
func (c *Consortium) waitRaftLeaders(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	orderers := c.nodesOf(topology.KindOrderer)
	for _, ch := range c.Topo.Channels {
		err := health.Poll(ctx, 200*time.Millisecond, func(ctx context.Context) (bool, error) {
			leaders := 0
			for _, n := range orderers {
				if !c.local(n) {
					continue
				}
				samples, err := health.Metrics(ctx, n.OperationsAddress())
				if err != nil {
					continue
				}
				if v, ok := health.Value(samples, "consensus_etcdraft_is_leader", map[string]string{"channel": ch.Name}); ok && v == 1 {
					leaders++
				}
			}
			return leaders == 1 || (c.Host != "" && leaders <= 1 && c.anyLeaderElsewhere()), nil
		})
		if err != nil {
			return fmt.Errorf("channel %s: no Raft leader among the orderers: %w (logs: %s)", ch.Name, err, filepath.Join(string(c.Home), "logs"))
		}
	}
	return nil
}

// anyLeaderElsewhere is true when some orderers run on other hosts: their
// leadership cannot be read from here, so one local leader is not required.
func (c *Consortium) anyLeaderElsewhere() bool {
	for _, n := range c.nodesOf(topology.KindOrderer) {
		if !c.local(n) {
			return true
		}
	}
	return false
}

func (c *Consortium) joinPeers(ctx context.Context) error {
	peers := c.nodesOf(topology.KindPeer)
	return parallel(peers, len(peers), func(n topology.Node) error {
		if !c.local(n) {
			return nil
		}
		admin := c.peerAdminAt(n.Org, n)
		out, err := admin.Run(ctx, "channel", "list")
		if err != nil {
			return c.nodeErr(n, err)
		}
		joined := map[string]bool{}
		for _, line := range strings.Split(string(out), "\n") {
			joined[strings.TrimSpace(line)] = true
		}
		for _, ch := range c.Topo.ChannelsOf(n.Org.Name) {
			if joined[ch] {
				continue
			}
			if _, err := admin.Run(ctx, "channel", "join", "-b", c.Home.GenesisBlock(ch)); err != nil {
				return c.nodeErr(n, err)
			}
		}
		return nil
	})
}

// waitGossip waits until every local peer knows every other peer of each of
// its channels, so the gateway can find other orgs' endorsers.
func (c *Consortium) waitGossip(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	peers := c.nodesOf(topology.KindPeer)
	return parallel(peers, len(peers), func(n topology.Node) error {
		if !c.local(n) {
			return nil
		}
		for _, ch := range c.Topo.ChannelsOf(n.Org.Name) {
			want := 0
			for _, o := range c.Topo.PeerOrgs(ch) {
				want += len(o.Peers)
			}
			want-- // itself
			got := 0.0
			err := health.Poll(ctx, 200*time.Millisecond, func(ctx context.Context) (bool, error) {
				samples, err := health.Metrics(ctx, n.OperationsAddress())
				if err != nil {
					return false, nil
				}
				got, _ = health.Value(samples, "gossip_membership_total_peers_known", map[string]string{"channel": ch})
				return int(got) >= want, nil
			})
			if err != nil {
				return c.nodeErr(n, fmt.Errorf("channel %s: knows %d of %d other peers: %w", ch, int(got), want, err))
			}
		}
		return nil
	})
}
