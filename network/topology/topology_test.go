package topology

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReferenceTopology(t *testing.T) {
	topo, err := Load("../topology.yaml")
	require.NoError(t, err)
	assert.Len(t, topo.OrdererOrg().Orderers, 3)
	assert.Equal(t, []string{"provider", "payer", "regulator", "patients"}, topo.Channel("care").Orgs)
	var peerOrgs []string
	for _, o := range topo.PeerOrgs("care") {
		peerOrgs = append(peerOrgs, o.Name)
	}
	assert.Equal(t, []string{"provider", "payer", "regulator"}, peerOrgs, "patients have no peer")

	// Every listener has its own port, all inside the span from the base.
	seen := map[int]string{}
	for _, n := range topo.Nodes(20000) {
		for _, p := range []int{n.Port, n.AdminPort, n.ChaincodePort, n.OperationsPort} {
			if p == 0 {
				continue
			}
			require.Empty(t, seen[p], "port %d used by %s and %s", p, seen[p], n.ID())
			seen[p] = n.ID()
			assert.GreaterOrEqual(t, p, 20000)
			assert.Less(t, p, 20000+topo.PortSpan())
		}
		assert.Equal(t, DefaultHost, n.Host)
	}
	assert.Len(t, seen, topo.PortSpan())

	// No patient is declared; the patients' registrar registers them.
	for _, o := range topo.Orgs {
		for _, u := range o.Users {
			assert.NotEqual(t, RolePatient, u.Role, "%s/%s", o.Name, u.Name)
			assert.NotContains(t, u.Attrs, "patient_id")
		}
	}
	var registrars []string
	for _, o := range topo.Orgs {
		for _, u := range o.Users {
			if u.CARegistrar {
				registrars = append(registrars, o.Name+"/"+u.Name)
			}
		}
	}
	assert.Contains(t, registrars, "patients/registrar1")
}

func TestCountedUsersAreExpanded(t *testing.T) {
	topo, err := Parse([]byte(`
portBase: 9000
orgs:
  - {name: ord, mspId: OrdMSP, orderers: [o1], users: [{name: admin, type: admin}]}
  - name: a
    mspId: AMSP
    peers: [p0]
    users:
      - {name: admin, type: admin}
      - {name: clerk, count: 12, role: records-clerk, caRegistrar: true, attrs: {desk: "d-{n}"}}
channels: [{name: ch, orgs: [a]}]
`))
	require.NoError(t, err)
	users := topo.Org("a").Users
	require.Len(t, users, 13)
	assert.Equal(t, "clerk7", users[7].Name)
	assert.Equal(t, "d-0007", users[7].Attrs["desk"])
	assert.True(t, users[7].CARegistrar)
}

func TestNodeHostsPlaceNodes(t *testing.T) {
	topo, err := Parse([]byte(`
portBase: 9000
orgs:
  - {name: ord, mspId: OrdMSP, orderers: [o1], users: [{name: admin, type: admin}]}
  - name: a
    mspId: AMSP
    host: 10.0.0.2
    nodeHosts: {ca: 10.0.0.3}
    peers: [p0]
    users: [{name: admin, type: admin}]
channels: [{name: ch, orgs: [a]}]
`))
	require.NoError(t, err)
	hosts := map[string]string{}
	for _, n := range topo.Nodes(9000) {
		hosts[n.ID()] = n.Host
	}
	assert.Equal(t, map[string]string{"ca.ord": DefaultHost, "ca.a": "10.0.0.3", "o1.ord": DefaultHost, "p0.a": "10.0.0.2"}, hosts)
}

func TestInvalidTopologies(t *testing.T) {
	base := "portBase: 9000\n"
	ord := "  - {name: ord, mspId: OrdMSP, orderers: [o1], users: [{name: admin, type: admin}]}\n"
	for name, doc := range map[string]string{
		"unknown field":         base + "orgs:\n" + ord + "colour: blue\n",
		"no orderer org":        base + "orgs:\n  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}]}\n",
		"no admin":              base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, peers: [p0], users: [{name: u}]}\n",
		"duplicate msp":         base + "orgs:\n" + ord + "  - {name: a, mspId: OrdMSP, peers: [p0], users: [{name: admin, type: admin}]}\n",
		"reserved attribute":    base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}, {name: u, attrs: {hf.Type: admin}}]}\n",
		"a patient":             base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}, {name: u, role: patient}]}\n",
		"a pseudonym":           base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}, {name: u, attrs: {patient_id: pt-1}}]}\n",
		"channel unknown org":   base + "orgs:\n" + ord + "channels: [{name: ch, orgs: [zz]}]\n",
		"channel without peers": base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, users: [{name: admin, type: admin}]}\nchannels: [{name: ch, orgs: [a]}]\n",
		"port base too low":     "portBase: 80\norgs:\n" + ord,
		"chaincode no policy":   base + "orgs:\n" + ord + "  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}]}\nchannels: [{name: ch, orgs: [a]}]\nchaincodes: [{name: cc, path: ./x, channels: {ch: {}}}]\n",
	} {
		_, err := Parse([]byte(doc))
		assert.Error(t, err, name)
	}
	_, err := os.Stat("../topology.yaml")
	require.NoError(t, err)
}

func TestPartsAreChecked(t *testing.T) {
	base := `portBase: 7000
orgs:
  - {name: orderer, mspId: OrdererMSP, orderers: [o1], users: [{name: admin, type: admin}]}
  - {name: a, mspId: AMSP, peers: [peer0], users: [{name: admin, type: admin}], %s}
channels:
  - {name: ch, orgs: [a]}
`
	for extra, want := range map[string]string{
		"parts: [payer], plans: [gold]":                 "",
		"parts: [bank]":                                 `part "bank"`,
		"parts: [provider], plans: [gold]":              "only a payer has plans",
		"parts: [payer], companyPrefixes: ['0614141']":  "only a manufacturer",
		"parts: [manufacturer], companyPrefixes: ['1']": "",
	} {
		_, err := Parse([]byte(fmt.Sprintf(base, extra)))
		if want == "" {
			require.NoError(t, err, extra)
		} else {
			require.ErrorContains(t, err, want, extra)
		}
	}
}

// A chaincode names one source: a package of the repository, a module of
// its own (absolute or ./ folder), or a service with an address and a
// TLS root; anything else is refused with what is wrong.
func TestChaincodeSources(t *testing.T) {
	head := "portBase: 9000\norgs:\n  - {name: ord, mspId: OrdMSP, orderers: [o1], users: [{name: admin, type: admin}]}\n" +
		"  - {name: a, mspId: AMSP, peers: [p0], users: [{name: admin, type: admin}]}\nchannels: [{name: ch, orgs: [a]}]\nchaincodes:\n"
	policy := ", channels: {ch: {endorsement: \"OR('AMSP.peer')\"}}}\n"
	for src, want := range map[string]string{
		"path: ./x":                        "",
		"module: /opt/cc, path: .":         "",
		"module: ./test/testdata/ccmodule": "",
		"module: relative/cc":              "module must be absolute",
		"module: /opt/cc, path: cmd":       "relative to the module",
		"path: x":                          "relative to the repository",
		"service: {address: 127.0.0.1:9, tlsRoot: r.pem}":                    "",
		"service: {address: nowhere, tlsRoot: r.pem}":                        "host:port",
		"service: {address: 127.0.0.1:9}":                                    "tlsRoot missing",
		"service: {address: 127.0.0.1:9, tlsRoot: r.pem, dialTimeout: soon}": "dialTimeout",
		"path: ./x, service: {address: 127.0.0.1:9, tlsRoot: r.pem}":         "no path or module",
	} {
		_, err := Parse([]byte(head + "  - {name: cc, " + src + policy))
		if want == "" {
			assert.NoError(t, err, src)
		} else {
			assert.ErrorContains(t, err, want, src)
		}
	}
}

// A channel's batching is read as written, fields left out stay zero
// (carenet's defaults), and one the orderers would refuse is refused
// with the channel and the field.
func TestChannelBatching(t *testing.T) {
	base := `portBase: 7000
orgs:
  - {name: orderer, mspId: OrdererMSP, orderers: [o1], users: [{name: admin, type: admin}]}
  - {name: a, mspId: AMSP, peers: [peer0], users: [{name: admin, type: admin}]}
channels:
  - {name: ch, orgs: [a], %s}
`
	topo, err := Parse([]byte(fmt.Sprintf(base, "batch: {timeout: 500ms, maxMessageCount: 20}")))
	require.NoError(t, err)
	assert.Equal(t, Batch{Timeout: "500ms", MaxMessageCount: 20}, topo.Channel("ch").Batch)
	d, err := topo.Channel("ch").Batch.TimeoutDuration()
	require.NoError(t, err)
	assert.Equal(t, 500*time.Millisecond, d)
	topo, err = Parse([]byte(fmt.Sprintf(base, "batch: {}")))
	require.NoError(t, err)
	assert.Equal(t, Batch{}, topo.Channel("ch").Batch)
	for extra, want := range map[string]string{
		"batch: {timeout: soon}":                                   `channel "ch": batch timeout "soon"`,
		"batch: {timeout: 0s}":                                     "must be above 0",
		"batch: {timeout: 2m}":                                     "at most 1m",
		"batch: {maxMessageCount: -1}":                             "cannot unmarshal",
		"batch: {absoluteMaxBytes: 1024, preferredMaxBytes: 2048}": "must not exceed absoluteMaxBytes 1024",
		"batch: {timeout: 1s, colour: blue}":                       "colour",
	} {
		_, err := Parse([]byte(fmt.Sprintf(base, extra)))
		require.ErrorContains(t, err, want, extra)
	}
}
