// Package partstest installs the parts registry on a memstub peer for the
// unit tests of the chaincodes that read it.
package partstest

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/parts"
	"github.com/carechain/carechain/chaincode/parts/wire"
)

// Reference is the reference consortium's genesis (chaincode/parts/genesis.json).
func Reference() wire.Genesis {
	var g wire.Genesis
	if err := json.Unmarshal(parts.DefaultGenesis, &g); err != nil {
		panic(fmt.Sprintf("partstest: genesis.json: %v", err))
	}
	return g
}

// With returns a copy of g in which channel's entry for o.MSPID is o (added
// when missing).
func With(g wire.Genesis, channel string, o wire.Org) wire.Genesis {
	out := wire.Genesis{Channels: map[string]wire.Registry{}}
	for name, r := range g.Channels {
		out.Channels[name] = wire.Registry{Orgs: slices.Clone(r.Orgs)}
	}
	r := out.Channels[channel]
	if i := slices.IndexFunc(r.Orgs, func(x wire.Org) bool { return x.MSPID == o.MSPID }); i >= 0 {
		r.Orgs[i] = o
	} else {
		r.Orgs = append(r.Orgs, o)
	}
	out.Channels[channel] = r
	return out
}

// InstallOnly installs the parts chaincode with genesis g on the peer's
// channel, without bootstrapping it.
func InstallOnly(p *memstub.Peer, g wire.Genesis) {
	data, err := json.Marshal(g)
	if err != nil {
		panic(err)
	}
	cc, err := contractapi.NewChaincode(&parts.Contract{Genesis: data})
	if err != nil {
		panic(err)
	}
	p.Install(wire.Chaincode, cc)
}

// Install installs the parts chaincode with genesis g on the peer's
// channel and bootstraps it at the given time.
func Install(p *memstub.Peer, g wire.Genesis, at time.Time) {
	InstallOnly(p, g)
	anyone := memstub.NewIdentity("OrdererMSP", "bootstrap", nil)
	if res := p.Invoke(wire.Chaincode, anyone, at, nil, wire.FnBootstrap); !res.OK() {
		panic(fmt.Sprintf("partstest: bootstrap: %s", res.Message))
	}
}
